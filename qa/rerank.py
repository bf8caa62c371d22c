"""The rerank stage: a `Reranker` orders the retrieved passages. The default weighs a few general features
(qa/features.py) with fitted weights; `RetrievalOrder` keeps the fused order. A cross-encoder fits the same seam."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

import numpy as np

from corpus.metadata import is_frame_line
from embeddings.store import Index
from qa.features import passage_features
from qa.models import ScoredPassage
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
