"""Whether the letters can speak of the time a question names.

A letter can announce what it was written before, not report it: "Welke besluiten werden genomen op de Top van
14 juni 2021?" is not answered by a letter of early June 2021 saying what the Top will discuss, however well its
words match. And a month no letter speaks of has no answer here at all.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from embeddings.store import Index
from qa.answer_types import DATE_QUESTION, MONTHS
from qa.letter_parts import MONTH_NUMBERS, SEASON_AND_YEAR, SEASON_MONTHS

_DAYS = r"(\d{1,2})(?:\s*(?:en|-|–|tot|and|to)\s*(\d{1,2}))?"
_YEAR = r"((?:19|20)\d\d)"
# "14 juni 2021", "12 en 13 februari 2020", "June 14, 2021", "februari 2021", "14 juni" (a letter's own year)
DAY_MONTH_YEAR = re.compile(rf"\b{_DAYS}\s+({MONTHS})\b(?:\s+{_YEAR}\b)?", re.I)
MONTH_DAY_YEAR = re.compile(rf"\b({MONTHS})\s+(\d{{1,2}}),?\s+{_YEAR}\b", re.I)
MONTH_YEAR = re.compile(rf"\b({MONTHS})\s+{_YEAR}\b", re.I)

# A question about what happened, not about what was planned.
PAST = re.compile(
    r"\b(werd|werden|was|waren|besloot|besloten|nam|namen|kwam|kwamen|sprak|spraken|vond|vonden|bleek|bleken"
    r"|did|were|decided|agreed|took|happened|concluded|adopted|resulted|came|outcome|outcomes|uitkomst|uitkomsten"
    # what came of it in the end
    r"|uiteindelijk|eventually|ultimately|in the end|ended up|approved|goedgekeurd|keurden)\b",
    re.I,
)
FUTURE = re.compile(
    r"\b(zal|zullen|zou|zouden|gaat|gaan|verwacht\w*|gepland\w*|voorzien|aanstaande|komende|agenda"
    r"|will|would|going to|expected|planned|scheduled|upcoming|(?:was|were) (?:due |set )?to|supposed to|to be"
    # who was invited or would attend is known before the meeting
    r"|invited|uitgenodigd|aanwezig|attend\w*|deelnemen|deelnamen|joined|join"
    # a promise is made before what it promises
    r"|promise\w*|pledge\w*|beloo?f\w*|toegezegd|toezeg\w*)\b",
    re.I,
)
# The Netherlands' own stance is in the letter announcing the meeting ("Nederland steunt deze insteek van harte").
DUTCH_STANCE = re.compile(
    r"^(?=.*\b(nederland|netherlands|dutch)\b)"
    r"(?=.*\b(back|backed|support\w*|steun\w*|standpunt\w*|stance|position|inzet|favou?r\w*)\b)",
    re.I,
)

# "vlak voor de NAVO-top van juni 2021": what happened before the time named, which a letter of before can report
BEFORE = re.compile(
    r"\b(vlak voor|kort voor|net voor|vóór|voorafgaand aan|in aanloop naar"
    r"|before|ahead of|prior to|in the run-up to)\b",
    re.I,
)

Span = tuple[date, date]

# A summit the letters announce by its day ("Tijdens de Top van 14 juni zal ..."); a question about it may name no
# day ("What was agreed at the NATO summit?").
SUMMIT = re.compile(r"\b((?i:summit|navo-top|nato-top)|Top)\b")
SUMMIT_DAY = re.compile(rf"\b(?:NAVO-)?[Tt]op van ({_DAYS}\s+({MONTHS})(?:\s+{_YEAR})?)\b", re.I)


@dataclass(frozen=True)
class LetterTime:
    """When a letter was written (its date, else its last meeting's: a report follows its meeting) and the
    days and months it speaks of."""

    doc_id: str
    written: date | None
    spans: tuple[Span, ...]
    summits: tuple[Span, ...] = ()  # the days of the summits it names ("de Top van 14 juni")


def _month_span(year: int, month: int) -> Span:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _day_span(year: int, month: int, first: str, last: str | None) -> Span | None:
    try:
        return date(year, month, int(first)), date(year, month, int(last or first))
    except ValueError:  # "31 juni", or a range written backwards
        return None


def _nearest_year(month: int, day: int, written: date) -> int:
    """The year of a "14 juni" in a letter: the occurrence nearest to the letter's date."""

    def distance(year: int) -> int:
        try:
            return abs((date(year, month, day) - written).days)
        except ValueError:
            return 10**6

    return min((written.year - 1, written.year, written.year + 1), key=distance)


def spans_named(text: str, written: date | None = None) -> list[Span]:
    """The days and months text names with a year, or (given the date it was written) with a day only."""
    spans: list[Span] = []
    dated = set()
    for m in DAY_MONTH_YEAR.finditer(text):
        first, last, month_name, year = m.groups()
        month = MONTH_NUMBERS[month_name.lower()]
        if year is None:
            if written is None:
                continue
            year = _nearest_year(month, int(first), written)
        if span := _day_span(int(year), month, first, last):
            spans.append(span)
            dated.add(m.start(3))
    for m in MONTH_DAY_YEAR.finditer(text):
        if span := _day_span(int(m.group(3)), MONTH_NUMBERS[m.group(1).lower()], m.group(2), None):
            spans.append(span)
            dated.add(m.start(1))
    for m in MONTH_YEAR.finditer(text):
        if m.start(1) not in dated:
            spans.append(_month_span(int(m.group(2)), MONTH_NUMBERS[m.group(1).lower()]))
    for m in SEASON_AND_YEAR.finditer(text):
        months = SEASON_MONTHS[m.group(1).lower()]
        year = int(m.group(2))
        spans.append((_month_span(year, months[0])[0], _month_span(year, months[-1])[1]))
    return spans


def speaks_of_month(text: str, letter_date: date | None, meeting_dates: Sequence[date], months: set) -> bool:
    """Whether a sentence of a letter (with that date and those meetings) is about one of months ((year, month)):
    its letter's meeting or date is in one, or the sentence names a day or month in one."""
    if {(d.year, d.month) for d in (*meeting_dates, *((letter_date,) if letter_date else ()))} & months:
        return True
    written = letter_date or max(meeting_dates, default=None)
    return any(
        (year, month) in months
        for start, end in spans_named(text, written)
        for year in range(start.year, end.year + 1)
        for month in range(1, 13)
        if (start.year, start.month) <= (year, month) <= (end.year, end.month)
    )


def letter_times(index: Index) -> list[LetterTime]:
    """Per letter: when it was written and what it speaks of (its meetings, its date, the dates its text names)."""
    items = {}
    for item in index.passages:
        items.setdefault(item.passage.doc_id, item)
    texts: dict[str, list[str]] = {}
    for s in index.sentences:
        texts.setdefault(s.doc_id, []).append(s.text)
    out = []
    for doc_id, item in items.items():
        written = item.letter_date or max(item.meeting_dates, default=None)
        own = [(d, d) for d in (*item.meeting_dates, *((item.letter_date,) if item.letter_date else ()))]
        named = [span for text in texts.get(doc_id, ()) for span in spans_named(text, written)]
        summits = [span for text in texts.get(doc_id, ()) for m in SUMMIT_DAY.finditer(text) for span in
                   spans_named(m.group(1), written)]  # fmt: skip
        out.append(LetterTime(doc_id, written, tuple(own + named), tuple(summits)))
    return out


def _overlap(a: Span, b: Span) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def beyond_the_letters(question: str, letters: Sequence[LetterTime]) -> bool:
    """Whether the question names a time no letter speaks of, or asks what happened at a time every letter
    speaking of it was written before."""
    # when it took place is known before it did: "Op welke datum vond de NAVO-Top plaats?"
    happened = bool(PAST.search(question)) and not FUTURE.search(question) and not DATE_QUESTION.search(question)
    happened = happened and not DUTCH_STANCE.search(question) and not BEFORE.search(question)
    spans = spans_named(question)
    if SUMMIT.search(question):  # "the NATO summit (in June 2021)": the day the letters give it
        summits = {s for t in letters for s in t.summits}
        within = [s for s in summits if not spans or any(_overlap(s, span) for span in spans)]
        spans = within or spans
    for span in spans:
        speaking = [t for t in letters if any(_overlap(span, s) for s in t.spans)]
        if not speaking:
            return True
        if happened and all(t.written is not None and t.written < span[0] for t in speaking):
            return True
    return False


# "op 2 april 2020", "of 17 and 18 June 2020", "in juni 2021"
DATE_IN_QUESTION = re.compile(rf"\b(?:(?:op|on|van|of|in) )?(?:{_DAYS}\s+)?({MONTHS})\s+{_YEAR}\b", re.I)


def without_dates(question: str, meeting_days: set[date] | frozenset[date] = frozenset()) -> str:
    """The question without the dates it names ("op 2 april 2020", "in June 2021") that hold one of the letters'
    meeting days: those name the meeting, not what happened at it. Unchanged if little would be left."""

    def meeting(match: re.Match) -> str:
        spans = spans_named(match.group(0))
        return " " if any(lo <= d <= hi for lo, hi in spans for d in meeting_days) else match.group(0)

    stripped = re.sub(r"\s+(?=[?.!,])", "", " ".join(DATE_IN_QUESTION.sub(meeting, question).split()))
    return stripped if len(stripped) >= 8 and len(stripped.split()) >= 3 else question
