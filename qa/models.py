"""Frozen dataclasses at the seams after retrieval: ScoredPassage -> Citation -> Answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from corpus.models import Passage


@dataclass(frozen=True)
class ScoredPassage:
    """A retrieved passage with the letter it came from and each method's score."""

    passage: Passage
    title: str
    letter_date: date | None
    meeting_dates: tuple[date, ...]
    rank: int
    score: float
    scores: dict[str, float] = field(default_factory=dict)  # {"bm25": .., "dense": .., "hybrid": ..}
    # The rank by similarity alone, where the retriever moved a passage holding the kind of answer asked for
    # first (RetrievalConfig.typed_depth); the composer weighs that kind itself.
    similarity_rank: int | None = None

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

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "language": self.language,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
