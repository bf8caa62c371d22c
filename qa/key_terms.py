"""A question's key terms, and how much of them a text holds.

IDF-weighted, so that "Revolving Fund" counts for more than "NAVO". An English question is matched against the
Dutch letters through its words' nearest Dutch words (`Retriever.dutch_neighbours`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from embeddings.lexical import tokenize
from qa.language import detect_language

if TYPE_CHECKING:
    from qa.retrieval import Retriever


# English names whose Dutch form the letters use: "NATO" is "NAVO" there.
TRANSLATED_TERMS = {"nato": "navo", "un": "vn", "us": "vs"}  # keys as content_words gives them


def idf_weights(retriever: Retriever, terms: Sequence[str]) -> np.ndarray:
    bm25 = retriever.index.bm25
    n = max(bm25.n_docs, 1)
    df = np.array([bm25.indptr[i + 1] - bm25.indptr[i] if (i := bm25.vocab.get(t)) is not None else 0 for t in terms])
    return np.log(1.0 + (n - df + 0.5) / (df + 0.5))


def key_terms(question: str, retriever: Retriever, letters_only: bool = False) -> list[str]:
    """The question's terms, and for an English question the letters' Dutch words nearest to its words: the
    Dutch sentence that answers it shares those, not the English ones. letters_only: an English question's
    words that the letters never use are left out, as no Dutch sentence could hold them."""
    if detect_language(question) != "en":
        return sorted(set(tokenize(question)))
    english = set(tokenize(question))
    if letters_only:
        english &= retriever.index.bm25.vocab.keys()
    return sorted(english | set(tokenize(" ".join(retriever.dutch_neighbours(question)))))


def key_term_groups(question: str, retriever: Retriever) -> list[frozenset[str]]:
    """The question's key terms as groups, any one of which counts as the group found: for an English question,
    each word with its Dutch neighbours ("claims" is found as "claims" or as "aanspraak"), for a Dutch one each
    term alone. Only terms the letters use."""
    vocabulary = retriever.index.bm25.vocab
    if detect_language(question) != "en":
        return [frozenset({t}) for t in sorted(set(tokenize(question))) if t in vocabulary]
    groups = [frozenset({t}) for t in sorted(set(tokenize(question))) if t.isdigit() and t in vocabulary]
    for word, neighbours in retriever.dutch_neighbour_groups(question):
        translated = TRANSLATED_TERMS.get(word.lower(), "")
        group = frozenset(t for t in tokenize(f"{word} {translated} {' '.join(neighbours)}") if t in vocabulary)
        if group and group not in groups:
            groups.append(group)
    return groups


def group_weights(retriever: Retriever, groups: Sequence[frozenset[str]]) -> np.ndarray:
    """Each group's IDF weight: its most common term's, as any one of them finds it ("nato" is rare in the Dutch
    letters, "navo" is everywhere)."""
    return np.array([idf_weights(retriever, sorted(g)).min() for g in groups], dtype=np.float64)


def group_overlap(groups: Sequence[frozenset[str]], weights: np.ndarray, text: str) -> float:
    """IDF-weighted share of the groups found in the text."""
    if not groups:
        return 0.0
    present = set(tokenize(text))
    hit = np.array([bool(g & present) for g in groups], dtype=np.float64)
    return float((hit * weights).sum() / max(weights.sum(), 1e-9))


def lexical_overlap(question_terms: Sequence[str], weights: np.ndarray, text: str) -> float:
    """IDF-weighted share of the question's key terms that the text contains."""
    if not question_terms:
        return 0.0
    present = set(tokenize(text))
    hit = np.array([t in present for t in question_terms], dtype=np.float64)
    return float((hit * weights).sum() / max(weights.sum(), 1e-9))
