"""The analyse stage: a question (and the conversation before it) read once into a frozen `Query`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date

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
# A season and its year ("het najaar van 2020", "the autumn session in 2018") names the months it spans, generously.
SEASONS = {"voorjaar": (3, 6), "lente": (3, 6), "spring": (3, 6), "zomer": (6, 9), "summer": (6, 9),
           "najaar": (9, 12), "herfst": (9, 12), "autumn": (9, 12)}  # fmt: skip
SEASON_YEAR = re.compile(
    rf"\b({'|'.join(SEASONS)})\w*\s+(?:[\w'-]+\s+){{0,2}}?(?:van|of|in)?\s*((?:19|20)\d\d)\b", re.IGNORECASE
)
# A model or unit designation: F-35, CV90, MQ-9, A400M (a short capitalised prefix and a number). Longer
# prefixes are words that translate ("NATO2030" is "NAVO2030" in a Dutch letter).
DESIGNATION = re.compile(r"\b[A-Z]{1,3}-?\d{1,4}[A-Z]?\b")
FOLLOW_UP = re.compile(
    r"^(en|and|ook|also|what about|how about|hoe zit)\b|\b(daarover|hierover|erover|it|they|that)\b", re.I
)
# The names a question gives the kinds of document (data/document_kinds.json's kinds).
KIND_WORDS = {
    "annotated_agenda": r"geannoteerde agenda|annotated agenda|agenda ?(letter|brief)",
    "committee_report": r"algemeen overleg|commissiedebat|schriftelijk overleg|committee (debate|meeting|report)",
    "kamervragen": r"kamervra\w+|parliamentary questions|written questions",
    "news": r"nieuwsbericht|news item|press release|persbericht",
    "meeting_report": r"\bverslag\b|\breport\b",
}

# The part of the letter itself a question asks about: when it was sent, who signed it.
PAPER = r"brief|verslag|agenda|letter|report|overzicht|overview|rapportage|notitie|memo|document"
LETTER_PARTS = {
    "date": r"^\W*(?:(?:en|and|op|on|in|tot|to)\s+)?(wanneer|welke datum|when|what date)\b.{0,80}"
    rf"\b\w*({PAPER})\b.{{0,120}}\b(gestuurd|stuurde|verstuurd|verzonden|gedateerd|geschreven|vastgesteld|sent|dated|written|adopted)\b"
    r"|^\W*(?:(?:en|and|op|on|in|tot|to)\s+)?(wanneer|welke datum|when|what date)\b.{0,60}"
    rf"\b(stuurde|stuurden|verstuurde|verstuurden|zond|zonden|send|sent)\b.{{0,60}}\b\w*({PAPER})\b"
    r"|\b(datum|date) ((van|of) (de|het|the|this|deze|dit|die|that)|draagt|bears|has|heeft)\b"
    rf".{{0,30}}\b\w*({PAPER})\b|\b(gedateerd|dated)\b"
    rf"|\bvan wanneer (is|was|dateert) (de|het|deze|dit|die)\s+\w*({PAPER})\b",
    "signatory": r"\b(wie|who|welke minister\w*|which minister\w*)\b.{0,50}"
    rf"\b(ondertekend\w*|tekende|signed|stuurde|sent|verstuurde)\b.{{0,40}}\b\w*({PAPER})\b"
    r"|\b(wie|who|welke (minister|bewindsperso)\w*|which minister\w*)\b.{0,30}"
    r"\b(beantwoordde|beantwoordden|answered)\b.{0,20}\b(kamervragen|vragen|questions)\b"
    rf"|\b(wie|who)\b.{{0,40}}\b\w*({PAPER})\b.{{0,40}}\b(ondertekend|getekend|signed)\b",
    # who chaired the meeting a report records ("Voorzitter: X"), not who chairs the committee (who signs)
    "chair": r"^\W*wie\b.{0,20}\bzat\b.{0,120}\bvoor\W*$|^\W*who\b.{0,20}\b(chaired|presided)\b"
    r"|^\W*(wie|who)\s+((was|is|were)\s+((de|the)\s+)?(voorzitter|chair\w*)\s+(van|of)|leidde|led)\s+"
    r"(het|de|the|dit|deze|this)\s+([\w-]+\s+){0,2}(debat|overleg|commissiedebat|vergadering|debate|meeting)\b",
    # when the meeting a report records began or closed ("Aanvang 14.30 uur", "Sluiting 16.05 uur")
    "start": r"^\W*(hoe laat|(at )?what time)\b.{0,120}"
    r"\b(begon|begonnen|startte|van start|geopend|aanvang|begin|began|start|started|open|opened)\b",
    "end": r"^\W*(hoe laat|(at )?what time)\b.{0,120}"
    r"\b(gesloten|sloot|eindigde|afgelopen|end|ended|close|closed|finish|finished)\b",
    # which or how many MPs took part in the meeting a report records ("Aanwezig zijn negen leden der Kamer, ...")
    "attendance": r"^\W*(hoeveel|how many|welke|which|wie|who)\b.{0,40}"
    r"\b(kamerleden|leden (der|van de) kamer|mps|members of (the house|parliament)|parlementari\w+|parliamentarians)\b"
    r".{0,100}"
    r"\b(aanwezig|deel|(waren|zaten|zat) (er )?bij|took part|attended|present|were there|were at|sat in)\b",
}
# A sentence naming a paper ("de brief ... d.d. 21 juni 2018", "Kamerstuk 28 676, nr. 497") may date it.
DOCUMENT_NOUN = re.compile(r"\b(brief|verslag|agenda|letter|report|kamerstuk)\b", re.IGNORECASE)


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
    return bool(FOLLOW_UP.search(question)) or len(question.split()) <= 3


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
    for season, year in SEASON_YEAR.findall(text):
        first, last = SEASONS[season.lower()]
        months |= {(int(year), m) for m in range(first, last + 1)}
    return tuple(sorted(months))


def named_kinds(text: str) -> tuple[str, ...]:
    return tuple(
        k for k, words in KIND_WORDS.items() if re.search(words, text, re.IGNORECASE) and k in kind_data()["order"]
    )


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
    return next((part for part, cue in LETTER_PARTS.items() if re.search(cue, text, re.IGNORECASE)), None)


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
