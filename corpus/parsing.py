"""Clean blocks -> a Document: metadata, the cleaned text, and sections with exact offsets."""

from __future__ import annotations

import re
from collections import Counter

from corpus.cleaning import Block, clean
from corpus.metadata import read_facts
from corpus.models import Document, Section
from corpus.passages import split_passages

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

    facts = read_facts(result.blocks, doc_id)
    doc = Document(
        doc_id=doc_id,
        title=facts.title,
        kind=facts.kind,
        text=text,
        letter_date=facts.letter_date,
        meeting_dates=facts.meeting_dates,
        ministers=facts.signatories,
        kamerstuk=_kamerstuk(result.blocks, result.kamerstuk_footer),
        sections=tuple(sections),
        source_path=source_path,
        meeting=facts.meeting,
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
