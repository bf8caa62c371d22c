"""What a document says about itself: its kind, date, title, the meeting it is about, who signed it.

Read from the opening lines where the text states it (cues in data/document_kinds.json); "unknown" or None
otherwise, never a guess from a date the text merely mentions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

KINDS_FILE = Path(__file__).resolve().parent / "data" / "document_kinds.json"
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "januari februari maart april mei juni juli augustus september oktober november december".split()
    )
}
MONTH_NAMES = list(MONTHS)
# "8 en 9 juli 2016", "17-18 juni", "25 tot en met 28 mei": the year may be left to the context.
DATES = re.compile(
    r"\b(\d{1,2})(?:\s*(?:en|-|–|tot en met|t/m|tot)\s*(\d{1,2}))?\s+(" + "|".join(MONTHS) + r")\b(?:\s+(\d{4}))?",
    re.IGNORECASE,
)
UPCOMING = re.compile(r"\b(a\.s\.|aanstaande|komende)", re.IGNORECASE)
OPENING_BLOCKS = 8
COMMITTEE_HEADER = re.compile(r"verslag van een (algemeen overleg|schriftelijk overleg|commissiedebat)", re.I)


@dataclass(frozen=True)
class DocumentFacts:
    kind: str  # one of KINDS, or "unknown"
    title: str
    letter_date: date | None
    meeting_dates: tuple[date, ...]
    meeting: str | None  # "bijeenkomst van de NAVO-ministers van Defensie"
    signatories: tuple[str, ...]


@cache
def kind_data() -> dict:
    data = json.loads(KINDS_FILE.read_text(encoding="utf-8"))
    flags = re.IGNORECASE
    data["compiled"] = {k: [re.compile(c, flags) for c in data["cues"][k]] for k in data["order"]}
    data["date_line_res"] = [re.compile(c, flags) for c in data["date_lines"]]
    data["header_res"] = [re.compile(c, flags) for c in data["header_lines"]]
    data["meeting_re"] = re.compile(data["meeting_nouns"], flags)
    data["frame_res"] = [re.compile(c, flags) for c in data["frame_lines"]]
    data["opening_res"] = [re.compile(c, flags) for c in data["opening_lines"]]
    data["paper_res"] = [re.compile(c, flags) for c in data["paper_lines"]]
    return data


KINDS = ("committee_report", "kamervragen", "annotated_agenda", "meeting_report", "letter", "news", "unknown")


def first_sentence(text: str) -> str:
    found = re.search(r"(?<=[a-z0-9)»”])[.!?](?=\s+[A-Z(«“])", text)
    return text[: found.end()] if found else text


def opening_units(blocks) -> list[str]:
    """The document's first blocks, each as a line (a paragraph by its first sentence)."""
    units = []
    for block in [b for b in blocks if b.kind != "footnote"][:OPENING_BLOCKS]:
        for line in block.text.split("\n"):
            units.append(first_sentence(line) if block.kind == "para" else line)
    return units


def is_header_line(text: str) -> bool:
    return any(p.search(text.strip()) for p in kind_data()["header_res"])


def is_frame_line(text: str, kind: str = "unknown") -> bool:
    """A line that frames the document rather than says something: its header and date lines, the opening
    formula, a committee report's opening, a question (a Kamervraag's answer is what answers)."""
    text = text.strip().lstrip("•–-·* ").strip()
    return is_header_line(text) or any(p.search(text) for p in kind_data()["frame_res"])


def is_paper_line(text: str) -> bool:
    """An item of a list of papers ("21 mei 2025 inzake geannoteerde agenda …", "de brief van … d.d. …"): it says
    that a paper exists (its date, sender, subject, number), not what a meeting decided."""
    text = text.strip().lstrip("•–-·* ").strip()
    return any(p.search(text) for p in kind_data()["paper_res"])


def is_opening_line(text: str) -> bool:
    """The opening formula, a committee report's opening or a Kamervraag's lines on who asked and answered it when:
    they frame the document, but say when the meeting was and who took part."""
    text = text.strip().lstrip("•–-·* ").strip()
    return any(p.search(text) for p in kind_data()["opening_res"])


def document_kind(units: list[str], body: str) -> str:
    data = kind_data()
    for kind in data["order"]:
        where = [body] if kind == "news" else units
        if any(p.search(u) for p in data["compiled"][kind] for u in where):
            if kind == "news" and any(is_header_line(u) for u in units):
                continue  # a letter reports what ministers said, too
            return kind
    return "unknown"


def dates_in(text: str, anchor: date | None = None) -> list[tuple[date, ...]]:
    """Each date (or run of days) in text; a year left out is read from anchor, the document's own date."""
    out = []
    for found in DATES.finditer(text):
        first, second, month_name, year = found.groups()
        month = MONTHS[month_name.lower()]
        if year:
            y = int(year)
        elif anchor is None:
            continue
        elif UPCOMING.search(text[found.end() : found.end() + 15]):
            y = anchor.year + (month < anchor.month)  # "8 en 9 juli a.s." after the letter's date
        else:
            y = anchor.year - (month > anchor.month)  # "2 april jl.": before it
        days = [int(first)] + ([int(second)] if second else [])
        try:
            out.append(tuple(date(y, month, d) for d in days))
        except ValueError:
            continue
    return out


def letter_date(units: list[str]) -> date | None:
    for unit in units:
        if any(p.search(unit.strip()) for p in kind_data()["date_line_res"]):
            found = dates_in(unit)
            if found:
                return found[0][0]
    return None


def is_date_line(text: str) -> bool:
    return any(p.search(text.strip()) for p in kind_data()["date_line_res"])


def is_formula(unit: str) -> bool:
    """An opening formula or title line that states what the document is ("Hierbij ontvangt u het verslag ...")."""
    data = kind_data()
    return any(p.search(unit) for kind in data["order"] if kind != "news" for p in data["compiled"][kind])


def meeting_of(units: list[str], anchor: date | None) -> tuple[tuple[date, ...], str | None]:
    """The meeting the opening formula names, and its days: the first formula naming a meeting and a date."""
    meeting_re = kind_data()["meeting_re"]
    for unit in units:
        if is_header_line(unit) or not is_formula(unit):
            continue
        noun = meeting_re.search(unit)
        found = dates_in(unit, anchor)
        if noun and found:
            rest = unit[noun.start() :]
            phrase = re.split(r",| op \d| van \d| die | gehouden | in \w+ \d|\s\d", rest, maxsplit=1, flags=re.I)[0]
            phrase = re.sub(r"^bijeenkomst(en)? van (de )?", "", phrase.strip(" :;"), flags=re.I)
            return found[0], phrase or None
    return (), None


def format_dates(dates: tuple[date, ...], month_names: list[str] = MONTH_NAMES, conjunction: str = "en") -> str:
    """ "17 en 18 juni 2020", as the letters write it (one day, or two, or a first and a last)."""
    last = dates[-1]
    days = str(last.day) if len(dates) == 1 else f"{dates[0].day} {conjunction} {last.day}"
    return f"{days} {month_names[last.month - 1]} {last.year}"


def stated_title(blocks) -> str | None:
    """A title line the document opens with ("Antwoord op vragen van ...", a news headline), if any."""
    for block in [b for b in blocks if b.kind != "footnote"][:3]:
        line = block.text.split("\n")[0].strip()
        if is_header_line(line) or block.kind == "signature" or sum(c.isalpha() for c in line) < 4:
            continue
        if block.kind in ("title", "heading") or (len(line) <= 160 and not line.endswith((".", ":"))):
            return line[:1].upper() + line[1:].lower() if line.isupper() else line
        return None
    return None


def signatories(blocks) -> tuple[str, ...]:
    from corpus.cleaning import NAME_LIKE

    names: list[str] = []
    for block in blocks:
        if block.kind == "signature":
            for line in block.text.split("\n")[1:]:
                name = re.sub(r"^(Drs|Dr|Mr|Ir|Prof)\.\s*", "", line).strip()
                if NAME_LIKE.match(line) and name not in names:
                    names.append(name)
    return tuple(names)


def read_facts(blocks, doc_id: str) -> DocumentFacts:
    units = opening_units(blocks)
    body = " ".join(b.text for b in blocks if b.kind == "para")[:3000]
    kind = document_kind(units, body)
    written = letter_date(units)
    meeting_dates, meeting = meeting_of(units, written) if kind != "news" else ((), None)
    if meeting and meeting.isupper():  # a capitalised title: the phrase as the body writes it, where it does
        found = re.search(re.escape(meeting), body, re.I)
        meeting = found.group(0) if found and not found.group(0).isupper() else meeting.lower()
    title = stated_title(blocks)
    label = kind_data()["titles"].get(kind)
    if kind == "committee_report":  # its header says which kind of overleg: "Verslag van een algemeen overleg"
        named = next((m.group(0) for u in units if (m := COMMITTEE_HEADER.search(u))), None)
        label, meeting = (named.capitalize() if named else label), None
        title = None
    if label and meeting and meeting_dates:
        title = f"{label} {meeting}, {format_dates(meeting_dates)}"
    elif label and not title and (meeting_dates or written):
        title = f"{label}, {format_dates(meeting_dates or (written,))}"
    return DocumentFacts(kind, title or doc_id, written, meeting_dates, meeting, signatories(blocks))
