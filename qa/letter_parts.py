"""Questions about the letter itself: when its meeting was, who sent it, what date it bears.

The answer sits in the letter's opening or signature, which share no words with the topic the question names to
pick out the letter. Retrieval ranks that part first; the composer quotes the sentence that says it. And a
question naming a month ("in juni 2020") points at the letter of that month's meeting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from corpus.parsing import INTRO, SIGNATURE
from embeddings.store import IndexedPassage
from qa.answer_types import DAY_AND_MONTH, MONTHS
from qa.models import ScoredPassage

if TYPE_CHECKING:
    from qa.compose import Candidate
    from qa.retrieval import Retriever

# The meeting, or its participants: what "the ministers" did on a day they did at the letter's meeting.
_MEETING = (
    r"\w*(bijeenkomst|ministeri[eë]le|vergadering|vergaderden|videoconferentie|overleg|meeting|meet|ministerial"
    r"|ministers)"
)
_WHEN = r"(wanneer|op welke (data|datum|dag)|welke (data|datum)|when|on what (date|day)|what dates?|which dates?)"
# Words between "welke" and "bijeenkomst"; not "eerdere"/"previous", which ask about another meeting than the letter's.
_MEETING_MODIFIER = r"(navo|nato|eu|defence|defense|foreign|extra|ingelaste|ministers'?|of|the)"
# "Wanneer was de bijeenkomst ...", "... meeting ... when", and "Tijdens welke bijeenkomst ...": its date is the answer.
OPENING_QUESTION = re.compile(
    rf"\b{_WHEN}\b.*\b{_MEETING}|\b{_MEETING}\b.*\b(wanneer|when)\b"
    rf"|\b(welke|which|what)\s+({_MEETING_MODIFIER}\s+){{0,3}}[\w-]*{_MEETING}\b",
    re.I,
)
WHEN_QUESTION = re.compile(rf"\b{_WHEN}\b", re.I)
SIGNATURE_QUESTION = re.compile(
    r"\b(wie|welke (minister|bewindspersoon)|who|which minister)\b.*"
    r"\b(stuurde|verstuurde|ondertekende|ondertekend|schreef|geschreven|gestuurd|verstuurd|sent|signed|wrote|written)\b"
    r"|\b(afzender|ondertekenaar|sender|signatory)\b",
    re.I,
)


# "When foreign ministers touched on Syria, what did allies acknowledge?": a clause that only says when.
WHEN_CLAUSE = re.compile(
    r"^\W*(when|wanneer|toen)\b[^?,]*,(?=\s*(what|which|who|how|why|where|wat|welke?|wie|hoe|waarom|waar)\b)", re.I
)
# "Wanneer wordt het SASP aan de defensieministers voorgelegd?": ministers who receive something are not a meeting,
# nor are those who discussed what is asked about ("het rapport dat de ministers in oktober 2020 bespraken").
RECIPIENTS = re.compile(rf"\b(aan|to|dat|die|that) (de |the )?([\w'-]+ ){{0,2}}{_MEETING}\b", re.I)
# "How many years had resolution 1325 existed when the ministers reflected on it?": another question word comes
# first, so "when" joins a clause rather than asking.
OTHER_QUESTION_FIRST = re.compile(
    r"^\W*(\w+ ){0,2}?(how|hoe\w*|what|wat|which|welke?|who|wie|why|waarom|where|waar)\b"
    r"(?!\s+(dates?|day|datum|data|dag)\b)",
    re.I,
)


# "... came up when foreign ministers met online - what deadlock ...?": a clause in the middle that says when.
MID_WHEN_CLAUSE = re.compile(
    r"\b(when|wanneer|toen)\b[^?,;:–—]*?\s*[,;:–—-]\s+(?=(what|which|who|how|why|where|wat|welke?|wie|hoe|waarom|waar)\b)",
    re.I,
)
# A meeting that only dates what is asked ("after the June 2021 meetings", "kort voor het extra NAVO-overleg"), and
# the EU's ministers, who do not meet in these letters.
OTHER_MEETING = re.compile(
    r"\b(after|before|ahead of|following|since|na|vóór|voorafgaand aan|(?:kort|vlak|net|week|dag|dagen|weken) voor"
    rf"|sinds)\s+(de |het |the )?([\w'-]+ ){{0,3}}[\w-]*{_MEETING}\w*|\bEU(-| [\w'-]+ ){{0,2}}\w*{_MEETING}\w*",
    re.I,
)
# "When were they next expected to discuss ...?": a later meeting the letter looks forward to.
LATER_MEETING = re.compile(r"\b(expect\w*|verwacht\w*|next|volgende)\b", re.I)


def letter_part_asked(question: str) -> str | None:
    """Which part of the letter answers it: "signature" (who sent it), "opening" (when its meeting was), or None."""
    question = RECIPIENTS.sub(" ", MID_WHEN_CLAUSE.sub(" ", WHEN_CLAUSE.sub(" ", question)))
    question = OTHER_MEETING.sub(" ", question)
    if OTHER_QUESTION_FIRST.search(question) or LATER_MEETING.search(question):
        question = re.sub(r"\b(when|wanneer)\b", " ", question, flags=re.I)
    if SIGNATURE_QUESTION.search(question):
        return "signature"
    if OPENING_QUESTION.search(question) or (WHEN_QUESTION.search(question) and LETTER_DATE_QUESTION.search(question)):
        return "opening"
    return None


def letter_part(passages: Sequence[IndexedPassage], candidates: np.ndarray, doc_id: str, part: str) -> int | None:
    """Among the candidate passages, the one holding doc_id's opening (its first) or its signature."""
    own = [i for i in candidates if passages[i].passage.doc_id == doc_id]
    if part == "signature":
        own = [i for i in own if passages[i].passage.heading == SIGNATURE]
    return min(own, key=lambda i: passages[i].passage.start) if own else None


# "Welke datum draagt de brief?" asks for the letter's own date line ("Den Haag, 9 april 2020"), not the meeting's.
LETTER_DATE_QUESTION = re.compile(
    r"\b(draagt|gedateerd|verstuurd|verzonden|gestuurd|dated|sent|mailed)\b|\bdatum van de (brief|agenda)\b", re.I
)
DATE_LINE = re.compile(r"^Den Haag, \d{1,2} \w+ \d{4}")
# "Hierbij ontvangt u het verslag van de bijeenkomst van ...": the opening formula restates the letter's title.
# A date line alone says only when the letter was written.
OPENING_FORMULA = re.compile(
    r"^(Den Haag, \d{1,2} \w+ \d{4}\s+)?Hierbij (ontvangt u|informeer ik u|bied ik u|zend ik u|stuur ik u)\b"
    r"|^Den Haag, \d{1,2} \w+ \d{4}\W*$"
)
NO_DATE_LINE = "no date line"
# The letter's header lines ("Nr. 348 BRIEF VAN DE MINISTER VAN DEFENSIE", "Aan de Voorzitter van de Tweede Kamer
# der Staten-Generaal") and a footnote that only cites a paper ("Verslag bijeenkomst ..., Kamerstuk 28 676, nr. 334")
# say which paper this is, not what happened: they answer only a question about papers and their numbers.
LETTER_HEADER = re.compile(r"^Nr\. \d+\s+[A-Z][A-Z ,.-]*$|^Aan de Voorzitter van de Tweede Kamer")
REFERENCE_ONLY = re.compile(r"^[^()]*,\s*(Kamerstuk(ken)?|Aanhangsel Handelingen)\b[^()]*\bnr\.\s*\d+\W*$")
PAPER_QUESTION = re.compile(
    r"\b(kamerstuk\w*|document\w*|verslag|report|nummer|volgnummer|number|nr|paper|bron|source|brief|letter|stuk)\b",
    re.I,
)


def letter_part_sentence(
    question: str, top: ScoredPassage, retriever: Retriever, candidates: list[Candidate]
) -> Candidate | str | None:
    """Where the question asks when the letter's meeting was (or the letter itself), or who sent it, and
    retrieval put that part of the letter first: the sentence that says it. NO_DATE_LINE where the letter's
    date is asked and the letter has none."""
    part = letter_part_asked(question)
    if part is None or top.passage.heading != (SIGNATURE if part == "signature" else INTRO):
        return None
    sentences = retriever.index.sentences
    own = sorted((c for c in candidates if c.passage is top), key=lambda c: c.index)
    if part == "signature":
        return own[0] if own else None
    if LETTER_DATE_QUESTION.search(question):
        return next((c for c in own if DATE_LINE.search(sentences[c.index].text)), NO_DATE_LINE)
    dated = [c for c in own if DAY_AND_MONTH.search(sentences[c.index].text)]
    # a sentence of the letter before its title in capitals ("VERSLAG VAN DE NAVO BIJEENKOMSTEN ... OP 1 JUNI")
    dated.sort(key=lambda c: sentences[c.index].text.isupper())
    return next((c for c in dated if not DATE_LINE.search(sentences[c.index].text)), dated[0] if dated else None)


DUTCH_MONTH_NAMES = "januari februari maart april mei juni juli augustus september oktober november december".split()
ENGLISH_MONTH_NAMES = "january february march april may june july august september october november december".split()
MONTH_NUMBERS = {name: n for names in (DUTCH_MONTH_NAMES, ENGLISH_MONTH_NAMES) for n, name in enumerate(names, 1)}
MONTH_AND_YEAR = re.compile(rf"\b({MONTHS})\s+((?:19|20)\d\d)\b", re.I)
# "het najaar van 2020", "spring 2020": the months of a season (winter, which spans two years, is left out)
SEASON_MONTHS = {
    **dict.fromkeys(("voorjaar", "lente", "spring"), (3, 4, 5)),
    **dict.fromkeys(("zomer", "summer"), (6, 7, 8)),
    **dict.fromkeys(("najaar", "herfst", "autumn", "fall"), (9, 10, 11)),
}
SEASON_AND_YEAR = re.compile(rf"\b({'|'.join(SEASON_MONTHS)})(?:\s+(?:van|of))?\s+((?:19|20)\d\d)\b", re.I)


# "volgens de geannoteerde agenda", "according to the April 2020 report": the kind of letter that holds the answer.
_KIND_MODIFIER = rf"({MONTHS}|\d{{1,4}}|defence|defense|foreign|nato|navo|annotated|ministers'?|meeting'?s?|of|the)"
KIND_NAMED = re.compile(
    r"\b(?P<any>geannoteerde agenda|annotated agenda)\b"
    r"|\b(volgens|in|uit) (het|de) (\w+ ){0,2}(?P<nl>verslag|agenda)\b"
    rf"|\b(according to|in|from) the ({_KIND_MODIFIER}\s+){{0,3}}(?P<en>report|agenda)s?\b",
    re.I,
)
LETTER_KINDS = {"verslag": "verslag", "report": "verslag", "agenda": "geannoteerde agenda"}


def kinds_named(question: str) -> set[str]:
    """The kinds of letter ("verslag", "geannoteerde agenda") the question says its answer is in."""
    words = {(m["any"] or m["nl"] or m["en"]).lower().split()[-1] for m in KIND_NAMED.finditer(question)}
    return {LETTER_KINDS[w] for w in words}


def letter_kind(title: str) -> str:
    """The kind of letter, from its title ("Geannoteerde agenda NAVO-ministers ...")."""
    return next((kind for kind in ("geannoteerde agenda", "verslag") if title.lower().startswith(kind)), "")


def months_named(question: str) -> set[tuple[int, int]]:
    """(year, month) of every "juni 2020" / "October 2020" the question names, and of its seasons ("autumn 2020")."""
    months = {(int(year), MONTH_NUMBERS[month.lower()]) for month, year in MONTH_AND_YEAR.findall(question)}
    seasons = SEASON_AND_YEAR.findall(question)
    return months | {(int(year), month) for season, year in seasons for month in SEASON_MONTHS[season.lower()]}


# "After defence ministers endorsed the advice in June 2020, when were they next to discuss it?": the clause's month
# picks the letter, but the answer is of another time.
EARLIER_CLAUSE = re.compile(
    r"^\W*(after|since|once|na|nadat|sinds|sindsdien)\b[^?,]*,(?=\s*(what|which|who|when|how|why|where|wat|welke?|wie"
    r"|wanneer|hoe|waarom|waar)\b)",
    re.I,
)


def answer_months(question: str) -> set[tuple[int, int]]:
    """The months the answer must speak of: those the question names, less those of a clause before it."""
    return months_named(EARLIER_CLAUSE.sub(" ", question))


def letter_months(item: IndexedPassage) -> set[tuple[int, int]]:
    """(year, month) of the passage's letter: its meetings' and its own date's."""
    dates = (*item.meeting_dates, *((item.letter_date,) if item.letter_date else ()))
    return {(d.year, d.month) for d in dates}
