"""From chosen sentences to the answer's text: each letter's frame, the quotes with their [n] markers, citations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus import Document
from embeddings.store import Sentence
from qa.letter_parts import DUTCH_MONTH_NAMES, ENGLISH_MONTH_NAMES
from qa.models import Citation, ScoredPassage

if TYPE_CHECKING:
    from qa.compose import Candidate

KIND_NL = {"verslag": "het verslag", "geannoteerde agenda": "de geannoteerde agenda", "brief": "de brief"}
KIND_EN = {"verslag": "report", "geannoteerde agenda": "annotated agenda", "brief": "letter"}
# A sentence that leans on the one before it ("Nederland draagt hier ... bij") needs that one to read whole.
ANAPHORA = re.compile(
    r"^(Dit|Deze|Daarbij|Daarom|Daardoor|Hierdoor|Hiermee|Hierbij|Hiervoor|Zij|Die|Beiden|Dat|Zo)\b"
    r"|\b(hier|daar|hiervan|daarvan|daarom|hierom)\b"
)


@dataclass(frozen=True)
class Composition:
    answer: str
    citations: tuple[Citation, ...]
    abstained: bool


@dataclass(frozen=True)
class Span:
    doc_id: str
    start: int
    end: int
    score: float
    passage: ScoredPassage


def with_context(chosen: Sequence[Candidate], sentences: Sequence[Sentence]) -> list[Span]:
    """Widen each chosen sentence with its neighbour where it would not read whole; merge adjacent ones."""
    spans = []
    for cand in chosen:
        s = sentences[cand.index]
        start, end = s.start, s.end
        before = sentences[cand.index - 1] if cand.index > 0 else None
        after = sentences[cand.index + 1] if cand.index + 1 < len(sentences) else None
        if ANAPHORA.search(s.text) and before and before.doc_id == s.doc_id and before.heading == s.heading:
            start = before.start
        if s.text.rstrip().endswith(":") and after and after.doc_id == s.doc_id and after.heading == s.heading:
            end = after.end
        spans.append(Span(s.doc_id, start, end, cand.score, cand.passage))
    spans.sort(key=lambda sp: (sp.doc_id, sp.start))
    merged: list[Span] = []
    for sp in spans:
        last = merged[-1] if merged else None
        if last and last.doc_id == sp.doc_id and sp.start <= last.end + 2:
            merged[-1] = Span(sp.doc_id, last.start, max(last.end, sp.end), max(last.score, sp.score), last.passage)
        else:
            merged.append(sp)
    return merged


def _when(doc: Document, language: str) -> str:
    dates = doc.meeting_dates or ((doc.letter_date,) if doc.letter_date else ())
    if not dates:
        return ""
    months = [m.capitalize() for m in ENGLISH_MONTH_NAMES] if language == "en" else DUTCH_MONTH_NAMES
    last = dates[-1]
    return f"{'-'.join(str(d.day) for d in dates)} {months[last.month - 1]} {last.year}"


def frame(doc: Document, language: str) -> str:
    when = _when(doc, language)
    if language == "en":
        kind = KIND_EN.get(doc.kind, "letter")
        return f"According to the {kind} of {when} (quoted in Dutch):" if when else f"According to the {kind}:"
    kind = KIND_NL.get(doc.kind, "de brief")
    return f"Volgens {kind} van {when}:" if when else f"Volgens {kind}:"


def _with_marker(sentence: str, n: int) -> str:
    """'... bij [1].' but '... 2 april jl. [1]': an abbreviation keeps its full stop."""
    last = sentence.rsplit(None, 1)[-1]
    if sentence.endswith(".") and "." not in last[:-1] and last[:-1].lower() not in ("jl", "etc", "enz"):
        return f"{sentence[:-1]} [{n}]."
    return f"{sentence} [{n}]"


def render(spans: list[Span], language: str, documents: Mapping[str, Document]) -> Composition:
    order = sorted({sp.doc_id for sp in spans}, key=lambda d: (documents[d].meeting_dates or (), d))
    parts, citations = [], []
    for doc_id in order:
        doc = documents[doc_id]
        parts.append(frame(doc, language))
        for sp in (s for s in spans if s.doc_id == doc_id):
            n = len(citations) + 1
            quote = doc.text[sp.start : sp.end]
            flat = " ".join(quote.split())
            parts.append(_with_marker(flat, n))
            citations.append(
                Citation(
                    n=n,
                    doc_id=doc_id,
                    title=doc.title,
                    heading=sp.passage.passage.heading,
                    letter_date=doc.letter_date,
                    quote=quote,
                    start=sp.start,
                    end=sp.end,
                    score=sp.score,
                    passage_id=sp.passage.passage.passage_id,
                )
            )
    return Composition(" ".join(parts), tuple(citations), False)
