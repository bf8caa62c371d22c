"""The verify stage: one ordered list of named checks; the first that fails is why the answer is refused.

A chat model's draft is checked as strictly as the extractive one: every [n] it writes must point at a quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from corpus.metadata import format_dates
from embeddings.store import Index
from qa.analyse import designations_in
from qa.answer_kinds import is_injection
from qa.features import ANSWER_FEATURES, ENGLISH_MONTH_NAMES
from qa.gazetteer import cities_in, countries_in, country_name, entries
from qa.models import Draft, Query, Refusal
from qa.retrieve import Retrieved
from qa.weights import fitted

MARKER = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
MONTHS_NL = "januari februari maart april mei juni juli augustus september oktober november december".split()
MONTH_NUMBERS = {m: i % 12 + 1 for i, m in enumerate([*MONTHS_NL, *ENGLISH_MONTH_NAMES])}
REFUSAL = {"nl": "De documenten bevatten hierover geen antwoord.", "en": "The documents do not answer this."}
MESSAGES = {
    "injection": (
        "De vraag probeert de assistent instructies te geven.",
        "The question tries to instruct the assistant.",
    ),
    "no_letter_in_filter": (
        "Geen enkele brief valt binnen het gekozen filter (brieven of datums).",
        "No letter passes the chosen filter (letters or dates).",
    ),
    "nothing_found": ("Er is niets gevonden dat op de vraag lijkt.", "Nothing resembling the question was found."),
    "time_not_covered": (
        "Geen enkele brief gaat over {when}.",
        "No letter covers {when}.",
    ),
    "reader_declined": (
        "Het taalmodel vond het antwoord niet in de bronnen.",
        "The language model found no answer in the sources.",
    ),
    "unquoted_citation": (
        "Het antwoord verwijst naar een bron die niet geciteerd is ([{n}]).",
        "The answer cites a source that is not quoted ([{n}]).",
    ),
    "answer_kind_missing": (
        "De gevonden zinnen noemen geen {kind}.",
        "The sentences found name no {kind}.",
    ),
    "other_time": (
        "De gevonden zinnen noemen een {kind} voor een ander jaar dan {when}.",
        "The sentences found give a {kind} for another year than {when}.",
    ),
    "other_day": (
        "De gevonden brieven zijn niet van {when} en noemen die dag niet.",
        "The letters found are not from {when} and do not name that day.",
    ),
    "other_month": (
        "De gevonden brieven zijn niet van {when} en noemen die maand niet.",
        "The letters found are not from {when} and do not name that month.",
    ),
    "letter_part_missing": (
        "De brief die het best past, vermeldt niet {what}.",
        "The best matching letter does not state {what_en}.",
    ),
    "place_missing": (
        "De gevonden brieven noemen {place} nergens.",
        "The letters found never name {place}.",
    ),
    "designation_missing": (
        "De gevonden brieven noemen {name} nergens.",
        "The letters found never name {name}.",
    ),
    "off_topic": (
        "De brieven gaan nergens over iets dat op deze vraag lijkt.",
        "Nothing in the letters is close to this question.",
    ),
    "low_confidence": (
        "Geen zin beantwoordt de vraag met voldoende zekerheid ({confidence:.2f}).",
        "No sentence answers the question with enough confidence ({confidence:.2f}).",
    ),
}
KIND_NAMES = {
    "money": ("bedrag", "amount"), "percentage": ("percentage", "percentage"), "count": ("aantal", "number"),
    "duration": ("termijn", "period"), "country": ("land", "country"), "person": ("persoon", "person"),
    "party": ("fractie", "party"), "year": ("jaar", "year"), "day": ("datum", "date"), "time": ("tijdstip", "time"),
    "clock": ("uur", "time of day"),
}  # fmt: skip


@dataclass(frozen=True)
class Floors:
    """Fitted for one encoder (evals/fit.py): the answerability model's floor, and per language the e5 and USE
    cosines under which a question is about something the letters never touch. None of them for another encoder."""

    answer: float = 0.0
    offtopic: dict = field(default_factory=dict)  # {"nl": (e5, use), "en": (e5, use)}


@dataclass(frozen=True)
class Coverage:
    """The times the letters cover (their own dates, and the months and years their text names), and the countries,
    cities and designations (F-35, CV90) each letter names."""

    years: frozenset[int]
    months: frozenset[tuple[int, int]]
    places: tuple[tuple[str, frozenset[str]], ...] = ()  # (doc_id, the ISO codes and city keys it names)
    designations: tuple[tuple[str, frozenset[str]], ...] = ()  # (doc_id, the designation keys it names)
    # (doc_id, the months it is dated or met in, or names: "8 oktober" in a letter of 2015 names October 2015), for
    # the letters that have a date
    letter_months: tuple[tuple[str, frozenset[tuple[int, int]]], ...] = ()

    def places_of(self, doc_ids: set[str]) -> set[str]:
        return {c for doc_id, named in self.places if doc_id in doc_ids for c in named}

    def designations_of(self, doc_ids: set[str]) -> set[str]:
        return {c for doc_id, named in self.designations if doc_id in doc_ids for c in named}


def coverage(index: Index) -> Coverage:
    dated: dict[str, set[tuple[int, int]]] = {}
    for p in index.passages:
        dated.setdefault(p.passage.doc_id, set()).update(
            (d.year, d.month) for d in (*p.meeting_dates, p.letter_date) if d
        )
    years = {y for months_of in dated.values() for y, _ in months_of}
    months = set().union(*dated.values())
    month_year = re.compile(rf"\b({'|'.join(MONTH_NUMBERS)})\s+((?:19|20)\d\d)\b", re.IGNORECASE)
    # a month without a year is one of the letter's own years ("8 oktober"); "februari 2021" names only that year
    bare_month = re.compile(
        rf"\b({'|'.join(sorted(set(MONTH_NUMBERS) - {'may', 'march'}))})\b(?!\s+(?:19|20)\d\d)", re.IGNORECASE
    )
    places: dict[str, set[str]] = {}
    designations: dict[str, set[str]] = {}
    letter_months = {doc_id: set(months_of) for doc_id, months_of in dated.items() if months_of}
    for s in index.sentences:
        years.update(int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", s.text))
        named_months = {(int(y), MONTH_NUMBERS[m.lower()]) for m, y in month_year.findall(s.text)}
        months.update(named_months)
        if s.doc_id in letter_months:
            own_years = {y for y, _ in dated[s.doc_id]}
            bare = {MONTH_NUMBERS[m.lower()] for m in bare_month.findall(s.text)}
            letter_months[s.doc_id].update({*named_months, *((y, m) for y in own_years for m in bare)})
        text = f"{s.heading}. {s.text}"
        places.setdefault(s.doc_id, set()).update({*countries_in(text), *cities_in(text)})
        designations.setdefault(s.doc_id, set()).update(designations_in(text, with_types=True))
    named = tuple((doc_id, frozenset(codes)) for doc_id, codes in places.items())
    types = tuple((doc_id, frozenset(keys)) for doc_id, keys in designations.items())
    in_letters = tuple((doc_id, frozenset(m)) for doc_id, m in letter_months.items())
    return Coverage(frozenset(years), frozenset(months), named, types, in_letters)


def refusal(code: str, language: str, **values) -> Refusal:
    nl, en = MESSAGES[code]
    return Refusal(code, (en if language == "en" else nl).format(**values))


def _when(query: Query, covered: Coverage) -> str | None:
    """The first year the question names that no letter is dated in or mentions."""
    return next((str(year) for year in query.years if year not in covered.years), None)


def _markers(text: str) -> list[int]:
    return [int(n) for m in MARKER.finditer(text) for n in m.group(1).split(",")]


Check = Callable[[Query, Retrieved, Draft, Coverage, Floors], Refusal | None]
DENSE, CROSSLINGUAL = ANSWER_FEATURES.index("dense"), ANSWER_FEATURES.index("crosslingual")


def check_injection(query, retrieved, draft, covered, floors):
    return refusal("injection", query.language) if is_injection(query.text) else None


def check_filter(query, retrieved, draft, covered, floors):
    return refusal("no_letter_in_filter", query.language) if retrieved.filtered_out else None


def check_found(query, retrieved, draft, covered, floors):
    if draft.text is None and not draft.quotes:
        return refusal("nothing_found", query.language)
    return None


def check_time(query, retrieved, draft, covered, floors):
    when = _when(query, covered)
    return refusal("time_not_covered", query.language, when=when) if when else None


def check_citations(query, retrieved, draft, covered, floors):
    if draft.text is None:
        return None
    markers = _markers(draft.text)
    if not markers:
        return refusal("reader_declined", query.language)
    bad = next((n for n in markers if not 1 <= n <= len(draft.quotes)), None)
    return refusal("unquoted_citation", query.language, n=bad) if bad is not None else None


def check_kind(query, retrieved, draft, covered, floors):
    if draft.text is None and not draft.kind_found and query.answer_kind:
        names = KIND_NAMES.get(query.answer_kind, (query.answer_kind, query.answer_kind))
        if draft.note == "other years":
            when = ", ".join(map(str, query.years))
            return refusal("other_time", query.language, kind=names[query.language == "en"], when=when)
        return refusal("answer_kind_missing", query.language, kind=names[query.language == "en"])
    return None


def check_day(query, retrieved, draft, covered, floors):
    """Asked about a day (a meeting's), where the letters quoted are from other days and never name it."""
    if draft.text is None and draft.note == "other day":
        if query.language == "en":
            when = format_dates(query.dates, [m.capitalize() for m in ENGLISH_MONTH_NAMES], "and")
        else:
            when = format_dates(query.dates)
        return refusal("other_day", query.language, when=when)
    return None


def check_month(query, retrieved, draft, covered, floors):
    """Asked about a month (a meeting's), where every letter quoted is dated, none in that month, and none names
    it: "the October 2020 video conference" is not answered from the letter about June's."""
    quoted = {q.doc_id for q in draft.quotes}
    if not quoted or not query.months or query.dates:
        return None
    months_of = dict(covered.letter_months)
    if any(doc_id not in months_of for doc_id in quoted):  # an undated letter: no evidence either way
        return None
    if any(asked in months_of[doc_id] for doc_id in quoted for asked in query.months):
        return None
    names = [m.capitalize() for m in ENGLISH_MONTH_NAMES] if query.language == "en" else MONTHS_NL
    by_year: dict[int, list[int]] = {}
    for y, m in query.months:
        by_year.setdefault(y, []).append(m)
    spans = [  # a season's months read as one span: "september-december 2020"
        f"{names[ms[0] - 1]}-{names[ms[-1] - 1]} {y}" if len(ms) > 2 and ms[-1] - ms[0] == len(ms) - 1
        else ", ".join(f"{names[m - 1]} {y}" for m in ms)
        for y, ms in sorted(by_year.items())
    ]  # fmt: skip
    return refusal("other_month", query.language, when=", ".join(spans))


def check_letter_part(query, retrieved, draft, covered, floors):
    """Asked when a letter was dated or who signed it, where the letter that fits states neither."""
    if draft.note.startswith("no ") and query.letter_part:
        what = {
            "date": ("zijn datum", "its date"), "signatory": ("wie hem ondertekende", "who signed it"),
            "chair": ("wie het overleg voorzat", "who chaired the meeting"),
            "start": ("hoe laat het overleg begon", "what time the meeting began"),
            "end": ("hoe laat het overleg eindigde", "what time the meeting ended"),
            "attendance": ("wie er aanwezig waren", "who attended"),
        }  # fmt: skip
        nl, en = what.get(query.letter_part, (query.letter_part, query.letter_part))
        return refusal("letter_part_missing", query.language, what=nl, what_en=en)
    return None


def check_place(query, retrieved, draft, covered, floors):
    """A country or city the question names that no quoted letter names, anywhere (a city counts as named where
    its country is): the letters found are about something else ("the Turkish parliament's ratification" answered
    from a letter that never mentions Turkey, "the summit in Vilnius" from one about another summit)."""
    quoted = {q.doc_id for q in draft.quotes}
    if not quoted or not query.places:
        return None
    named = covered.places_of(quoted)
    missing = next((key for key, code in query.places if key not in named and code not in named), None)
    if missing is None:
        return None
    place = country_name(missing, query.language) if missing in entries() else missing
    return refusal("place_missing", query.language, place=place)


def check_designation(query, retrieved, draft, covered, floors):
    """A designation the question names (F-35, CV90) that no quoted letter names: a sentence about the F-16 does
    not say how many F-35s there are."""
    quoted = {q.doc_id for q in draft.quotes}
    if not quoted or not query.designations:
        return None
    named = covered.designations_of(quoted)
    missing = next((shown for key, shown in query.designations if key not in named), None)
    return refusal("designation_missing", query.language, name=missing) if missing else None


def check_off_topic(query, retrieved, draft, covered, floors):
    if draft.text is not None or not draft.evidence or query.language not in floors.offtopic:
        return None
    dense_floor, xl_floor = floors.offtopic[query.language]
    dense, xl = draft.evidence[DENSE], draft.evidence[CROSSLINGUAL]
    if retrieved.sentence_crosslingual is None:
        return refusal("off_topic", query.language) if dense < dense_floor else None
    # Both encoders must find nothing close, in English too: USE alone refused 7 of 168 answerable English
    # held-out questions whose sentence e5 found close, and caught 3 of 72 unanswerable ones nothing else did.
    below = dense < dense_floor and xl < xl_floor
    return refusal("off_topic", query.language) if below else None


def check_confidence(query, retrieved, draft, covered, floors):
    """The fitted answerability model's belief that the draft answers (extractive drafts measure its evidence)."""
    if draft.text is not None or not draft.evidence:
        return None
    belief = float(fitted()["answerable"].probability(np.array([draft.evidence]))[0])
    return refusal("low_confidence", query.language, confidence=belief) if belief < floors.answer else None


CHECKS: tuple[Check, ...] = (
    check_injection, check_filter, check_found, check_time, check_citations, check_off_topic, check_letter_part,
    check_place, check_designation, check_kind, check_day, check_month, check_confidence,
)  # fmt: skip


def verify(query: Query, retrieved: Retrieved, draft: Draft, covered: Coverage, floors: Floors) -> Refusal | None:
    for check in CHECKS:
        if (found := check(query, retrieved, draft, covered, floors)) is not None:
            return found
    return None
