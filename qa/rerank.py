"""The rerank stage: a `Reranker` orders the retrieved passages. The default weighs a few general features
(qa/features.py) with fitted weights; `RetrievalOrder` keeps the fused order. A cross-encoder fits the same seam."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np

from corpus.metadata import is_frame_line
from embeddings.store import Index
from qa.features import passage_features, quotable
from qa.models import Query, ScoredPassage
from qa.retrieve import Retrieved
from qa.weights import LinearModel, fitted


class Reranker(Protocol):
    name: str

    def rerank(self, retrieved: Retrieved, index: Index) -> tuple[ScoredPassage, ...]: ...


class RetrievalOrder:
    name = "retrieval"

    def rerank(self, retrieved: Retrieved, index: Index) -> tuple[ScoredPassage, ...]:
        return retrieved.passages


def passage_arrays(retrieved: Retrieved, index: Index) -> np.ndarray:
    """The feature matrix of the retrieved passages (evals/fit.py fits on it)."""
    dense, xl, frame = [], [], []
    for p in retrieved.passages:
        members = index.sentences_of(p.passage.passage_id)
        dense.append(float(retrieved.sentence_dense[members].max()) if members else 0.0)
        if retrieved.sentence_crosslingual is not None:
            xl.append(float(retrieved.sentence_crosslingual[members].max()) if members else 0.0)
        framing = [is_frame_line(index.sentences[j].text, p.kind) for j in members]
        frame.append(sum(framing) / len(framing) if framing else 0.0)
    return passage_features(
        retrieved.query, retrieved.passages, np.array(dense), np.array(xl) if xl else None, retrieved.terms,
        np.array(frame),
    )  # fmt: skip


def answers_anything(p: ScoredPassage, query: Query, index: Index) -> bool:
    """Whether the passage holds a sentence that may be quoted for the question (a letterhead, a Kamervraag's
    questions, a list of papers for an outcome question hold none)."""
    return any(quotable(index.sentences[j].text, p.kind, query) for j in index.sentences_of(p.passage.passage_id))


def answerable_first(passages: Sequence[ScoredPassage], query: Query, index: Index) -> tuple[ScoredPassage, ...]:
    """Of the passages read or shown, those that could answer first, each group in its order. The set is kept: the
    reader weighs a sentence's passage against the best one read, quotable or not."""
    if query.letter_part is not None:  # its answer is the top letter's own line, whatever the passage
        return tuple(passages)
    ordered = sorted(passages, key=lambda p: not answers_anything(p, query, index))
    return tuple(replace(p, rank=rank) for rank, p in enumerate(ordered, start=1))


class FeatureReranker:
    name = "features"

    def __init__(self, model: LinearModel | None = None):
        self.model = model or fitted()["rerank"]

    def rerank(self, retrieved: Retrieved, index: Index) -> tuple[ScoredPassage, ...]:
        if not retrieved.passages:
            return ()
        probability = self.model.probability(passage_arrays(retrieved, index))
        order = np.argsort(-probability, kind="stable")
        return tuple(
            replace(
                retrieved.passages[i],
                rank=rank,
                score=float(probability[i]),
                scores={**retrieved.passages[i].scores, "rerank": float(probability[i])},
            )
            for rank, i in enumerate(order, start=1)
        )
