"""The read stage: a `Reader` turns the reranked passages into a `Draft`, the quotes an answer rests on.

`ExtractiveReader` (the default, offline) scores every sentence of the top passages with fitted weights
(qa/features.py) and quotes the best one to three. `ChatModelReader` (qa/chat_reader.py) lets a LangChain chat
model write the answer from numbered sentences. Both drafts go through the same verify stage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from corpus.metadata import is_date_line, is_frame_line
from corpus.parsing import SIGNATURE
from embeddings.lexical import tokenize
from embeddings.store import Index, Sentence
from qa.analyse import cues
from qa.answer_kinds import counts, holds
from qa.features import (
    QUANTITY_KINDS,
    SENTENCE_FEATURES,
    about_other_years,
    answer_row,
    on_other_day,
    quotable,
    sentence_row,
    term_overlap,
)
from qa.models import Draft, Query, Quote, ScoredPassage
from qa.retrieve import Retrieved, english_to_dutch
from qa.weights import LinearModel, fitted

# A sentence that leans on the one before it ("Nederland draagt hier ... bij") needs that one to read whole.
ANAPHORA = re.compile(
    r"^(Dit|Deze|Daarbij|Daarom|Daardoor|Hierdoor|Hiermee|Hiervoor|Zij|Die|Beiden|Dat|Zo)\b"
    r"|\b(hier|daar|hiervan|daarvan|daarom|hierom)\b"
)


SIGNED = re.compile(  # signed by; Kamervragen name who answered them
    r"^(De|DE) (Minister|MINISTER|Staatssecretaris|STAATSSECRETARIS)\b[^.]*,\s*\S"
    r"|^(?i:beantwoord door|antwoord(en)? van de (minister|staatssecretaris))\b"
)
LINES = {  # a report's lines that say who chaired the meeting, when it began and closed, and who took part
    "chair": re.compile(r"^Voorzitter:\s*\S"),
    "start": re.compile(r"^Aanvang\s+\d"),
    "end": re.compile(r"^Sluiting\s+\d"),
    "attendance": re.compile(r"^Aanwezig zijn\b"),
}
SOFT_PARTS = ("attendance",)  # other letters say who took part in their own words: read those where the line is missing
KIND_HOLDS = SENTENCE_FEATURES.index("kind_holds")


class Reader(Protocol):
    name: str

    def read(self, retrieved: Retrieved, passages: Sequence[ScoredPassage], index: Index) -> Draft: ...


@dataclass(frozen=True)
class SentenceCandidate:
    index: int  # into index.sentences
    passage: ScoredPassage
    features: tuple[float, ...]


def own_letter(query: Query, passages: Sequence[ScoredPassage], index: Index | None = None) -> ScoredPassage | None:
    """For a question about a document itself (its date, its signatory...), the best passage read of the document
    it means: of the kind it names ("when was the annotated agenda sent" is not answered by the date of a committee
    report that lists the agenda), else of any kind; asked when its signers sent it, the letter they signed."""
    if query.letter_part is None or not passages:
        return None
    named = set(query.doc_kinds)
    if "meeting_report" in named:  # "verslag" / "report" names a committee's report, a progress report sent as a letter
        named |= {"committee_report", "letter", "unknown"}
    meant = [p for p in passages if not named or p.kind in named]
    if index is not None and query.letter_part == "date":
        words = set(re.findall(r"[\w'-]+", query.text))
        signed = next((p for p in meant if signers(index, p.doc_id) & words), None)
        meant = [signed] if signed else meant
    return meant[0] if meant else None


PARTICLES = {"Van", "Der", "Den", "Ten", "Ter", "Het"}  # "Van Toor", "Ten Broeke": no name by themselves


def signers(index: Index, doc_id: str) -> set[str]:
    """The surnames in a letter's signature lines ("De Minister van Defensie, A. Hennis-Plasschaert")."""
    names = set()
    for j in index.sentences_of_letter(doc_id):
        s = index.sentences[j]
        if (s.heading == SIGNATURE or SIGNED.match(s.text.strip())) and "," in s.text:  # "role, name"
            words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", s.text.rsplit(",", 1)[-1])  # "Bijleveld-Schouten"
            names.update(w for whole in words for w in (whole, *whole.split("-")) if len(w) > 2 and w[0].isupper())
    return names - PARTICLES


def asks_own_part(query: Query, passages: Sequence[ScoredPassage]) -> bool:
    return own_letter(query, passages) is not None


def letter_part_sentences(query: Query, passages: Sequence[ScoredPassage], index: Index) -> list[int]:
    """For a question about the letter itself, its date line, its signature, or the lines of a report that say who
    chaired the meeting and when it began or closed."""
    own = own_letter(query, passages, index)
    if own is None:
        return []
    letters = [own.doc_id]
    if query.letter_part in LINES:  # each report read has such a line: the caller picks the one the question fits
        letters += [p.doc_id for p in passages if p.doc_id != own.doc_id]
    out = []
    for doc_id in dict.fromkeys(letters):
        for j in index.sentences_of_letter(doc_id):  # once each, not once per passage (passages overlap)
            s = index.sentences[j]
            if (
                (query.letter_part == "date" and is_date_line(s.text))
                or (query.letter_part == "signatory" and (s.heading == SIGNATURE or SIGNED.match(s.text.strip())))
                or (query.letter_part in LINES and LINES[query.letter_part].match(s.text.strip()))
            ):
                out.append(j)
        if not out:
            return []  # the letter meant lacks the line: another report's would answer for the wrong meeting
    return out


def candidates(retrieved: Retrieved, passages: Sequence[ScoredPassage], index: Index) -> list[SentenceCandidate]:
    """Every quotable sentence of the passages, once, with its features (evals/fit.py fits the reader on them)."""
    query: Query = retrieved.query
    dense, xl = retrieved.sentence_dense, retrieved.sentence_crosslingual
    members = {p.passage.passage_id: index.sentences_of(p.passage.passage_id) for p in passages}
    every = [j for m in members.values() for j in m]
    if not every:
        return []
    dense_best = float(dense[every].max())
    xl_best = float(xl[every].max()) if xl is not None else 0.0
    top = max(p.score for p in passages) or 1.0
    out, seen = [], set()
    for p in passages:
        for j in members[p.passage.passage_id]:
            s = index.sentences[j]
            if j in seen or not s.text.strip() or not quotable(s.text, p.kind, query):
                continue
            seen.add(j)
            before = index.sentences[j - 1] if j > 0 else None
            same_section = before is not None and (before.doc_id, before.heading) == (s.doc_id, s.heading)
            previous = before.text if same_section else ""
            row = sentence_row(
                query, s.text, f"{p.title} {s.heading} {s.text} {previous}", previous, float(dense[j]), dense_best,
                float(dense[j - 1]) if same_section else 0.0, float(xl[j]) if xl is not None else 0.0, xl_best,
                retrieved.terms, p.score / top,
            )  # fmt: skip
            out.append(SentenceCandidate(j, p, row))
    return counted_first(query, out, index)


def counted_stems(query: Query) -> frozenset[str]:
    """The stems of what a count question counts ("MPs" also as "kamerleden"); digits and scraps ("F-35's") left out."""
    if not query.counted:
        return frozenset()
    text = f"{query.counted} {english_to_dutch().get(query.counted.lower(), '')}"
    return frozenset(t for t in tokenize(text) if len(t) >= 3 and not t.isdigit())


def counted_first(query: Query, found: list[SentenceCandidate], index: Index) -> list[SentenceCandidate]:
    """Where a sentence's number counts what the question counts ("Uit hoeveel landen": "29 landen"), a number that
    counts something else ("20 NAVO-missies") no longer holds the kind of answer asked for."""
    stems = counted_stems(query)
    attached = [bool(stems) and counts(index.sentences[c.index].text, stems) for c in found]
    if not any(attached):
        return found
    return [
        c if a else replace(c, features=(*c.features[:KIND_HOLDS], 0.0, *c.features[KIND_HOLDS + 1 :]))
        for c, a in zip(found, attached, strict=True)
    ]


def widened(j: int, sentences: Sequence[Sentence]) -> tuple[int, int]:
    """A sentence's span, with the one before where it leans on it and the one after where it ends in ':'."""
    s = sentences[j]
    start, end = s.start, s.end
    before = sentences[j - 1] if j > 0 else None
    after = sentences[j + 1] if j + 1 < len(sentences) else None
    if ANAPHORA.search(s.text) and before and (before.doc_id, before.heading) == (s.doc_id, s.heading):
        start = before.start
    if s.text.rstrip().endswith(":") and after and (after.doc_id, after.heading) == (s.doc_id, s.heading):
        end = after.end
    return start, end


def with_next(quote: Quote, j: int, sentences: Sequence[Sentence]) -> Quote:
    """The quote widened to the sentence after j, where that is in the same section and not a frame line (a
    header, a question)."""
    s, after = sentences[j], sentences[j + 1] if j + 1 < len(sentences) else None
    if after is None or (after.doc_id, after.heading) != (s.doc_id, s.heading) or is_frame_line(after.text):
        return quote
    return Quote(quote.doc_id, quote.start, max(quote.end, after.end), quote.score, quote.passage)


def overlaps(a: Quote, b: Quote) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def shared_words(question: str, text: str) -> int:
    """How many of the text's words (5+ letters) the question uses, inside its compounds too ("Defensiecommissie")."""
    asked = question.lower()
    return sum(1 for w in set(re.findall(r"\w{5,}", text.lower())) if w in asked)


def letter_text_of(index: Index, doc_id: str) -> str:
    """The letter's text as the index holds it (its sentences), without a pass over every passage."""
    return " ".join(index.sentences[j].text for j in index.sentences_of_letter(doc_id))


def quote_text(index: Index, quote: Quote) -> str:
    sentences = (index.sentences[j] for j in index.sentences_of_letter(quote.doc_id))
    return " ".join(s.text for s in sentences if quote.start <= s.start < quote.end)


class ExtractiveReader:
    name = "extractive"

    def __init__(self, model: LinearModel | None = None, max_quotes: int = 3, keep_ratio: float = 0.5):
        self.model = model or fitted()["reader"]
        self.max_quotes = max_quotes
        self.keep_ratio = keep_ratio  # a further quote must be this likely, relative to the first
        self.kind_depth = 5  # how far down a sentence holding the kind of answer asked for may come from

    def read(self, retrieved: Retrieved, passages: Sequence[ScoredPassage], index: Index) -> Draft:
        query = retrieved.query
        found = candidates(retrieved, passages, index)
        if not found:
            return Draft((), 0.0, self.name, note="no sentences")
        probability = self.model.probability(np.array([c.features for c in found]))
        order = [int(i) for i in np.argsort(-probability, kind="stable")]
        if query.answer_kind is not None:  # the likeliest sentence holding that kind of answer leads, if close
            typed = next((i for i in order[: self.kind_depth] if found[i].features[KIND_HOLDS]), None)
            if typed is not None:
                order = [typed, *(i for i in order if i != typed)]
        chosen: list[int] = []
        for i in order:
            if len(chosen) >= self.max_quotes or (chosen and probability[i] < self.keep_ratio * probability[chosen[0]]):
                break
            words = _words(index.sentences[found[i].index].text)
            if all(len(words & (o := _words(index.sentences[found[c].index].text))) / max(len(words | o), 1) <= 0.6
                   for c in chosen):  # fmt: skip
                chosen.append(i)
        quotes = [
            Quote(
                found[i].passage.doc_id,
                *widened(found[i].index, index.sentences),
                float(probability[i]),
                found[i].passage,
            )
            for i in chosen
        ]
        lead = found[chosen[0]]
        # The lead reads with the sentence after it in its section: the best match often restates the question and
        # the next sentence answers it, or the next one leans back on it (accepted answers rose by 1-4 points on
        # every question set). A lead holding the kind of answer asked for ("1 miljoen euro") answers by itself,
        # unless the next sentence is as likely as a further quote would have to be.
        likelihood = {c.index: float(p) for c, p in zip(found, probability, strict=True)}
        next_likely = likelihood.get(lead.index + 1, 0.0) >= self.keep_ratio * probability[chosen[0]]
        if not lead.features[KIND_HOLDS] or next_likely:
            quotes[0] = with_next(quotes[0], lead.index, index.sentences)
        quotes = [quotes[0], *(q for q in quotes[1:] if not overlaps(q, quotes[0]))]
        part = letter_part_sentences(query, passages, index)
        # of several signatures, the one whose words the question shares ("as chair of the Foreign Affairs committee")
        texts_of = {j: index.sentences[j].text for j in part}
        part.sort(key=lambda j: (-term_overlap(retrieved.terms, texts_of[j]), -shared_words(query.text, texts_of[j])))
        if part:
            # the date line or signature answers; the best sentence shows why this letter was picked
            s = index.sentences[part[0]]
            own = next(p for p in passages if p.doc_id == s.doc_id)
            quotes = [Quote(s.doc_id, s.start, s.end, 1.0, own), *quotes[:1]]
        kind = query.answer_kind
        texts = [index.sentences[found[i].index].text for i in chosen]
        holding = [t for t in texts if holds(t, kind, query.text)]
        timely = [t for t in holding if kind not in QUANTITY_KINDS or not about_other_years(query, t)]
        kind_found = kind is None or bool(timely) or bool(part)
        other_years = bool(holding) and not timely
        letter_texts = {lead.passage.doc_id: letter_text_of(index, lead.passage.doc_id)}
        best = sorted(passages, key=lambda p: -p.score)[:3]  # as the reranker rates them, quotable or not
        top_text = " ".join(f"{p.title} {p.passage.heading} {p.passage.text}" for p in best)
        lead_text = index.sentences[lead.index].text
        evidence = answer_row(
            query, float(probability[chosen[0]]), max(float(retrieved.sentence_dense[c.index]) for c in found),
            max(float(xl[c.index]) for c in found) if (xl := retrieved.sentence_crosslingual) is not None else 0.0,
            f"{lead.passage.title} {index.sentences[lead.index].heading} {lead_text}", top_text, retrieved.terms,
            kind_found, letter_texts.get(lead.passage.doc_id, ""),
        )  # fmt: skip
        if part:  # the letter's own date line or signature answers by construction: no evidence to weigh
            evidence = ()
        # the top letter states no date of its own: a quoted sentence that dates a document answers instead
        # ("de brief van de minister d.d. 21 juni 2018 inzake het verslag ...")
        dated = query.letter_part == "date" and any(
            cues()["document_noun"].search(t) and holds(t, "day", query.text)
            for t in (index.sentences[found[i].index].text for i in chosen)
        )
        missing = asks_own_part(query, passages) and not part and not dated and query.letter_part not in SOFT_PARTS
        quoted = [quote_text(index, q) for q in quotes]
        other_day = not part and on_other_day(query, quoted, [q.passage for q in quotes])
        note = "other years" if other_years else "other day" if other_day else ""
        return Draft(
            tuple(quotes), float(probability[chosen[0]]), self.name, kind_found=kind_found, evidence=evidence,
            note=f"no {query.letter_part}" if missing else note if not part else "",
        )  # fmt: skip


__all__ = ["SENTENCE_FEATURES", "ExtractiveReader", "Reader", "candidates"]
