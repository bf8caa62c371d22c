"""Clean blocks -> a Document: metadata, the cleaned text, and sections with exact offsets."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from corpus.cleaning import HEADER, NAME_LIKE, Block, clean
from corpus.models import Document, Section
from corpus.passages import split_passages

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "januari februari maart april mei juni juli augustus september oktober november december".split()
    )
}
DATE_RANGE = re.compile(
    r"\b(\d{1,2})(?:\s*(?:en|-|–|tot)\s*(\d{1,2}))?\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE
)
LETTER_DATE = re.compile(r"^Den Haag, (\d{1,2}) (\w+) (\d{4})$")
HEADER_NUMBER = re.compile(r"^Nr\. (\d+)\b")
CITED_KAMERSTUK = re.compile(r"Kamerstuk (\d{2} \d{3}), nr\. \d+")
# Headings that group the ones after them ("Missies en operaties" > "Irak"), and what they group.
GROUP_HEADING = re.compile(r"missies|operaties|het zuiden|het oosten|flank|regio's", re.IGNORECASE)
PLACE_WORDS = set(
    """afghanistan irak iran syrië turkije libië sahel mali oekraïne georgië rusland belarus wit-rusland kosovo
    bosnië balkan westelijke midden oosten midden-oosten noord afrika noord-afrika zwarte middellandse zee baltische
    staten jordanië tunesië somalië moldavië china mena-regio irak/syrië turkije/syrië en""".split()
)
UNTITLED = ""
INTRO = "Inleiding"
SIGNATURE = "Ondertekening"


def parse_letter(raw: str, doc_id: str, lexicon: Counter | None = None, source_path: str | None = None) -> Document:
    """Parse one letter's raw text. Never raises on odd input: no headings gives one untitled section."""
    result = clean(raw, lexicon)
    text_parts: list[str] = []
    offset = 0
    spans: list[tuple[Block, int, int]] = []
    for block in result.blocks:
        if block.kind == "footnote":
            continue
        if text_parts:
            offset += 2
        spans.append((block, offset, offset + len(block.text)))
        text_parts.append(block.text)
        offset += len(block.text)

    sections, footnote_home = _sections(doc_id, spans)
    text = "\n\n".join(text_parts)
    footnotes = [b for b in result.blocks if b.kind == "footnote"]
    if footnotes:
        text, sections = _append_footnotes(doc_id, text, sections, footnotes, footnote_home)

    meeting_dates = _meeting_dates(result.blocks)
    kind = _kind(result.blocks)
    doc = Document(
        doc_id=doc_id,
        title=_title(result.blocks, kind, meeting_dates, doc_id),
        kind=kind,
        text=text,
        letter_date=_letter_date(result.blocks),
        meeting_dates=meeting_dates,
        ministers=_ministers(result.blocks),
        kamerstuk=_kamerstuk(result.blocks, result.kamerstuk_footer),
        sections=tuple(sections),
        source_path=source_path,
    )
    return _with_passages(doc)


def _with_passages(doc: Document) -> Document:
    from dataclasses import replace

    passages = []
    for section in doc.sections:
        passages.extend(split_passages(doc.text, section, start_index=len(passages)))
    return replace(doc, passages=tuple(passages))


def _is_place(heading: str) -> bool:
    words = re.split(r"[\s/]+", heading.lower())
    return all(w in PLACE_WORDS for w in words)


def _sections(doc_id: str, spans: list[tuple[Block, int, int]]) -> tuple[list[Section], dict[int, str]]:
    sections: list[Section] = []
    footnote_home: dict[int, str] = {}
    heading = INTRO if any(b.kind == "heading" for b, _, _ in spans) else UNTITLED
    parent: str | None = None
    run: list[tuple[Block, int, int]] = []

    def flush() -> None:
        if run:
            start, end = run[0][1], run[-1][2]
            section_id = f"{doc_id}#s{len(sections)}"
            full_text = "\n\n".join(b.text for b, _, _ in run)
            sections.append(Section(doc_id, section_id, heading, full_text, start, end))
            for block, _, _ in run:
                for n in block.footnote_refs:
                    footnote_home[n] = heading
            run.clear()

    previous_kind = None
    stack: list[tuple[int, str]] = []  # open Markdown headings, outermost first
    for block, start, end in spans:
        if block.kind == "heading" and block.level is not None:
            flush()
            heading = _markdown_path(stack, block)
        elif block.kind == "heading":
            flush()
            follows_heading = previous_kind == "heading"
            if follows_heading and parent is None:
                parent = heading  # a heading with no text of its own groups the next one
            if parent and ((follows_heading and heading == parent) or _is_place(block.text)):
                heading = f"{parent} > {block.text}"
            else:
                parent = block.text if GROUP_HEADING.search(block.text) else None
                heading = block.text
        elif block.kind in ("para", "header", "title"):
            # The letterhead and a report's own title open the first section: its date line is citable.
            if run and run[-1][2] + 2 != start:
                flush()  # keep offsets contiguous
            run.append((block, start, end))
        elif block.kind == "signature":
            flush()
            body_heading, heading = heading, SIGNATURE
            run.append((block, start, end))
            flush()
            heading = body_heading
        else:
            flush()
        previous_kind = block.kind
    flush()
    return sections, footnote_home


def _markdown_path(stack: list[tuple[int, str]], block: Block) -> str:
    """A Markdown heading's path: its depth says which open headings it sits under."""
    while stack and stack[-1][0] >= block.level:
        stack.pop()
    stack.append((block.level, block.text))
    return " > ".join(text for _, text in stack)


def _append_footnotes(doc_id, text, sections, footnotes, footnote_home):
    text += "\n\nVoetnoten"
    for note in footnotes:
        body = note.text
        text += "\n\n"
        start = len(text)
        text += body
        home = footnote_home.get(note.number)
        heading = f"{home} > Voetnoot {note.number}" if home else f"Voetnoot {note.number}"
        sections.append(Section(doc_id, f"{doc_id}#s{len(sections)}", heading, body, start, len(text)))
    return text, sections


def _first_dates(text: str) -> tuple[date, ...]:
    found = DATE_RANGE.search(text)
    if not found:
        return ()
    first, second, month, year = found.groups()
    m, y = MONTHS[month.lower()], int(year)
    days = [int(first)] + ([int(second)] if second else [])
    try:
        return tuple(date(y, m, d) for d in days)
    except ValueError:
        return ()


def _meeting_dates(blocks: list[Block]) -> tuple[date, ...]:
    for block in blocks:
        if block.kind in ("title", "para", "heading") and not HEADER.match(block.text):
            dates = _first_dates(block.text)
            if dates:
                return dates
    return ()


def _letter_date(blocks: list[Block]) -> date | None:
    for block in blocks:
        found = LETTER_DATE.match(block.text) if block.kind == "header" else None
        if found and found.group(2).lower() in MONTHS:
            try:
                return date(int(found.group(3)), MONTHS[found.group(2).lower()], int(found.group(1)))
            except ValueError:
                return None
    return None


def _kind(blocks: list[Block]) -> str:
    opening = " ".join(b.text for b in blocks[:5] if b.kind != "footnote").lower()
    if "geannoteerde agenda" in opening:
        return "geannoteerde agenda"
    if "verslag" in opening:
        return "verslag"
    if "brief" in opening or "hierbij" in opening:
        return "brief"
    return "document"


def _meeting_body(blocks: list[Block]) -> str | None:
    first = next((b.text for b in blocks if b.kind in ("title", "para")), "")
    opening = first.split(". ")[0].lower()  # the first sentence names the meeting; later ones cite others
    foreign = re.search(r"ministers van buitenlandse zaken", opening)
    defence = re.search(r"ministers van defensie|en defensie", opening)
    if foreign and defence:
        return "NAVO-ministers van Buitenlandse Zaken en Defensie"
    if foreign:
        return "NAVO-ministers van Buitenlandse Zaken"
    if defence:
        return "NAVO-ministers van Defensie"
    return None


def _format_dates(dates: tuple[date, ...]) -> str:
    names = list(MONTHS)
    last = dates[-1]
    days = "-".join(str(d.day) for d in dates)
    return f"{days} {names[last.month - 1]} {last.year}"


def _title(blocks: list[Block], kind: str, dates: tuple[date, ...], doc_id: str) -> str:
    body = _meeting_body(blocks)
    if body and dates:
        return f"{kind.capitalize()} {body}, {_format_dates(dates)}"
    for block in blocks:
        if block.kind in ("title", "heading"):
            return block.text[:100]
    for block in blocks:
        if block.kind == "para":
            return block.text[:80].rsplit(" ", 1)[0] + "…" if len(block.text) > 80 else block.text
    return doc_id


def _ministers(blocks: list[Block]) -> tuple[str, ...]:
    names: list[str] = []
    for block in blocks:
        if block.kind == "signature":
            for line in block.text.split("\n")[1:]:
                name = re.sub(r"^(Drs|Dr|Mr|Ir|Prof)\.\s*", "", line).strip()
                if NAME_LIKE.match(line) and name not in names:
                    names.append(name)
    return tuple(names)


def _kamerstuk(blocks: list[Block], footer: str | None) -> str | None:
    if footer:
        return footer
    for block in blocks:
        found = HEADER_NUMBER.match(block.text) if block.kind == "header" else None
        if found:
            # The header states only the number; the dossier is the one the letter cites for its siblings.
            cited = Counter(CITED_KAMERSTUK.findall(" ".join(b.text for b in blocks)))
            dossier = cited.most_common(1)[0][0] if cited else None
            return f"{dossier}, nr. {found.group(1)}" if dossier else f"nr. {found.group(1)}"
    return None
