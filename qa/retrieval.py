"""Hybrid retrieval: BM25 and dense scores fused, with document and date filters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from embeddings.crosslingual import content_words, nearest_word_groups
from embeddings.encoders import Encoder
from embeddings.glossary import translations
from embeddings.lexical import bm25_scores, tokenize
from embeddings.store import Index, IndexedPassage
from qa.answer_types import DAY_AND_MONTH, typed_first
from qa.countries import name_capitals
from qa.errors import QuestionError
from qa.language import detect_language
from qa.letter_parts import (
    DUTCH_MONTH_NAMES,
    ENGLISH_MONTH_NAMES,
    OPENING_FORMULA,
    kinds_named,
    letter_kind,
    letter_months,
    letter_part,
    letter_part_asked,
    months_named,
)
from qa.meeting_clause import doc_indices, letter_bonus, split_meeting_clause
from qa.models import ScoredPassage
from qa.time_scope import LetterTime, letter_times, without_dates

MAX_QUESTION_CHARS = 2000
MAX_K = 200
METHODS = ("hybrid", "dense", "bm25")
RRF_K = 60
MAX_EXPANDED_WORDS = 64
DUTCH_MONTHS = dict(zip(ENGLISH_MONTH_NAMES, DUTCH_MONTH_NAMES, strict=True))
MAY_IN_DATE = re.compile(r"(?<=\d )May\b|\bMay(?= \d)", re.I)  # "25 May 2021"; "may" alone is the verb


@dataclass(frozen=True)
class RetrievalConfig:
    method: str = "hybrid"
    fusion: str = "minmax"  # "minmax" (normalised scores) or "rrf" (rank based); measured in the README
    dense_weight: float = 2.0
    bm25_weight: float = 1.0
    english_bm25_weight: float = 0.5  # an English question's words, with their Dutch neighbours
    english_expansion: int = 2  # Dutch neighbours per English question word (0: none; embeddings/crosslingual.py)
    expansion_min_cosine: float = 0.88
    # A Dutch question's words that the letters never use are searched with their nearest letter words too
    # ("luchtverdedigingsverband": "luchtverdediging"; "geschil": "conflict").
    dutch_expansion: int = 1  # the nearest one (0: none); the second is often a false friend ("ruzie": "rusland")
    glossary: bool = True  # ... and the Dutch terms embeddings/glossary.py gives for them
    sentence_weight: float = 0.75  # dense = passage cosine + weight * its best sentence's cosine
    # The cross-lingual encoder's passage + best-sentence cosine (Index.crosslingual_vectors), fused beside e5.
    crosslingual_weight: float = 0.5
    english_crosslingual_weight: float = 1.0
    letter_parts: bool = True  # a question about the letter itself ranks its opening or signature first
    # The passages of a letter whose meeting (or date) is in a month the question names gain this share of the
    # best fused score.
    month_weight: float = 0.15
    # ... and those of the kind of letter it names ("volgens de geannoteerde agenda", "the June 2021 report").
    kind_weight: float = 0.3
    # The opening formula names the meeting, as the title every passage carries does: without a discount the
    # opening outranks the passage about what the question asks of that meeting. Its sentence cosine counts this
    # share (1: no discount).
    formula_weight: float = 0.9
    # "At the ministerial where X, what Y?": X picks the letter (qa/meeting_clause.py), whose passages gain up to
    # this share of the best fused score for Y (0: the question is searched whole).
    meeting_weight: float = 0.5
    # A date in the question that holds one of the letters' meeting days ("op 2 april 2020") is searched without:
    # the month bonus picks the letter, and the date would otherwise draw the letter's opening, which names it too.
    dates_as_filter: bool = True
    dated_month_weight: float = 0.2  # ... and the letters of that month gain this share instead of month_weight
    # A question asking for an amount, a count, a country, a person or a time is not answered by a top passage
    # holding none: the first of the next typed_depth - 1 that holds one goes first ("Welke bondgenoten tekenden
    # de Letter of Intent?": the footnote listing them, not the sentence citing it). 0: off.
    typed_depth: int = 4


def validate_question(question: object) -> str:
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty; type a question about the letters")
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is too long ({len(question):,} characters; at most {MAX_QUESTION_CHARS:,})")
    if not any(unicodedata.category(c)[0] in "LN" for c in question):
        raise QuestionError("the question has no words (only punctuation or symbols)")
    return question


def validate_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise QuestionError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
    return k


def rrf_fuse(score_lists: Sequence[np.ndarray], weights: Sequence[float], k: int = RRF_K) -> np.ndarray:
    """Weighted reciprocal rank fusion; an item a method scored 0 (no match) gets nothing from it."""
    fused = np.zeros(len(score_lists[0]), dtype=np.float64)
    for scores, weight in zip(score_lists, weights, strict=True):
        order = np.argsort(-scores, kind="stable")
        ranks = np.empty_like(order)
        ranks[order] = np.arange(1, len(order) + 1)
        fused += np.where(scores > 0, weight / (k + ranks), 0.0)
    return fused


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


class Retriever:
    def __init__(
        self,
        index: Index,
        encoder: Encoder | None,
        config: RetrievalConfig | None = None,
        crosslingual: Encoder | None = None,
    ):
        self.index = index
        self.encoder = encoder
        self.crosslingual = crosslingual  # the encoder that wrote index.crosslingual_vectors
        self.config = config or RetrievalConfig()
        self._last_query: tuple[str, np.ndarray] | None = None
        self._last_crosslingual_query: tuple[str, np.ndarray] | None = None
        # BM25 and the composer both ask for them; keyed on the config too, which an evaluation swaps.
        self._last_neighbours: tuple[tuple[str, RetrievalConfig], list[tuple[str, list[str]]]] | None = None
        self._word_vectors: dict[str, np.ndarray] = {}  # English question words seen so far

    @cached_property
    def _passage_months(self) -> list[set[tuple[int, int]]]:
        """Per passage, the months of its letter's meetings and date (qa/letter_parts.py)."""
        return [letter_months(item) for item in self.index.passages]

    @cached_property
    def _passage_kinds(self) -> np.ndarray:
        return np.array([letter_kind(item.title) for item in self.index.passages])

    @cached_property
    def opening_formulas(self) -> np.ndarray:
        """Which sentences are a letter's opening formula (OPENING_FORMULA)."""
        return np.array([bool(OPENING_FORMULA.search(s.text)) for s in self.index.sentences], dtype=bool)

    @cached_property
    def _meeting_days(self) -> frozenset[date]:
        return frozenset(d for item in self.index.passages for d in (*item.meeting_dates, item.letter_date) if d)

    @cached_property
    def _doc_index(self) -> np.ndarray:
        return doc_indices([item.passage.doc_id for item in self.index.passages])

    @cached_property
    def letter_times(self) -> list[LetterTime]:
        """When each letter was written and which days it speaks of (qa/time_scope.py); computed once."""
        return letter_times(self.index)

    def query_vector(self, question: str) -> np.ndarray:
        """The question's embedding, remembered for the last question (the composer reuses it)."""
        if self.encoder is None:
            raise QuestionError("dense retrieval needs an encoder")
        cached = self._last_query  # one read: another thread may replace it meanwhile
        if cached is None or cached[0] != question:
            cached = (question, self.encoder.encode_queries([question]))
            self._last_query = cached
        return cached[1]

    def unknown_words(self, question: str) -> list[str]:
        """The question's content words that the letters never use ("ruzie", "luchtverdedigingsverband")."""
        vocabulary = self.index.bm25.vocab
        return [w for w in content_words(question) if not any(t in vocabulary for t in tokenize(w))]

    def dutch_neighbours(self, question: str) -> list[str]:
        """The letters' words nearest to each of the question's words (for an English question). A month is
        translated instead: its embedding's nearest words include the other months. Remembered for the last
        question."""
        return [w for _, group in self.dutch_neighbour_groups(question) for w in group]

    def dutch_neighbour_groups(self, question: str) -> list[tuple[str, list[str]]]:
        """dutch_neighbours, per question word: (word, its Dutch neighbours); a month: (month, [its translation])."""
        cached, key = self._last_neighbours, (question, self.config)  # one read: another thread may replace it
        if cached is None or cached[0] != key:
            cached = (key, self._dutch_neighbours(question))
            self._last_neighbours = cached
        return [(word, list(group)) for word, group in cached[1]]

    def _dutch_neighbours(self, question: str) -> list[tuple[str, list[str]]]:
        c = self.config
        words = list(dict.fromkeys(content_words(question)))
        months = [(w, [DUTCH_MONTHS[w]]) for w in words if w in DUTCH_MONTHS and w != "may"]
        months += [("may", ["mei"])] if MAY_IN_DATE.search(question) else []
        words = [w for w in words if w not in DUTCH_MONTHS][:MAX_EXPANDED_WORDS]  # bounds a long question's cost
        if self.encoder is None or not c.english_expansion or not words or not len(self.index.words):
            return months if c.english_expansion else []
        cache = self._word_vectors  # replaced, never cleared in place: another thread may be reading it
        known = {w: cache[w] for w in words if w in cache}
        new = [w for w in words if w not in known]
        if new:
            known.update(zip(new, self.encoder.encode_queries(new), strict=True))
            if len(cache) > 50_000:  # bounded: a long-running server sees many words
                self._word_vectors = cache = {}
            cache.update((w, known[w]) for w in new)
        vectors = np.vstack([known[w] for w in words])
        groups = nearest_word_groups(
            vectors, self.index.word_vectors, self.index.words, c.english_expansion, c.expansion_min_cosine
        )
        if c.glossary:  # the domain's own terms first: the encoder's neighbours miss "summit" -> "top"
            groups = [list(dict.fromkeys((*translations(w), *g))) for w, g in zip(words, groups, strict=True)]
        return months + list(zip(words, groups, strict=True))

    def sentence_scores(self, question: str) -> np.ndarray:
        return self.index.sentence_vectors @ self.query_vector(question)[0]

    def _with_best_sentence(self, passage_scores: np.ndarray, sentence_scores: np.ndarray) -> np.ndarray:
        if not self.config.sentence_weight or not len(sentence_scores):
            return passage_scores
        if self.config.formula_weight != 1.0 and len(sentence_scores) == len(self.opening_formulas):
            discount = self.opening_formulas & (sentence_scores > 0)
            sentence_scores = np.where(discount, sentence_scores * self.config.formula_weight, sentence_scores)
        members = (self.index.passage_sentences(i) for i in range(len(passage_scores)))
        best = np.array([sentence_scores[m].max() if m else 0.0 for m in members], dtype=np.float32)
        return passage_scores + self.config.sentence_weight * best

    def dense_scores(self, question: str) -> np.ndarray:
        query = self.query_vector(question)
        n = self.index.vectors.ntotal
        scores, ids = self.index.vectors.search(query, n)
        out = np.full(n, -1.0, dtype=np.float32)
        valid = ids[0] >= 0
        out[ids[0][valid]] = scores[0][valid]
        return self._with_best_sentence(out, self.sentence_scores(question) if len(self.index.sentences) else out[:0])

    def crosslingual_weight(self, english: bool) -> float:
        """The cross-lingual encoder's weight for this question; 0 where the index or the encoder lacks it."""
        if self.crosslingual is None or self.index.crosslingual_vectors is None:
            return 0.0
        return self.config.english_crosslingual_weight if english else self.config.crosslingual_weight

    def crosslingual_query_vector(self, question: str) -> np.ndarray:
        cached = self._last_crosslingual_query
        if cached is None or cached[0] != question:
            cached = (question, self.crosslingual.encode_queries([question])[0])
            self._last_crosslingual_query = cached
        return cached[1]

    def crosslingual_sentence_scores(self, question: str) -> np.ndarray:
        return self.index.crosslingual_sentence_vectors @ self.crosslingual_query_vector(question)

    def crosslingual_scores(self, question: str) -> np.ndarray:
        passages = self.index.crosslingual_vectors @ self.crosslingual_query_vector(question)
        return self._with_best_sentence(passages, self.crosslingual_sentence_scores(question))

    def scores(self, question: str, method: str) -> dict[str, np.ndarray]:
        if method not in METHODS:
            raise QuestionError(f"unknown retrieval method {method!r}; use one of {', '.join(METHODS)}")
        out: dict[str, np.ndarray] = {}
        question = name_capitals(question)
        english, c = detect_language(question) == "en", self.config
        bonus = self.month_bonus(question) if method == "hybrid" else 0.0
        kinds = kinds_named(question) if method == "hybrid" and c.kind_weight else set()
        if (
            c.dates_as_filter
            and not letter_part_asked(question)  # there the date is what picks the letter's opening or signature
            and (content := without_dates(question, self._meeting_days)) != question
        ):
            question = content  # the month picks the letter (bonus); the rest is what the passage must say
            bonus = bonus * c.dated_month_weight / c.month_weight if c.month_weight else bonus
        if method in ("bm25", "hybrid"):
            lexical_query = f"{question} {' '.join(self.dutch_neighbours(question))}" if english else question
            if not english and c.dutch_expansion and (unknown := self.unknown_words(question)):
                groups = self.dutch_neighbour_groups(" ".join(unknown))
                lexical_query = f"{question} {' '.join(w for _, g in groups for w in g[: c.dutch_expansion])}"
            out["bm25"] = bm25_scores(self.index.bm25, lexical_query)
        if method in ("dense", "hybrid"):
            out["dense"] = self.dense_scores(question)
        if method == "hybrid":
            # Dense cosine is shifted to be positive so RRF counts every passage it ranks.
            bm25_weight = c.english_bm25_weight if english else c.bm25_weight
            lists, weights = [out["bm25"], out["dense"] + 2.0], [bm25_weight, c.dense_weight]
            if xl_weight := self.crosslingual_weight(english):
                out["crosslingual"] = self.crosslingual_scores(question)
                lists, weights = [*lists, out["crosslingual"] + 2.0], [*weights, xl_weight]
            fuse = rrf_fuse if c.fusion == "rrf" else minmax_fuse
            fused = fuse(lists, weights)
            if kinds:
                bonus = bonus + c.kind_weight * np.isin(self._passage_kinds, list(kinds))
            out["hybrid"] = fused + float(fused.max()) * bonus
        return out

    def month_bonus(self, question: str) -> np.ndarray | float:
        """month_weight for the passages of letters whose meeting (or date) falls in a month the question names
        ("the video conference of October 2020"), else 0: each letter is about one meeting."""
        months = months_named(question) if self.config.month_weight else set()
        if not months:
            return 0.0
        in_month = np.array([bool(months & of_passage) for of_passage in self._passage_months])
        return self.config.month_weight * in_month

    def focus(self, question: str) -> str:
        """What the question asks about, without a clause that only names its meeting (qa/meeting_clause.py)."""
        clause = split_meeting_clause(question) if self.config.meeting_weight else None
        return name_capitals(clause.main if clause else question)

    def _scored(self, question: str, method: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
        clause = split_meeting_clause(question) if self.config.meeting_weight else None
        if clause is None:
            scores = self.scores(question, method)
            return scores, scores[method]
        by_letter = letter_bonus(self.scores(clause.identifier, method)[method], self._doc_index)
        scores = self.scores(clause.main, method)  # last, so that the composer finds its vectors cached
        final = scores[method]
        return scores, final + self.config.meeting_weight * float(final.max()) * by_letter

    def _letter_part_first(
        self, part: str, order: np.ndarray, final: np.ndarray, candidates: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The best passage picks the letter; its opening or signature goes first, or second where that passage
        names a day itself (the date asked for may be another meeting's). Scores stay in rank order."""
        best = self.index.passages[order[0]].passage
        target = letter_part(self.index.passages, candidates, best.doc_id, part)
        if target is None or target == order[0]:
            return order, final
        rest = order[order != target]
        slot = 1 if part == "opening" and DAY_AND_MONTH.search(best.text) and len(rest) > 1 else 0
        final = final.copy()
        final[target] = final[rest[0]] + 1e-6 if slot == 0 else (final[rest[0]] + final[rest[1]]) / 2
        return np.concatenate((rest[:slot], [target], rest[slot:])), final

    def search(
        self,
        question: str,
        k: int = 10,
        doc_ids: Sequence[str] | None = None,
        since: date | None = None,
        until: date | None = None,
        method: str | None = None,
    ) -> list[ScoredPassage]:
        question, k = validate_question(question), validate_k(k)
        method = method or self.config.method
        scores, final = self._scored(question, method)
        mask = filter_mask(self.index.passages, doc_ids, since, until)
        candidates = np.flatnonzero(mask)
        order = candidates[np.argsort(-final[candidates], kind="stable")]
        # "At the meeting where X, when ...?": the clause names the meeting, the rest asks when, of something else.
        focus = self.focus(question)
        part = letter_part_asked(focus) if self.config.letter_parts and len(order) else None
        if part:
            order, final = self._letter_part_first(part, order, final, candidates)
        similarity_rank = {int(i): r for r, i in enumerate(order[:k], start=1)}
        if not part and self.config.typed_depth and len(order) > 1:
            text_of = self.index.passage_text
            order, final = typed_first(focus, order, final, text_of, self.config.typed_depth)
        return [
            ScoredPassage(
                passage=(item := self.index.passages[i]).passage,
                title=item.title,
                letter_date=item.letter_date,
                meeting_dates=item.meeting_dates,
                rank=rank,
                score=float(final[i]),
                scores={name: float(s[i]) for name, s in scores.items()},
                similarity_rank=similarity_rank.get(int(i)),
            )
            for rank, i in enumerate(order[:k], start=1)
        ]
