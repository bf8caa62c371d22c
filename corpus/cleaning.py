"""From PDF-extracted text to clean blocks: no page furniture, no broken words, footnotes set apart.

Everything here works line by line on the raw text; `parsing.py` turns the blocks into a Document.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from corpus.metadata import is_header_line

FURNITURE = (
    re.compile(r"^kst-\d+(-[\w]+)+$"),
    re.compile(r"^ISSN \d{4}\s*-\s*\d{3}[\dX]$"),
    re.compile(r"^[’']s-Gravenhage \d{4}\b.*Tweede Kamer.*$"),
    re.compile(r"^Tweede Kamer, vergaderjaar \d{4}.*$"),
)
FOOTER_KAMERSTUK = re.compile(r"vergaderjaar \d{4}\s*[–-]\s*\d{4}, (\d{2} \d{3}(?: [A-Z]+)?), nr\. (\d+)")
HEADER = re.compile(r"^(Nr\. \d+\b.*|Aan de Voorzitter van de Tweede Kamer.*|Den Haag, \d{1,2} \w+ \d{4})$")
SIGNATURE_ROLE = re.compile(
    r"^(De|DE) (Minister|MINISTER|Staatssecretaris|STAATSSECRETARIS) (van|VAN|voor|VOOR) [^.]+,?$"
)
# A signature with the name on the same line: "De Minister van Buitenlandse Zaken, A.G. Koenders", "De voorzitter van
# de vaste commissie voor Defensie, Kahraman". Taken as a heading, it would title the whole letter below it.
SIGNED_LINE = re.compile(
    r"^(?:De|DE) (?:[a-z]+ )?(?:[a-z]+-)?"  # "De fungerend voorzitter", "De adjunct-griffier"
    r"(?:Minister|MINISTER|Staatssecretaris|STAATSSECRETARIS|[Vv]oorzitter|[Gg]riffier) "
    r"(?:van|VAN|voor|VOOR) [^,]+,\s*(?:(?:Drs|Dr|Mr|Ir|Prof)\.\s*)?(?:[A-Z][a-z]{0,2}\.\s*)*"
    r"[A-Z][\w'-]+(?:[ -](?:van|de|der|den|ten|ter|[A-Z][\w'-]+))*$"
)
# A labelled line of a report's front matter ("Voorzitter: Eijsink", "Griffier: De Lange"): a fact, not a title.
LABEL_LINE = re.compile(r"^[A-Z][\w-]*: [A-Z][\w .'-]*$")
LIST_ITEM = re.compile(r"^[•–—·▪◦*-] ")  # a bulleted line: in hard-wrapped text, a list item of its own
NAME_LIKE = re.compile(r"^(?:(?:Drs|Dr|Mr|Ir|Prof)\.\s*)?(?:[A-Z][a-z]{0,2}\.\s*)+[A-Z][\w'-]+(?:[ -][A-Z][\w'-]+)*$")
FOOTNOTE_START = re.compile(r"^(\d{1,2}) (\S.*)$")
SENTENCE_END = tuple('.:;!?»”")')
SUSPENDED_HYPHEN_NEXT = re.compile(r"^(en|of|tot|and|or)\b")
WORD = re.compile(r"[^\W_][\w-]*")
# A Markdown heading ("## Irak"): a .md letter states its headings and their nesting outright.
MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+#+)?$")


@dataclass
class Block:
    """A run of the letter: 'title', 'header', 'heading', 'para', 'signature' or 'footnote'."""

    kind: str
    text: str
    footnote_refs: list[int] = field(default_factory=list)
    number: int | None = None  # a footnote's number
    level: int | None = None  # a Markdown heading's depth; None where the nesting must be guessed


@dataclass(frozen=True)
class CleanResult:
    blocks: list[Block]
    kamerstuk_footer: str | None


def lexicon_of(raw_texts: list[str]) -> Counter:
    """Word forms seen whole on one line: they tell which line-end hyphens are real."""
    counts: Counter = Counter()
    for raw in raw_texts:
        for line in raw.splitlines():
            tokens = WORD.findall(line.strip())
            if line.rstrip().endswith("-") and tokens:
                tokens = tokens[:-1]
            counts.update(t.lower().strip("-") for t in tokens)
    return counts


def join_hyphenated(left: str, right: str, lexicon: Counter) -> str:
    """Join a line ending in '-' with the next line, deciding whether the hyphen is real."""
    stem = left[:-1]
    match = re.search(r"[\w-]+$", stem)
    left_word = match.group(0) if match else ""
    right_word_match = re.match(r"[\w-]+", right)
    right_word = right_word_match.group(0) if right_word_match else ""
    if not left_word or not right_word or SUSPENDED_HYPHEN_NEXT.match(right):
        return f"{left} {right}"  # "veiligheids- en defensiesector"
    if not left_word[-1].isalpha() or left_word[-1].isupper() or right[0].isupper() or right[0].isdigit():
        return f"{left}{right}"  # "COVID-19-uitbraak", "NAVO-kader", "Noord-Macedonië"
    joined = (left_word + right_word).lower()
    hyphenated = f"{left_word}-{right_word}".lower()
    if lexicon[hyphenated] > lexicon[joined]:
        return f"{left}{right}"  # the letters write it with a hyphen: "secretaris-generaal"
    return f"{stem}{right}"


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(SENTENCE_END)


def is_caps_line(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(line.split()) >= 3 and len(letters) >= 10 and sum(c.isupper() for c in letters) / len(letters) > 0.7


def is_heading_line(line: str, nxt: str) -> bool:
    """A short title line; the caller checks that it does not continue a sentence."""
    words = line.split()
    if not (1 <= len(words) <= 8 and len(line) <= 70):
        return False
    if line.endswith((".", ",", ";", ":", "!", "?", "-")) or not line[0].isupper():
        return False
    if HEADER.match(line) or SIGNATURE_ROLE.match(line) or NAME_LIKE.match(line):
        return False
    return not (nxt and (nxt[0].islower() or nxt[0] in ",.;:"))


def is_wrapped_heading(line: str, nxt: str, rest: list[str]) -> bool:
    """A title over two lines: "Goedkeuring Protocollen Noord-Atlantisch Verdrag / toetreding van Finland", then a
    line that starts a sentence (or nothing). The second line continues the first and ends without punctuation."""
    if not nxt or not nxt[0].islower() or nxt.endswith((*SENTENCE_END, ",", "-")):
        return False
    if rest and rest[0] and not rest[0][0].isupper():
        return False
    combined = f"{line} {nxt}"
    return len(combined.split()) <= 16 and len(combined) <= 140 and is_heading_line(line, "")


def _strip_furniture(lines: list[str]) -> tuple[list[str], str | None]:
    kamerstuk = None
    kept = []
    for line in lines:
        stripped = line.strip()
        if any(p.match(stripped) for p in FURNITURE):
            found = FOOTER_KAMERSTUK.search(stripped)
            if found and kamerstuk is None:
                kamerstuk = f"{found.group(1)}, nr. {found.group(2)}"
            continue
        kept.append(line)
    return kept, kamerstuk


def _footnote_marker(n: int) -> re.Pattern:
    # a footnote number glued to the end of a word: "bijlage toe1." / "luchtruimverdediging1."
    return re.compile(rf"(?<=[a-zà-ÿ)]){n}(?=[\s.,;:)]|$)")


def _split_footnotes(lines: list[str]) -> tuple[list[str], list[Block], dict[int, int]]:
    """Take footnotes out of the running text; return body lines, footnote blocks, marker line per note."""
    body: list[str] = []
    notes: list[Block] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        found = FOOTNOTE_START.match(stripped)
        prev_blank = not body or not body[-1].strip()
        if found and prev_blank and not lines[i].startswith(" "):
            n = int(found.group(1))
            searchable = body + [ln for ln in lines[i + 1 :] if not FOOTNOTE_START.match(ln.strip())]
            if any(_footnote_marker(n).search(ln) for ln in searchable):
                text = [found.group(2).strip()]
                i += 1
                while i < len(lines) and lines[i].strip() and not lines[i].startswith(" "):
                    if FOOTNOTE_START.match(lines[i].strip()):
                        break
                    text.append(lines[i].strip())
                    i += 1
                notes.append(Block("footnote", " ".join(text), number=n))
                continue
        body.append(lines[i])
        i += 1
    marker_lines: dict[int, int] = {}
    for note in notes:
        pattern = _footnote_marker(note.number)
        for idx, line in enumerate(body):
            if pattern.search(line):
                body[idx] = pattern.sub("", line, count=1)
                marker_lines[note.number] = idx
                break
    return body, notes, marker_lines


def clean(raw: str, lexicon: Counter | None = None) -> CleanResult:
    """Raw PDF text -> blocks in reading order (footnotes last)."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\u00ad", "")
    raw = raw.replace("\t", " ").replace("\u00a0", " ")
    lexicon = lexicon if lexicon is not None else lexicon_of([raw])
    lines, kamerstuk = _strip_furniture(raw.split("\n"))
    lines, notes, marker_lines = _split_footnotes(lines)
    refs_at = {line: n for n, line in marker_lines.items()}
    stripped = [re.sub(r"\s+", " ", ln).strip() for ln in lines]

    blocks: list[Block] = []
    current: Block | None = None
    i = 0
    while i < len(stripped):
        line = stripped[i]
        if not line:
            current = None
            i += 1
            continue
        nxt = stripped[i + 1] if i + 1 < len(stripped) else ""
        starts_unit = current is None or ends_sentence(current.text)  # not the continuation of a sentence
        whole_line = starts_unit and not (nxt and nxt[0].islower())  # nor continued on the next line
        markdown = MD_HEADING.match(line)
        if markdown:
            has_body = any(b.kind == "para" for b in blocks)
            level = len(markdown.group(1))
            kind = "title" if level == 1 and not has_body else "heading"
            blocks.append(Block(kind, markdown.group(2), level=level))
            current = None
        elif HEADER.match(line) or (whole_line and is_header_line(line)):
            blocks.append(Block("header", line))  # "Vastgesteld 24 oktober 2014", "Ingediend 21 november 2019"
            current = None
        elif SIGNED_LINE.match(line):
            blocks.append(Block("signature", line))
            current = None
        elif SIGNATURE_ROLE.match(line):
            names = [line]
            j = i + 1
            while j < len(stripped) and j <= i + 3 and (not stripped[j] or NAME_LIKE.match(stripped[j])):
                if stripped[j]:
                    names.append(stripped[j])
                    i = j
                j += 1
            blocks.append(Block("signature", "\n".join(names)))
            current = None
        elif is_caps_line(line):
            title = [line]
            while i + 1 < len(stripped) and stripped[i + 1] and stripped[i + 1].split()[0].isupper():
                i += 1
                title.append(stripped[i])
            has_body = any(b.kind == "para" for b in blocks)
            blocks.append(Block("heading" if has_body else "title", " ".join(title)))
            current = None
        elif whole_line and LABEL_LINE.match(line) and len(line.split()) <= 6:
            blocks.append(Block("para", line))
            current = None
        elif starts_unit and is_heading_line(line, nxt):
            blocks.append(Block("heading", line))
            current = None
        elif starts_unit and is_wrapped_heading(line, nxt, stripped[i + 2 :]):
            blocks.append(Block("heading", f"{line} {nxt}"))  # a title wrapped over two lines
            current = None
            i += 1
        elif starts_unit and LIST_ITEM.match(line):
            current = Block("para", line)  # "over: – de brief d.d. 21 mei 2025 …; – de brief …": one item each
            blocks.append(current)
        elif current is not None:
            current.text = _join(current.text, line, lexicon)
        elif blocks and _continues(blocks[-1], line):
            current = blocks[-1]  # a sentence broken by a page break or a removed footnote
            current.text = _join(current.text, line, lexicon)
        else:
            current = Block("para", line)
            blocks.append(current)
        if i in refs_at and blocks:
            blocks[-1].footnote_refs.append(refs_at[i])
        i += 1
    return CleanResult(blocks + notes, kamerstuk)


def _continues(block: Block, line: str) -> bool:
    if block.kind != "para":
        return False
    return block.text.endswith("-") or (not ends_sentence(block.text) and line[0].islower())


def _join(left: str, right: str, lexicon: Counter) -> str:
    if left.endswith("-") and len(left) > 1 and left[-2].isalnum():
        return join_hyphenated(left, right, lexicon)
    return f"{left} {right}"
