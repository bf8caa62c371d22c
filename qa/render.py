"""The render stage: the verified draft as text with [n] markers and a Citation per marker.

Each letter's quotes are framed by what is known of it ("Volgens het verslag van 3 september 2014:"): its kind
and the date of its meeting (or its own date), and nothing that is not known.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from corpus import Document
from corpus.metadata import format_dates, kind_data
from qa.models import Citation, Draft, Quote, Refusal
from qa.verify import MARKER, REFUSAL

ENGLISH_MONTHS = "January February March April May June July August September October November December".split()


def when(doc: Document, language: str) -> str:
    dates = doc.meeting_dates or ((doc.letter_date,) if doc.letter_date else ())
    if not dates:
        return ""
    if language == "en":
        return format_dates(dates, ENGLISH_MONTHS, "and")
    return format_dates(dates)


def frame(doc: Document, language: str) -> str:
    labels = kind_data()["labels"]
    label = labels.get(doc.kind, labels["unknown"])["en" if language == "en" else "nl"]
    date_text = when(doc, language)
    if language == "en":
        of = f" of {date_text}" if date_text else ""
        return f"According to the {label}{of} (quoted in Dutch):"
    return f"Volgens {label} van {date_text}:" if date_text else f"Volgens {label}:"


def with_marker(sentence: str, n: int) -> str:
    """'... bij [1].' but '... 2 april jl. [1]': an abbreviation keeps its full stop."""
    last = sentence.rsplit(None, 1)[-1]
    if sentence.endswith(".") and "." not in last[:-1] and last[:-1].lower() not in ("jl", "etc", "enz"):
        return f"{sentence[:-1]} [{n}]."
    return f"{sentence} [{n}]"


def citation(n: int, quote: Quote, doc: Document) -> Citation:
    return Citation(
        n=n, doc_id=doc.doc_id, title=doc.title, heading=quote.passage.passage.heading, letter_date=doc.letter_date,
        quote=doc.text[quote.start : quote.end], start=quote.start, end=quote.end, score=quote.score,
        passage_id=quote.passage.passage.passage_id,
    )  # fmt: skip


def merged(quotes: Sequence[Quote]) -> list[Quote]:
    """The quotes, adjacent or overlapping ones of a letter joined, in the reader's order (the likeliest first)."""
    order = {id(q): i for i, q in enumerate(quotes)}
    out: list[tuple[int, Quote]] = []
    for q in sorted(quotes, key=lambda q: (q.doc_id, q.start)):
        last = out[-1] if out else None
        if last and last[1].doc_id == q.doc_id and q.start <= last[1].end + 2:
            joined = Quote(
                q.doc_id, last[1].start, max(last[1].end, q.end), max(last[1].score, q.score), last[1].passage
            )
            out[-1] = (min(last[0], order[id(q)]), joined)
        else:
            out.append((order[id(q)], q))
    return [q for _, q in sorted(out, key=lambda pair: pair[0])]


def render_quotes(quotes: Sequence[Quote], language: str, documents: Mapping[str, Document]) -> tuple[str, tuple]:
    spans = merged(quotes)
    order = list(dict.fromkeys(q.doc_id for q in spans))  # letters in the order of their likeliest quote
    parts, citations = [], []
    for doc_id in order:
        doc = documents[doc_id]
        parts.append(frame(doc, language))
        for q in (q for q in spans if q.doc_id == doc_id):
            cited = citation(len(citations) + 1, q, doc)
            parts.append(with_marker(" ".join(cited.quote.split()), cited.n))
            citations.append(cited)
    return " ".join(parts), tuple(citations)


def render_text(draft: Draft, documents: Mapping[str, Document]) -> tuple[str, tuple]:
    """A chat model's text with its markers renumbered 1..m in order of appearance, a citation for each."""
    renumber: dict[int, int] = {}

    def replace(match: re.Match) -> str:
        out = []
        for raw in match.group(1).split(","):
            marker = f"[{renumber.setdefault(int(raw), len(renumber) + 1)}]"
            if marker not in out:
                out.append(marker)
        return "".join(out)

    text = re.sub(r"[ \t]{2,}", " ", MARKER.sub(replace, draft.text or "")).strip()
    citations = tuple(
        citation(new, draft.quotes[n - 1], documents[draft.quotes[n - 1].doc_id])
        for n, new in sorted(renumber.items(), key=lambda kv: kv[1])
    )
    return text, citations


def render(
    draft: Draft, refused: Refusal | None, language: str, documents: Mapping[str, Document]
) -> tuple[str, tuple[Citation, ...]]:
    if refused is not None:
        return f"{REFUSAL.get(language, REFUSAL['nl'])} ({refused.message})", ()
    if draft.text is not None:
        return render_text(draft, documents)
    return render_quotes(draft.quotes, language, documents)
