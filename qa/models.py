"""Frozen values passed between the stages: Query -> ScoredPassage -> Draft -> Answer (with its Citations)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from corpus.models import Passage


@dataclass(frozen=True)
class Query:
    """The analyse stage's reading of a question; no later stage parses the question again."""

    text: str
    search_text: str  # with the previous question where this one is a follow-up
    language: str  # "nl" or "en"
    years: tuple[int, ...] = ()
    months: tuple[tuple[int, int], ...] = ()  # (year, month)
    dates: tuple[date, ...] = ()
    answer_kind: str | None = None  # data/answer_kinds.json: "money", "count", "person", ...
    countries: tuple[str, ...] = ()  # ISO codes
    # the countries and cities the question itself names (not the one before it): (ISO code or city key, ISO code)
    places: tuple[tuple[str, str], ...] = ()
    designations: tuple[tuple[str, str], ...] = ()  # (key, as written): "F-35", "CV90", the question itself names
    doc_kinds: tuple[str, ...] = ()  # the kinds of document it names ("volgens de geannoteerde agenda")
    letter_part: str | None = None  # "date", "signatory", "chair", "start", "end", "attendance": the letter itself
    # about the papers' own course (questions submitted, a letter requested) or a meeting: what an opening dates
    asks_procedure: bool = False
    asks_outcome: bool = False  # what a meeting decided or agreed: a list of papers never tells
    counted: str | None = None  # what a count question counts, as written ("landen", "MPs")


@dataclass(frozen=True)
class ScoredPassage:
    """A retrieved passage with the letter it came from and each feature's score."""

    passage: Passage
    title: str
    letter_date: date | None
    meeting_dates: tuple[date, ...]
    rank: int
    score: float
    scores: dict[str, float] = field(default_factory=dict)  # {"bm25": .., "dense": .., "hybrid": .., ...}
    kind: str = "unknown"

    @property
    def doc_id(self) -> str:
        return self.passage.doc_id

    def to_dict(self) -> dict:
        p = self.passage
        return {
            "rank": self.rank,
            "doc_id": p.doc_id,
            "passage_id": p.passage_id,
            "title": self.title,
            "heading": p.heading,
            "text": p.text,
            "start": p.start,
            "end": p.end,
            "score": round(self.score, 6),
            "scores": {k: round(v, 6) for k, v in self.scores.items()},
        }


@dataclass(frozen=True)
class Quote:
    """A sentence (or a run of them) a reader picked, by its offsets in the letter's cleaned text."""

    doc_id: str
    start: int
    end: int
    score: float
    passage: ScoredPassage


@dataclass(frozen=True)
class Draft:
    """A reader's answer before it is checked: the quotes it rests on and, for a chat model, its own text with
    [n] markers pointing into quotes. confidence: the reader's belief that its best quote answers."""

    quotes: tuple[Quote, ...]
    confidence: float
    reader: str
    text: str | None = None  # None: the extractive answer is the quotes themselves
    kind_found: bool = True  # a quote holds the kind of answer the question asks for
    note: str = ""  # why the reader found nothing, where it did
    evidence: tuple[float, ...] = ()  # qa/features.py ANSWER_FEATURES, where the reader measures them


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Citation:
    """Marker [n] in an answer: the exact quote and where it sits in the letter's cleaned text."""

    n: int
    doc_id: str
    title: str
    heading: str
    letter_date: date | None
    quote: str
    start: int
    end: int
    score: float
    passage_id: str = ""

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "heading": self.heading,
            "letter_date": self.letter_date.isoformat() if self.letter_date else None,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 6),
            "passage_id": self.passage_id,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    language: str  # "nl" or "en"
    answer: str
    abstained: bool
    citations: tuple[Citation, ...]
    passages: tuple[ScoredPassage, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)
    refusal_reason: Refusal | None = None

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "language": self.language,
            "answer": self.answer,
            "abstained": self.abstained,
            "refusal_reason": self.refusal_reason.to_dict() if self.refusal_reason else None,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
