"""Features of a passage or a sentence for a query, as plain functions; the reranker and the reader weigh them
with weights fitted on the question sets (evals/fit.py writes data/weights.json)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import numpy as np

from corpus.metadata import MONTH_NAMES, is_frame_line, is_opening_line, is_paper_line
from embeddings.lexical import tokenize
from qa.answer_kinds import holds
from qa.models import Query, ScoredPassage
from qa.retrieve import TermGroup

ENGLISH_MONTH_NAMES = "january february march april may june july august september october november december".split()


def term_overlap(terms: Sequence[TermGroup], text: str) -> float:
    """IDF-weighted share of the question's terms that the text holds."""
    if not terms:
        return 0.0
    present = set(tokenize(text))
    total = sum(t.weight for t in terms)
    return sum(t.weight for t in terms if t.forms & present) / max(total, 1e-9)


def letter_days(p: ScoredPassage) -> tuple[date, ...]:
    return p.meeting_dates or ((p.letter_date,) if p.letter_date else ())


def letter_time_match(query: Query, p: ScoredPassage) -> float:
    """1: the letter's meeting (or date) is on a day or in a month the question names; 0.5: in a year it names;
    0 otherwise or where the question names no time."""
    days = letter_days(p)
    if not days or not (query.years or query.months):
        return 0.0
    if set(days) & set(query.dates) or {(d.year, d.month) for d in days} & set(query.months):
        return 1.0
    return 0.5 if {d.year for d in days} & set(query.years) else 0.0


def mentions_time(query: Query, text: str) -> float:
    """Whether the text names a month or year the question names."""
    if not (query.years or query.months):
        return 0.0
    lowered = text.lower()
    for year, month in query.months:
        if str(year) in text and (MONTH_NAMES[month - 1] in lowered or ENGLISH_MONTH_NAMES[month - 1] in lowered):
            return 1.0
    return 1.0 if any(re.search(rf"\b{y}\b", text) for y in query.years) else 0.0


def time_mismatch(query: Query, p: ScoredPassage) -> float:
    """1 where the question names a year and the letter is dated in none of them (a 2020 letter for a 2023
    question); 0 where it is, where the letter's date is unknown, or where the question names no year."""
    days = letter_days(p)
    if not days or not query.years:
        return 0.0
    return (
        0.0 if {d.year for d in days} & set(query.years) or any(str(y) in p.passage.text for y in query.years) else 1.0
    )


OPENING_KINDS = ("day", "time", "person", "duration")


def quotable(text: str, kind: str, query: Query) -> bool:
    """Header and date lines and Kamervragen's questions never answer, nor does a list of papers what a meeting
    decided; the opening formula and a committee report's opening only where the question asks when a meeting was,
    who took part, how long something took, or about the letter itself."""
    if query.asks_outcome and is_paper_line(text):
        return False
    if not is_frame_line(text, kind):
        return True
    if not is_opening_line(text):
        return False
    if query.letter_part is None and query.answer_kind in ("day", "time"):  # its date: the papers' or a meeting's
        return query.asks_procedure
    return query.letter_part is not None or query.answer_kind in OPENING_KINDS


QUANTITY_KINDS = ("percentage", "money", "count")
YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def about_other_years(query: Query, text: str) -> bool:
    """Whether the text names years and every year the question names lies outside their span: a quantity is
    tied to its time ("2% van het bbp in 2024" tells nothing about 2019; "van 2022 tot 2025" covers 2024)."""
    named = [int(y) for y in YEAR.findall(text)]
    return bool(query.years and named) and all(not min(named) <= y <= max(named) for y in query.years)


def names_day(text: str, day: date) -> bool:
    """Whether the text names that day of that month ("8 en 9 oktober", "October 8"), in any year or none."""
    months = f"{MONTH_NAMES[day.month - 1]}|{ENGLISH_MONTH_NAMES[day.month - 1]}"
    pattern = rf"(?<!\d){day.day}(?!\d)[^.\n]{{0,25}}\b({months})\b|\b({months})\s+{day.day}(?!\d)"
    return bool(re.search(pattern, text, re.IGNORECASE))


def on_other_day(query: Query, texts: Sequence[str], passages: Sequence[ScoredPassage]) -> bool:
    """Whether a question naming a day is answered from letters none of which is dated or met within a day of it
    (a meeting spans two days) and whose quotes never name it: "the meeting of 8 October 2015" is not answered
    from a letter about another meeting."""
    if not query.dates:
        return False
    for p in passages:
        days = {*p.meeting_dates, *((p.letter_date,) if p.letter_date else ())}
        if any(abs((asked - d).days) <= 1 for asked in query.dates for d in days):
            return False
    return not any(names_day(t, d) for t in texts for d in query.dates)


PASSAGE_FEATURES = (
    "fused", "dense_gap", "crosslingual_gap", "terms", "kind_holds", "letter_time", "text_time", "time_mismatch",
    "doc_kind", "frame", "bm25", "bm25_english", "dense_passage",
)  # fmt: skip


def passage_features(
    query: Query,
    passages: Sequence[ScoredPassage],
    best_dense: np.ndarray,
    best_crosslingual: np.ndarray | None,
    terms: Sequence[TermGroup],
    frame_share: np.ndarray,
) -> np.ndarray:
    """(passages, PASSAGE_FEATURES): best_*: each passage's best sentence cosine; frame_share: the share of its
    sentences that only frame the letter."""
    if not passages:
        return np.zeros((0, len(PASSAGE_FEATURES)))
    fused = np.array([p.score for p in passages], dtype=np.float64)
    top = fused.max() if fused.max() > 0 else 1.0
    xl = best_crosslingual if best_crosslingual is not None else np.zeros(len(passages))
    bm25 = np.array([p.scores.get("bm25", 0.0) for p in passages], dtype=np.float64)
    bm25 = bm25 / bm25.max() if bm25.max() > 0 else bm25
    dense = np.array([p.scores.get("dense", 0.0) for p in passages], dtype=np.float64)
    english = float(query.language == "en")
    rows = []
    for i, p in enumerate(passages):
        text = f"{p.title}. {p.passage.heading}. {p.passage.text}"
        rows.append(
            (
                fused[i] / top,
                best_dense[i] - best_dense.max(),
                xl[i] - xl.max(),
                term_overlap(terms, text),
                float(query.answer_kind is not None and holds(p.passage.text, query.answer_kind, query.text)),
                letter_time_match(query, p),
                mentions_time(query, p.passage.text),
                time_mismatch(query, p),
                float(p.kind in query.doc_kinds),
                float(frame_share[i]),
                bm25[i],
                bm25[i] * english,
                dense[i] - dense.max(),
            )
        )
    return np.array(rows, dtype=np.float64)


SENTENCE_FEATURES = (
    "dense", "dense_gap", "crosslingual", "crosslingual_gap", "terms", "terms_context", "previous_terms",
    "previous_dense", "passage", "kind_holds", "kind_asked", "text_time", "opening", "length", "list_item",
)  # fmt: skip


def sentence_row(
    query: Query, text: str, context: str, previous: str, dense: float, dense_best: float, previous_dense: float,
    xl: float, xl_best: float, terms: Sequence[TermGroup], passage_score: float,
) -> tuple[float, ...]:  # fmt: skip
    """previous: the sentence before in the same section ("" where none): one that restates the question is
    often followed by the answer."""
    asked = query.answer_kind is not None
    return (
        dense,
        dense - dense_best,
        xl,
        xl - xl_best,
        term_overlap(terms, text),
        term_overlap(terms, context),
        term_overlap(terms, previous),
        previous_dense - dense_best if previous else -1.0,
        passage_score,
        float(asked and holds(text, query.answer_kind, query.text)),
        float(asked),
        mentions_time(query, text),
        float(is_opening_line(text)),
        min(len(text), 400) / 400,
        float(text.lstrip()[:1] in "•–-·*"),
    )


SPECIFIC = re.compile(r"\b[\w-]*\d[\w-]*\b|(?<=\w )(?-i:[A-Z][\w-]*[A-Z]?[\w-]*)")
YEARISH = re.compile(r"(19|20)\d\d|\d{1,2}")


def specific_missing(query: Query, letter_text: str) -> float:
    """The share of the question's specific tokens (a number that is no year or day, "F-35"; in a Dutch question
    also a capitalised name) that the letter does not contain."""
    tokens = {t for t in SPECIFIC.findall(query.text) if t and not YEARISH.fullmatch(t)}
    if query.language == "en":
        tokens = {t for t in tokens if any(c.isdigit() for c in t)}  # English names differ from the Dutch ones
    if not tokens:
        return 0.0
    folded = letter_text.lower()
    return sum(t.lower() not in folded for t in tokens) / len(tokens)


ANSWER_FEATURES = (
    "confidence", "dense", "crosslingual", "terms_quote", "terms_passage", "missing_rare", "specific_missing",
    "kind_found", "kind_asked", "english",
)  # fmt: skip


def answer_row(
    query: Query, confidence: float, dense: float, xl: float, quote_context: str, passages_text: str,
    terms: Sequence[TermGroup], kind_found: bool, letter_text: str,
) -> tuple[float, ...]:  # fmt: skip
    """Question-level evidence that the draft answers: how sure the reader is, how close the closest sentence is
    (by e5 and by USE),
    the weight of the rarest question term the best passages lack, and the share of the question's specific
    tokens that the quoted letter lacks ("F-35" where it says "F-16")."""
    present = set(tokenize(passages_text))
    total = sum(t.weight for t in terms) or 1.0
    missing = max((t.weight / total for t in terms if not t.forms & present), default=0.0)
    return (
        confidence, dense, xl, term_overlap(terms, quote_context), term_overlap(terms, passages_text), missing,
        specific_missing(query, letter_text), float(kind_found), float(query.answer_kind is not None),
        float(query.language == "en"),
    )  # fmt: skip
