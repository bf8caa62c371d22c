"""A timeline across meetings: for each letter that speaks of a topic, its most relevant sentences, by date.

Every sentence of the index is scored for the topic with what retrieval already computes (e5 and USE cosines
with the topic, so English topics reach Dutch sentences) plus the IDF-weighted share of the topic's words (with
their nearest letter words: "Russia" -> rusland, russische) that the sentence or its heading holds.
Cosines are made comparable across topics by z-scoring them over all sentences of the index for that topic;
the thresholds (chosen by grid search on 8 of the 12 hand-marked topics in evals/timeline_topics.jsonl) are in
those units, not in raw cosines. A sentence without any topic word also needs an absolute USE cosine, since
z-scores crown some sentence even for a topic no letter speaks of.
A country the topic names is also searched by its Dutch name from the gazetteer ("Ukraine" -> Oekraïne).
A letter speaks of the topic when its best sentence reaches SPEAKS; between PASSING and SPEAKS it mentions the
topic in passing (kept, marked as such, with one quote); below, it is left out. A speaking letter's further quotes
must be within QUOTE_MARGIN of its best one: a much weaker sentence of the same letter is usually off the topic.
"""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from corpus.errors import QuestionError
from corpus.metadata import is_frame_line, is_opening_line
from corpus.models import Document
from embeddings.crosslingual import content_words, nearest_word_groups
from embeddings.lexical import tokenize
from embeddings.store import Index
from qa.analyse import analyse, validate_text
from qa.gazetteer import countries_in, country_name, entries
from qa.retrieve import Retriever, TermGroup, english_to_dutch

MAX_PER_LETTER = 10
MIN_WORDS = 4  # shorter lines ("Ja.", "1.", "36.162") have meaningless embeddings


@dataclass(frozen=True)
class TimelineConfig:
    dense_weight: float = 1.0  # z-scored e5 cosine
    crosslingual_weight: float = 1.0  # z-scored USE cosine
    term_weight: float = 6.0  # IDF share of the topic's words, 0..1
    speaks: float = 4.75  # a letter's best sentence at least this: it speaks of the topic
    passing: float = 3.5  # at least this: it mentions the topic in passing (not tuned: speaks - 1.25)
    neighbours: int = 3  # nearest letter words per topic word by e5 (look-alikes: "dreiging" -> "dreigingen")
    neighbour_cosine: float = 0.93  # USE's neighbours, even only for words no letter uses, cost precision: 0.77 -> 0.72
    gazetteer: bool = True  # a country the topic names is also searched by its Dutch name
    prefix: int = 0  # forms this long or longer also find the words they start ("kernwapen" -> kernwapentaak)
    breadth: float = 0.0  # letter score = best + breadth * log(1 + further sentences over PASSING); 1: no gain
    quote_margin: float = 0.75  # further quotes at most this far below the letter's best (grid: 0.75, 1.5, none)
    idf_power: float = 1.0  # a topic word's share of the overlap goes with IDF ** this; 2: no gain
    crosslingual_floor: float = 0.3  # a sentence without a topic word needs this raw USE cosine (nonsense: <0.22)


@dataclass(frozen=True)
class TimelineQuote:
    n: int
    text: str
    doc_id: str
    start: int  # offsets in the letter's cleaned text (Document.text), like a Citation's
    end: int
    section: str
    score: float

    def to_dict(self) -> dict:
        return {
            "n": self.n, "text": self.text, "start": self.start, "end": self.end, "section": self.section,
            "score": round(self.score, 4),
        }  # fmt: skip


@dataclass(frozen=True)
class TimelineEntry:
    date: date | None  # None: the letter names no meeting and has no date of its own
    date_kind: str  # "meeting" | "letter" | "undated"
    doc_id: str
    title: str
    kind: str
    quotes: tuple[TimelineQuote, ...]
    weight: float  # how much the letter says: its sentences on the topic
    in_passing: bool = False

    def to_dict(self) -> dict:
        return {
            "date": self.date.isoformat() if self.date else None, "date_kind": self.date_kind,
            "doc_id": self.doc_id, "title": self.title, "kind": self.kind,
            "quotes": [q.to_dict() for q in self.quotes], "weight": self.weight, "in_passing": self.in_passing,
        }  # fmt: skip


@dataclass(frozen=True)
class Timeline:
    topic: str
    entries: tuple[TimelineEntry, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def speaking(self) -> tuple[TimelineEntry, ...]:
        return tuple(e for e in self.entries if not e.in_passing)

    def to_dict(self) -> dict:
        return {
            "topic": self.topic,
            "entries": [e.to_dict() for e in self.entries],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


# ---------------------------------------------------------------- input


def validate_topic(topic: object) -> str:
    """The topic, whitespace collapsed, or QuestionError (exit 2) saying what is wrong."""
    return validate_text(topic, "topic", "name a topic, e.g. 'Oekraïne' or 'burden sharing'")


def validate_range(since: object, until: object) -> None:
    for name, value in (("since", since), ("until", until)):
        if value is not None and not isinstance(value, date):
            raise QuestionError(f"{name} must be a date (YYYY-MM-DD), not {value!r}")
    if since and until and since > until:
        raise QuestionError(f"the date range is empty: since {since} is after until {until}")


def validate_per_letter(per_letter: object) -> int:
    if isinstance(per_letter, bool) or not isinstance(per_letter, int) or not 1 <= per_letter <= MAX_PER_LETTER:
        raise QuestionError(f"per-letter must be a whole number from 1 to {MAX_PER_LETTER}, not {per_letter!r}")
    return per_letter


# ---------------------------------------------------------------- per-index facts, computed once


_INDEX_CACHE: dict[int, tuple[weakref.ref, tuple[np.ndarray, list[frozenset[str]], np.ndarray]]] = {}


def index_facts(index: Index) -> tuple[np.ndarray, list[frozenset[str]], np.ndarray]:
    """(eligible mask, each sentence's tokens with its heading's, each sentence's letter as an int code)."""
    cached = _INDEX_CACHE.get(id(index))
    if cached and cached[0]() is index:
        return cached[1]
    eligible = np.array([quotable(s.text) for s in index.sentences], dtype=bool)
    tokens = [frozenset(tokenize(f"{s.heading}. {s.text}")) for s in index.sentences]
    codes = {d: i for i, d in enumerate(dict.fromkeys(s.doc_id for s in index.sentences))}
    letters = np.array([codes[s.doc_id] for s in index.sentences], dtype=np.int64)
    facts = (eligible, tokens, letters)
    _INDEX_CACHE[id(index)] = (weakref.ref(index), facts)
    return facts


def quotable(text: str) -> bool:
    """A sentence that says something: no header, date line or opening formula, at least MIN_WORDS words."""
    if is_frame_line(text) or is_opening_line(text):
        return False
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= MIN_WORDS


# ---------------------------------------------------------------- scoring


def topic_terms(retriever: Retriever, topic: str, config: TimelineConfig) -> tuple[TermGroup, ...]:
    """Each content word of the topic with its translation and nearest letter words, weighted by IDF.

    A word no letter uses keeps its place in the total (weighted as the rarest word), so a topic of
    unknown words never reaches a full overlap.
    """
    vocabulary = retriever.index.bm25.vocab
    short = [t for t in tokenize(topic) if len(t) < 3 and not t.isdigit()]  # "EU", which content_words drops
    words = list(dict.fromkeys([*content_words(topic), *short])) or list(dict.fromkeys(tokenize(topic)))
    neighbours: list[list[str]] = [[] for _ in words]
    surface = retriever.surface_word_vectors() if words and config.neighbours else None
    if surface is not None:
        vectors = retriever.encoder.encode_queries(words)
        letter_words = retriever.index.words
        neighbours = nearest_word_groups(vectors, surface, letter_words, config.neighbours, config.neighbour_cosine)
    countries = country_words(topic) if config.gazetteer else {}
    rarest = float(retriever.idf(["\0"])[0])
    groups = []
    for word, near in zip(words, neighbours, strict=True):
        text = " ".join((word, english_to_dutch().get(word, ""), *near, countries.get(word, "")))
        forms = frozenset(t for t in tokenize(text) if t in vocabulary)
        if config.prefix:
            forms |= {v for v in vocabulary if any(v.startswith(f) for f in forms if len(f) >= config.prefix)}
        weight = float(retriever.idf(sorted(forms)).min()) if forms else rarest
        groups.append(TermGroup(forms, max(weight, 0.0) ** config.idf_power))
    return tuple(groups)


def country_words(topic: str) -> dict[str, str]:
    """Each folded topic word that names a country (in Dutch or English) -> the country's Dutch name."""
    out: dict[str, str] = {}
    for code in countries_in(topic):
        for name in entries()[code]["names"]:
            if name in topic:
                out.update(dict.fromkeys(content_words(name), country_name(code, "nl")))
    return out


def zscores(values: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Scores in standard deviations above the mean of the quotable sentences: comparable across topics."""
    base = values[eligible] if eligible.any() else values
    if not len(base):
        return np.zeros_like(values, dtype=np.float64)
    return (values - base.mean()) / max(float(base.std()), 1e-6)


def overlap_scores(terms: Sequence[TermGroup], tokens: Sequence[frozenset[str]]) -> np.ndarray:
    total = sum(t.weight for t in terms)
    if not terms or total <= 0:
        return np.zeros(len(tokens))
    found = [(t.forms, t.weight / total) for t in terms if t.forms]
    return np.array([sum(w for forms, w in found if forms & toks) for toks in tokens], dtype=np.float64)


def sentence_scores(
    dense: np.ndarray, crosslingual: np.ndarray | None, overlap: np.ndarray, eligible: np.ndarray,
    config: TimelineConfig,
) -> np.ndarray:  # fmt: skip
    """The topic score of every sentence; unquotable ones get -inf."""
    c = config
    if crosslingual is None:  # an index without USE: e5 carries both weights
        score = (c.dense_weight + c.crosslingual_weight) * zscores(dense, eligible)
    else:
        score = c.dense_weight * zscores(dense, eligible) + c.crosslingual_weight * zscores(crosslingual, eligible)
    score = score + c.term_weight * overlap
    # z-scores always crown some sentence, even for a topic no letter speaks of: absolute evidence is required too
    evidence = overlap > 0
    if crosslingual is not None:
        evidence |= crosslingual >= c.crosslingual_floor
    return np.where(eligible & evidence, score, -np.inf)


# ---------------------------------------------------------------- the timeline


def entry_date(doc: Document) -> tuple[date | None, str]:
    if doc.meeting_dates:
        return doc.meeting_dates[0], "meeting"
    if doc.letter_date:
        return doc.letter_date, "letter"
    return None, "undated"


def in_range(doc: Document, since: date | None, until: date | None) -> bool:
    """The rule retrieval's filters use: a meeting date (else the letter's date) in the range."""
    if not since and not until:
        return True
    days = doc.meeting_dates or ((doc.letter_date,) if doc.letter_date else ())
    lo, hi = since or date.min, until or date.max
    return any(lo <= d <= hi for d in days)


def build_timeline(
    retriever: Retriever,
    documents: Mapping[str, Document],
    topic: str,
    since: date | None = None,
    until: date | None = None,
    doc_ids: Sequence[str] | None = None,
    per_letter: int = 3,
    config: TimelineConfig | None = None,
) -> Timeline:
    started = time.perf_counter()
    c = config or TimelineConfig()
    topic = validate_topic(topic)
    validate_range(since, until)
    per_letter = validate_per_letter(per_letter)
    unknown = [d for d in doc_ids or () if d not in documents]
    if unknown:
        raise QuestionError(f"unknown document id(s): {', '.join(unknown)}; known: {', '.join(sorted(documents))}")
    index = retriever.index
    eligible, tokens, letters = index_facts(index)
    # depth=1: only the sentence scores are used; the passage ranking is retrieval's by-product
    retrieved = retriever.retrieve(analyse(topic), depth=1)
    terms = topic_terms(retriever, topic, c)
    scored = time.perf_counter()
    overlap = overlap_scores(terms, tokens)
    scores = sentence_scores(retrieved.sentence_dense, retrieved.sentence_crosslingual, overlap, eligible, c)
    wanted = set(doc_ids or documents)
    entries = []
    for code in np.unique(letters[scores >= c.passing]):
        members = np.flatnonzero(letters == code)
        doc = documents.get(index.sentences[members[0]].doc_id)
        if doc is None or doc.doc_id not in wanted or not in_range(doc, since, until):
            continue
        entries.append(letter_entry(index, doc, members, scores, per_letter, c))
    entries.sort(key=lambda e: (e.date is None, e.date or date.max, e.doc_id))
    entries = number_quotes(entries)
    done = time.perf_counter()
    timings = {"score": (scored - started) * 1000, "group": (done - scored) * 1000, "total": (done - started) * 1000}
    return Timeline(topic, tuple(entries), timings)


def letter_score(scores: np.ndarray, c: TimelineConfig) -> float:
    """A letter's best sentence, raised by how many more of its sentences are on the topic (log: a little)."""
    ranked = np.sort(scores)[::-1]
    further = int(np.sum(ranked[1:] >= c.passing))
    return float(ranked[0]) + c.breadth * float(np.log1p(further))


def letter_entry(
    index: Index, doc: Document, members: np.ndarray, scores: np.ndarray, per_letter: int, c: TimelineConfig
) -> TimelineEntry:
    best = members[np.argsort(-scores[members], kind="stable")]
    passing = bool(letter_score(scores[members], c) < c.speaks)
    top = float(scores[best[0]])
    floor = min(top, max(c.passing if passing else c.speaks, top - c.quote_margin))
    keep = [j for j in best if scores[j] >= floor] or list(best[:1])
    seen: set[str] = set()
    quotes = []
    for j in keep:  # the same sentence twice (a repeated line) is quoted once
        s = index.sentences[j]
        if s.text in seen or s.text != doc.text[s.start : s.end]:
            continue
        seen.add(s.text)
        quotes.append(TimelineQuote(0, s.text, doc.doc_id, s.start, s.end, s.heading, float(scores[j])))
        if len(quotes) == (1 if passing else per_letter):
            break
    day, kind = entry_date(doc)
    weight = float(np.sum(scores[members] >= c.passing))
    return TimelineEntry(day, kind, doc.doc_id, doc.title, doc.kind, tuple(quotes), weight, passing)


def number_quotes(entries: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """[n] markers run through the whole timeline, in reading order."""
    out, n = [], 0
    for e in entries:
        quotes = []
        for q in e.quotes:
            n += 1
            quotes.append(TimelineQuote(n, q.text, q.doc_id, q.start, q.end, q.section, q.score))
        out.append(TimelineEntry(e.date, e.date_kind, e.doc_id, e.title, e.kind, tuple(quotes), e.weight, e.in_passing))
    return out
