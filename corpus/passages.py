"""Sentences and passages: whole sentences, bounded in size, with exact offsets."""

from __future__ import annotations

import re

from corpus.metadata import is_header_line, is_opening_line
from corpus.models import Passage, Section

MAX_WORDS = 120
OVERLAP_SENTENCES = 1

# Abbreviations that never end a sentence, even before a capital ("w.o. Nederland", "Drs. Bijleveld").
NON_FINAL = {
    "o.a.",
    "w.o.",
    "m.n.",
    "t.a.v.",
    "i.h.b.",
    "bijv.",
    "bv.",
    "nr.",
    "nrs.",
    "drs.",
    "dr.",
    "mr.",
    "ir.",
    "prof.",
    "mevr.",
    "dhr.",
    "z.g.",
    "zgn.",
    "i.v.m.",
    "m.b.t.",
    "t.b.v.",
    "e.a.",
    "c.q.",
    "resp.",
    "vs.",
    "e.g.",
    "i.e.",
    "st.",
    "art.",
    "incl.",
    "excl.",
    "ca.",
    "d.w.z.",
}
# Abbreviations that end a sentence only when a capitalised word follows: "op 2 april jl. Veel van de aandacht"
# ends one, "op 2 april jl. (Kamerstuk 28 676, nr. 338)" does not.
CAPITAL_ONLY = {"jl.", "a.s.", "etc.", "enz.", "e.d.", "e.v."}
# A candidate boundary: terminal punctuation, optional closing quotes, space, then a capital or quote.
INITIALS = re.compile(r"[A-Z]\.(?:[A-Z][a-z]?\.)*")
BOUNDARY = re.compile(r"[.!?][»”\"’)]*(?=\s+[«“\"‘(]?[A-ZÀ-ÖØ-Þ0-9])")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of text[start:end]; paragraphs ("\\n\\n") always break."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text[start:end]):
        p_start = start + para.start()
        p_text = para.group(0)
        cursor = 0
        for found in BOUNDARY.finditer(p_text):
            cut = found.end()
            word = p_text[:cut].rsplit(None, 1)[-1].rstrip('»”"’)')
            if word.lower().lstrip("(") in NON_FINAL or INITIALS.fullmatch(word):
                continue
            if word.lower().lstrip("(") in CAPITAL_ONLY and not p_text[cut:].lstrip()[:1].isupper():
                continue
            if _inside_brackets(p_text, cursor, cut):  # "(Trb. 2022, 58)", "(o.a. Kamerstuk 28 676, nr. 5)"
                continue
            spans.append(_trimmed(text, p_start + cursor, p_start + cut))
            cursor = cut
        if p_text[cursor:].strip():
            spans.append(_trimmed(text, p_start + cursor, p_start + len(p_text)))
    # a run of punctuation ("---", "…") says nothing: as a passage it could only be retrieved by accident
    return [s for s in spans if s[1] > s[0] and re.search(r"[^\W_]", text[s[0] : s[1]])]


def _inside_brackets(text: str, start: int, cut: int, reach: int = 80) -> bool:
    """Whether text[cut] lies inside a bracket opened since start and closed within reach characters."""
    if text.count("(", start, cut) <= text.count(")", start, cut):
        return False
    closing = text.find(")", cut, cut + reach)
    return closing >= 0 and "(" not in text[cut:closing]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_passages(doc_text: str, section: Section, start_index: int = 0) -> list[Passage]:
    """Group a section's sentences into passages of at most MAX_WORDS (a longer sentence stands alone)."""
    sentences = sentence_spans(doc_text, section.start, section.end)
    passages: list[Passage] = []
    i = 0
    while i < len(sentences):
        j, words = i, 0
        while j < len(sentences):
            n = len(doc_text[sentences[j][0] : sentences[j][1]].split())
            if j > i and words + n > MAX_WORDS:
                break
            words += n
            j += 1
        start, end = sentences[i][0], sentences[j - 1][1]
        passages.append(
            Passage(
                doc_id=section.doc_id,
                passage_id=f"{section.doc_id}#p{start_index + len(passages)}",
                section_id=section.section_id,
                heading=section.heading,
                text=doc_text[start:end],
                start=start,
                end=end,
            )
        )
        if j >= len(sentences):
            break
        i = max(j - OVERLAP_SENTENCES, i + 1)
    return passages


def is_question(text: str) -> bool:
    return text.rstrip().endswith("?")


def said_text(text: str) -> str:
    """The passage without its letterhead (kamerstuk number, addressee, place and date) and the questions it
    answers (a Kamervraag, a committee's questions): lines that never answer would otherwise make their passage
    look like the best match for any question about the letter, or for the question itself."""
    sentences = [text[a:b] for a, b in sentence_spans(text)]
    said = [s for s in sentences if not (is_header_line(s) or is_question(s)) or is_opening_line(s)]
    return " ".join(said) if said and len(said) < len(sentences) else text
