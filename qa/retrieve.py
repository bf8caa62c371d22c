"""The retrieve stage: BM25 and dense scores over every passage, fused, filtered, the best `depth` kept.

An English question reaches the Dutch letters three ways: e5 and USE embed both languages, and BM25 searches
its words together with their nearest Dutch words in the letters' vocabulary (embeddings/crosslingual.py).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np

from corpus.errors import QuestionError
from embeddings.crosslingual import content_words, nearest_word_groups
from embeddings.encoders import Encoder
from embeddings.letter_cache import VectorCache
from embeddings.lexical import bm25_scores, tokenize
from embeddings.store import Index, IndexedPassage
from qa.gazetteer import country_name
from qa.models import Query, ScoredPassage

MAX_K = 200
METHODS = ("hybrid", "dense", "bm25")
MAX_EXPANDED_WORDS = 64
TERMS_FILE = Path(__file__).resolve().parent / "data" / "terms.json"


@dataclass(frozen=True)
class RetrievalConfig:
    method: str = "hybrid"
    dense_weight: float = 2.0
    bm25_weight: float = 1.0
    english_bm25_weight: float = 0.5  # an English question's words, with their Dutch neighbours
    crosslingual_weight: float = 0.5  # USE beside e5
    english_crosslingual_weight: float = 1.0
    sentence_weight: float = 0.75  # dense = passage cosine + weight * its best sentence's cosine
    expansion: int = 2  # Dutch neighbours per English question word (0: none)
    expansion_min_cosine: float = 0.6  # by USE, which embeds the letters' words where the index has it
    expansion_min_cosine_e5: float = 0.88  # by e5, in an index without USE (e5's cosines run higher)
    depth: int = 30  # candidates handed to the reranker


@dataclass(frozen=True)
class TermGroup:
    """A question term, found in a text through any of its forms (an English word or its Dutch neighbours)."""

    forms: frozenset[str]
    weight: float  # IDF


@dataclass(frozen=True)
class Retrieved:
    query: Query
    passages: tuple[ScoredPassage, ...]  # best first, by fused score
    sentence_dense: np.ndarray  # e5 cosine of the question with every sentence of the index
    sentence_crosslingual: np.ndarray | None  # the same by USE, where the index has it
    terms: tuple[TermGroup, ...]
    filtered_out: bool = False  # the letter or date filters left no passage


@cache
def english_to_dutch() -> dict[str, str]:
    return json.loads(TERMS_FILE.read_text(encoding="utf-8"))["english_to_dutch"]


def validate_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise QuestionError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
    return k


def minmax_fuse(score_lists: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    fused = np.zeros(len(score_lists[0]), dtype=np.float64)
    for scores, weight in zip(score_lists, weights, strict=True):
        lo, hi = float(scores.min()), float(scores.max())
        fused += weight * ((scores - lo) / (hi - lo) if hi > lo else np.zeros_like(scores))
    return fused


def filter_mask(
    passages: Sequence[IndexedPassage],
    doc_ids: Sequence[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> np.ndarray:
    """Which passages pass: their letter is among doc_ids and a meeting (or letter) date is in range."""
    mask = np.ones(len(passages), dtype=bool)
    if doc_ids:
        wanted = set(doc_ids)
        mask &= np.array([p.passage.doc_id in wanted for p in passages])
    if since or until:
        lo, hi = since or date.min, until or date.max

        def in_range(p: IndexedPassage) -> bool:
            dates = p.meeting_dates or ((p.letter_date,) if p.letter_date else ())
            return any(lo <= d <= hi for d in dates)

        mask &= np.array([in_range(p) for p in passages])
    return mask


def best_per_passage(index: Index, sentence_scores: np.ndarray) -> np.ndarray:
    members = (index.passage_sentences(i) for i in range(len(index.passages)))
    return np.array([sentence_scores[m].max() if m else 0.0 for m in members], dtype=np.float32)


class Retriever:
    """Holds the index and the encoders; `retrieve` is the stage. Caches only what a question's words cost."""

    def __init__(
        self,
        index: Index,
        encoder: Encoder | None,
        crosslingual: Encoder | None = None,
        config=None,
        word_cache: VectorCache | None = None,
    ):
        self.index = index
        self.encoder = encoder
        self.crosslingual = crosslingual if index.crosslingual_vectors is not None else None
        self.config = config or RetrievalConfig()
        self._word_vectors: dict[str, np.ndarray] = {}
        self._word_cache = word_cache
        self._surface: np.ndarray | None = None
        self._surface_lock = threading.Lock()
        # the letters' words were embedded by USE where the index has it (embeddings/store.py), else by e5
        by_use = self.crosslingual is not None and index.manifest.get("word_encoder") == self.crosslingual.name
        self.word_encoder = self.crosslingual if by_use else encoder

    def idf(self, terms: Sequence[str]) -> np.ndarray:
        bm25 = self.index.bm25
        n = max(bm25.n_docs, 1)
        df = np.array(
            [bm25.indptr[i + 1] - bm25.indptr[i] if (i := bm25.vocab.get(t)) is not None else 0 for t in terms]
        )
        return np.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def neighbour_groups(self, text: str) -> list[tuple[str, list[str]]]:
        """Each content word of text with the letters' words nearest to it (by USE where the index has it, else e5)."""
        c = self.config
        words = list(dict.fromkeys(content_words(text)))[:MAX_EXPANDED_WORDS]
        if self.word_encoder is None or not c.expansion or not words or not len(self.index.words):
            return [(w, []) for w in words]
        cache = self._word_vectors  # replaced, never cleared in place: another thread may be reading it
        new = [w for w in words if w not in cache]
        if new:
            fresh = dict(zip(new, self.word_encoder.encode_queries(new), strict=True))
            if len(cache) > 50_000:  # bounded: a long-running server sees many words
                self._word_vectors = cache = {}
            cache.update(fresh)
        vectors = np.vstack([cache[w] for w in words])
        index = self.index
        groups = nearest_word_groups(vectors, index.word_vectors, index.words, c.expansion, self.word_cosine())
        return list(zip(words, groups, strict=True))

    def word_cosine(self) -> float:
        """The cosine a letter word needs to count as a question word's neighbour, for the encoder of the words."""
        c = self.config
        return c.expansion_min_cosine if self.word_encoder is self.crosslingual else c.expansion_min_cosine_e5

    def surface_word_vectors(self, progress: Callable[[int], None] | None = None) -> np.ndarray | None:
        """The letters' words by e5, whose neighbours look alike ("dreiging" -> "dreigingen"), for the timeline.

        Encoded at the first call rather than at indexing (which embeds the words by USE only), and kept in the
        word cache where there is one, so each word is encoded once ever. progress: called with each batch encoded.
        """
        if self.encoder is None or not len(self.index.words):
            return None
        if self.word_encoder is self.encoder:
            return self.index.word_vectors
        with self._surface_lock:
            if self._surface is None:
                words = list(self.index.words)
                try:  # the cache only saves time: one that cannot be written is skipped
                    surface = self._word_cache.encode_words(self.encoder, words, progress) if self._word_cache else None
                except OSError:
                    surface = None
                if surface is None:
                    surface = np.asarray(self.encoder.encode_queries(words), dtype=np.float32)
                self._surface = surface
        return self._surface

    def term_groups(self, query: Query) -> tuple[TermGroup, ...]:
        vocabulary = self.index.bm25.vocab
        if query.language != "en":
            terms = sorted({t for t in tokenize(query.search_text) if t in vocabulary})
            return tuple(TermGroup(frozenset({t}), float(w)) for t, w in zip(terms, self.idf(terms), strict=True))
        groups = [frozenset({t}) for t in sorted(set(tokenize(query.search_text))) if t.isdigit() and t in vocabulary]
        for code in query.countries:  # "Ukraine" is "Oekraïne" in the letters: the gazetteer knows, neighbours may not
            forms = frozenset(t for t in tokenize(country_name(code, "nl")) if t in vocabulary)
            if forms and forms not in groups:
                groups.append(forms)
        for word, neighbours in self.neighbour_groups(query.search_text):
            translated = english_to_dutch().get(word, "")
            forms = frozenset(t for t in tokenize(f"{word} {translated} {' '.join(neighbours)}") if t in vocabulary)
            if forms and forms not in groups:
                groups.append(forms)
        # a group is found through its commonest form: "nato" is rare in the Dutch letters, "navo" everywhere
        return tuple(TermGroup(g, float(self.idf(sorted(g)).min())) for g in groups)

    def lexical_query(self, query: Query) -> str:
        if query.language == "en":
            extra = [
                w
                for word, group in self.neighbour_groups(query.search_text)
                for w in (english_to_dutch().get(word, ""), *group)
            ]
            extra += [country_name(code, "nl") for code in query.countries]
            return f"{query.search_text} {' '.join(w for w in extra if w)}"
        vocabulary = self.index.bm25.vocab
        unknown = [w for w in content_words(query.search_text) if not any(t in vocabulary for t in tokenize(w))]
        if not unknown:
            return query.search_text
        # a Dutch word the letters never use is searched with its nearest letter word ("luchtverdedigingsverband")
        nearest = [g[0] for _, g in self.neighbour_groups(" ".join(unknown)) if g]
        return f"{query.search_text} {' '.join(nearest)}"

    def retrieve(
        self,
        query: Query,
        doc_ids: Sequence[str] | None = None,
        since: date | None = None,
        until: date | None = None,
        method: str | None = None,
        depth: int | None = None,
    ) -> Retrieved:
        c, index = self.config, self.index
        method = method or c.method
        if method not in METHODS:
            raise QuestionError(f"unknown retrieval method {method!r}; use one of {', '.join(METHODS)}")
        english = query.language == "en"
        scores: dict[str, np.ndarray] = {}
        sentence_dense = np.zeros(len(index.sentences), dtype=np.float32)
        sentence_xl = None
        if self.encoder is not None:
            qv = self.encoder.encode_queries([query.search_text])
            sentence_dense = index.sentence_vectors @ qv[0] if len(index.sentences) else sentence_dense
        if self.crosslingual is not None:
            xq = self.crosslingual.encode_queries([query.search_text])[0]
            sentence_xl = index.crosslingual_sentence_vectors @ xq
        if method in ("bm25", "hybrid"):
            scores["bm25"] = bm25_scores(index.bm25, self.lexical_query(query))
        if method in ("dense", "hybrid"):
            if self.encoder is None:
                raise QuestionError("dense retrieval needs an encoder")
            dense = index.dense_scores(qv)  # every passage's cosine, through its vector store (FAISS or Milvus)
            scores["dense"] = dense + c.sentence_weight * best_per_passage(index, sentence_dense)
        if method == "hybrid":
            lists = [scores["bm25"], scores["dense"]]
            weights = [c.english_bm25_weight if english else c.bm25_weight, c.dense_weight]
            if sentence_xl is not None:
                xl = index.crosslingual_vectors @ xq + c.sentence_weight * best_per_passage(index, sentence_xl)
                scores["crosslingual"] = xl
                lists.append(xl)
                weights.append(c.english_crosslingual_weight if english else c.crosslingual_weight)
            scores["hybrid"] = minmax_fuse(lists, weights)
        final = scores[method]
        candidates = np.flatnonzero(filter_mask(index.passages, doc_ids, since, until))
        order = candidates[np.argsort(-final[candidates], kind="stable")][: depth or c.depth]
        kinds = index.manifest.get("kinds", {})
        passages = tuple(
            ScoredPassage(
                passage=(item := index.passages[i]).passage,
                title=item.title,
                letter_date=item.letter_date,
                meeting_dates=item.meeting_dates,
                rank=rank,
                score=float(final[i]),
                scores={name: float(s[i]) for name, s in scores.items()},
                kind=kinds.get(item.passage.doc_id, "unknown"),
            )
            for rank, i in enumerate(order, start=1)
        )
        return Retrieved(query, passages, sentence_dense, sentence_xl, self.term_groups(query), not len(candidates))
