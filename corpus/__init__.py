"""The letters and their parsing: raw PDF text -> Documents, Sections, Passages."""

from corpus.loading import Corpus, Problem, bundled_corpus_dir, load_corpus
from corpus.models import Document, Passage, Section
from corpus.parsing import parse_letter

__all__ = ["Corpus", "Document", "Passage", "Problem", "Section", "bundled_corpus_dir", "load_corpus", "parse_letter"]
