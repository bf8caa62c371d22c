"""Frozen dataclasses at the seam between parsing and everything downstream."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Section:
    """A titled stretch of a letter; `text == document.text[start:end]`."""

    doc_id: str
    section_id: str
    heading: str  # path, e.g. "Missies en operaties > Irak"
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """The unit of retrieval: whole sentences of one section, bounded in size."""

    doc_id: str
    passage_id: str
    section_id: str
    heading: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    kind: str
    text: str
    letter_date: date | None = None
    meeting_dates: tuple[date, ...] = ()
    ministers: tuple[str, ...] = ()
    kamerstuk: str | None = None
    sections: tuple[Section, ...] = ()
    passages: tuple[Passage, ...] = field(default=(), repr=False)
    source_path: str | None = None
    meeting: str | None = None  # the meeting the document is about, as its opening names it

    def to_dict(self, with_text: bool = False) -> dict:
        out = {
            "doc_id": self.doc_id,
            "title": self.title,
            "kind": self.kind,
            "letter_date": self.letter_date.isoformat() if self.letter_date else None,
            "meeting_dates": [d.isoformat() for d in self.meeting_dates],
            "ministers": list(self.ministers),
            "kamerstuk": self.kamerstuk,
            "meeting": self.meeting,
        }
        if with_text:
            out["text"] = self.text
        out["sections"] = [
            {"section_id": s.section_id, "heading": s.heading, "text": s.text, "start": s.start, "end": s.end}
            for s in self.sections
        ]
        out["passages"] = [
            {"passage_id": p.passage_id, "section_id": p.section_id, "text": p.text, "start": p.start, "end": p.end}
            for p in self.passages
        ]
        return out
