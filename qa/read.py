"""The read stage: a `Reader` turns the reranked passages into a `Draft`, the quotes an answer rests on.

`ExtractiveReader` (the default, offline) scores every sentence of the top passages with fitted weights
(qa/features.py) and quotes the best one to three. `ChatModelReader` (qa/chat_reader.py) lets a LangChain chat
model write the answer from numbered sentences. Both drafts go through the same verify stage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from embeddings.store import Index, Sentence
from qa.answer_kinds import holds
from qa.features import SENTENCE_FEATURES, sentence_row
from qa.models import Draft, Query, Quote, ScoredPassage
from qa.retrieve import Retrieved
from qa.weights import LinearModel, fitted

# A sentence that leans on the one before it ("Nederland draagt hier ... bij") needs that one to read whole.
ANAPHORA = re.compile(
    r"^(Dit|Deze|Daarbij|Daarom|Daardoor|Hierdoor|Hiermee|Hiervoor|Zij|Die|Beiden|Dat|Zo)\b"
    r"|\b(hier|daar|hiervan|daarvan|daarom|hierom)\b"
)


class Reader(Protocol):
    name: str

    def read(self, retrieved: Retrieved, passages: Sequence[ScoredPassage], index: Index) -> Draft: ...


@dataclass(frozen=True)
class SentenceCandidate:
    index: int  # into index.sentences
    passage: ScoredPassage
    features: tuple[float, ...]


def candidates(retrieved: Retrieved, passages: Sequence[ScoredPassage], index: Index) -> list[SentenceCandidate]:
    """Every sentence of the passages, once, with its features (evals/fit.py fits the reader on them)."""
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
            if j in seen or not index.sentences[j].text.strip():
                continue
            seen.add(j)
            s = index.sentences[j]
            before = index.sentences[j - 1] if j > 0 else None
            context = f"{p.title} {s.heading} {s.text}"
            if before is not None and (before.doc_id, before.heading) == (s.doc_id, s.heading):
                context = f"{context} {before.text}"
            row = sentence_row(
                query, s.text, context, float(dense[j]), dense_best, float(xl[j]) if xl is not None else 0.0,
                xl_best, retrieved.terms, p.score / top, p.kind,
            )  # fmt: skip
            out.append(SentenceCandidate(j, p, row))
    return out


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


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


class ExtractiveReader:
    name = "extractive"

    def __init__(self, model: LinearModel | None = None, max_quotes: int = 3, keep_ratio: float = 0.8):
        self.model = model or fitted()["reader"]
        self.max_quotes = max_quotes
        self.keep_ratio = keep_ratio  # a further quote must be this likely, relative to the best

    def read(self, retrieved: Retrieved, passages: Sequence[ScoredPassage], index: Index) -> Draft:
        found = candidates(retrieved, passages, index)
        if not found:
            return Draft((), 0.0, self.name, note="no sentences")
        probability = self.model.probability(np.array([c.features for c in found]))
        order = np.argsort(-probability, kind="stable")
        chosen: list[int] = []
        for i in order:
            if len(chosen) >= self.max_quotes or probability[i] < self.keep_ratio * probability[order[0]]:
                break
            words = _words(index.sentences[found[i].index].text)
            if all(len(words & (o := _words(index.sentences[found[c].index].text))) / max(len(words | o), 1) <= 0.6
                   for c in chosen):  # fmt: skip
                chosen.append(int(i))
        quotes = []
        for i in chosen:
            start, end = widened(found[i].index, index.sentences)
            quotes.append(Quote(found[i].passage.doc_id, start, end, float(probability[i]), found[i].passage))
        kind = retrieved.query.answer_kind
        kind_found = kind is None or any(
            holds(index.sentences[found[i].index].text, kind, retrieved.query.text) for i in chosen
        )
        return Draft(tuple(quotes), float(probability[order[0]]), self.name, kind_found=kind_found)


__all__ = ["SENTENCE_FEATURES", "ExtractiveReader", "Reader", "candidates"]
