"""The analyse stage: a question (and the conversation before it) read once into a frozen `Query`."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path

from corpus.errors import QuestionError
from corpus.metadata import MONTHS as DUTCH_MONTHS
from corpus.metadata import dates_in, kind_data
from qa.answer_kinds import asked_kind, asks_outcome, asks_procedure, counted_noun
from qa.gazetteer import HOME, cities_in, countries_in
from qa.language import detect_language
from qa.models import Query

MAX_QUESTION_CHARS = 2000
ENGLISH_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
MONTH_YEAR = re.compile(
    r"\b(" + "|".join([*DUTCH_MONTHS, *ENGLISH_MONTHS]) + r")\s+(?:of\s+)?((?:19|20)\d\d)\b", re.IGNORECASE
)
ENGLISH_DATE = re.compile(
    r"\b(\d{1,2})(?:\s*(?:and|-|–|to)\s*\d{1,2})?(?:st|nd|rd|th)?\s+("
    + "|".join(ENGLISH_MONTHS)
    + r")\s+((?:19|20)\d\d)"
    r"|\b(" + "|".join(ENGLISH_MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)",
    re.IGNORECASE,
)
CUES_FILE = Path(__file__).resolve().parent / "data" / "question_cues.json"
# A model or unit designation: F-35, CV90, MQ-9, A400M (a short capitalised prefix and a number). Longer
# prefixes are words that translate ("NATO2030" is "NAVO2030" in a Dutch letter).
DESIGNATION = re.compile(r"\b[A-Z]{1,3}-?\d{1,4}[A-Z]?\b")


@cache
def cues() -> dict:
    """data/question_cues.json compiled: how a question names a document kind, a part of the letter, a season."""
    data = json.loads(CUES_FILE.read_text(encoding="utf-8"))
    seasons = {name: tuple(span) for name, span in data["seasons"].items()}
    return {
        "document_kinds": {k: re.compile(v, re.IGNORECASE) for k, v in data["document_kinds"].items()},
        "letter_parts": {
            k: re.compile(v.replace("{PAPER}", data["paper"]), re.IGNORECASE) for k, v in data["letter_parts"].items()
        },
        "seasons": seasons,
        "season_year": re.compile(
            rf"\b({'|'.join(seasons)})\w*\s+(?:[\w'-]+\s+){{0,2}}?(?:van|of|in)?\s*((?:19|20)\d\d)\b", re.IGNORECASE
        ),
        "follow_up": re.compile(data["follow_up"], re.IGNORECASE),
        "document_noun": re.compile(data["document_noun"], re.IGNORECASE),
    }


def validate_text(text: object, what: str = "question", hint: str = "type a question about the letters") -> str:
    """The text, whitespace collapsed, or QuestionError (exit 2) saying what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        raise QuestionError(f"the {what} is empty; {hint}")
    text = " ".join(text.split())
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the {what} is too long ({len(text):,} characters; at most {MAX_QUESTION_CHARS:,})")
    if not any(unicodedata.category(c)[0] in "LN" for c in text):
        raise QuestionError(f"the {what} has no words (only punctuation or symbols)")
    return text


def validate_question(question: object) -> str:
    return validate_text(question)


def is_follow_up(question: str) -> bool:
    return bool(cues()["follow_up"].search(question)) or len(question.split()) <= 3


def named_dates(text: str) -> tuple[date, ...]:
    days = [d for run in dates_in(text) for d in run]
    for m in ENGLISH_DATE.finditer(text):
        day, month, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
        try:
            days.append(date(int(year), ENGLISH_MONTHS[month.lower()], int(day)))
        except ValueError:
            continue
    return tuple(sorted(set(days)))


def named_months(text: str) -> tuple[tuple[int, int], ...]:
    months = {(int(y), {**DUTCH_MONTHS, **ENGLISH_MONTHS}[m.lower()]) for m, y in MONTH_YEAR.findall(text)}
    months |= {(d.year, d.month) for d in named_dates(text)}
    for season, year in cues()["season_year"].findall(text):
        first, last = cues()["seasons"][season.lower()]
        months |= {(int(year), m) for m in range(first, last + 1)}
    return tuple(sorted(months))


def named_kinds(text: str) -> tuple[str, ...]:
    return tuple(k for k, words in cues()["document_kinds"].items() if words.search(text) and k in kind_data()["order"])


def designations_in(text: str, with_types: bool = False) -> dict[str, str]:
    """{"f35": "F-35"}: hyphen and case do not matter. With types, a variant (F-35A) also names its type (F-35)."""
    found = {}
    for m in DESIGNATION.finditer(text):
        key = m.group(0).replace("-", "").lower()
        found.setdefault(key, m.group(0))
        if with_types and key[-1].isalpha() and key[-2].isdigit():
            found.setdefault(key[:-1], m.group(0)[:-1])
    return found


def letter_part(text: str) -> str | None:
    return next((part for part, cue in cues()["letter_parts"].items() if cue.search(text)), None)


def analyse(question: str, history: Sequence[tuple[str, str]] = ()) -> Query:
    """Everything later stages need to know about the question, read once."""
    text = validate_question(question)
    search_text = text
    if history and is_follow_up(text):  # "En wat werd er in oktober over gezegd?" leans on the question before
        search_text = f"{text} {history[-1][0]}"[:MAX_QUESTION_CHARS]
    language, kind = detect_language(text), asked_kind(text)
    return Query(
        text=text,
        search_text=search_text,
        language=language,
        years=tuple(sorted({int(y) for y in YEAR.findall(search_text)})),
        months=named_months(search_text),
        dates=named_dates(search_text),
        answer_kind=kind,
        countries=tuple(sorted(countries_in(search_text))),
        places=tuple(sorted({*((c, c) for c in countries_in(text) if c != HOME), *cities_in(text).items()})),
        designations=tuple(sorted(designations_in(text).items())),
        doc_kinds=named_kinds(search_text),
        letter_part=letter_part(text),
        asks_procedure=asks_procedure(text) or bool(kind_data()["meeting_re"].search(text)),
        asks_outcome=asks_outcome(text),
        counted=counted_noun(text, language) if kind == "count" else None,
    )
