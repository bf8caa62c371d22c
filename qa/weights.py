"""The fitted weights of the reranker and the reader (data/weights.json, written by `python -m evals.fit`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "weights.json"


@dataclass(frozen=True)
class LinearModel:
    """A logistic model over named features: p = sigmoid(features @ weights + bias)."""

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float
    mean: np.ndarray  # features are standardised with the training set's mean and scale
    scale: np.ndarray

    def logits(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0)
        return ((x - self.mean) / self.scale) @ self.weights + self.bias

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(x)))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features), "weights": self.weights.round(6).tolist(), "bias": round(self.bias, 6),
            "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, d: dict) -> LinearModel:
        return cls(
            tuple(d["features"]), np.array(d["weights"]), float(d["bias"]), np.array(d["mean"]), np.array(d["scale"])
        )


def neutral(features: tuple[str, ...], first_weight: float = 1.0) -> LinearModel:
    """Weight on the first feature alone: the order retrieval gave."""
    weights = np.zeros(len(features))
    weights[0] = first_weight
    n = len(features)
    return LinearModel(features, weights, 0.0, np.zeros(n), np.ones(n))


@cache
def fitted() -> dict:
    """{"rerank", "reader", "answerable": LinearModel, "answer_floor": float, "encoder": the encoder whose cosines
    the floor was set on}: neutral models and no floor where
    no file was fitted for these features (a fit is then due: `python -m evals.fit`)."""
    from qa.features import ANSWER_FEATURES, PASSAGE_FEATURES, SENTENCE_FEATURES

    expected = {"rerank": PASSAGE_FEATURES, "reader": SENTENCE_FEATURES, "answerable": ANSWER_FEATURES}
    out = {name: neutral(features) for name, features in expected.items()}
    out |= {"answer_floor": 0.0, "encoder": None, "offtopic_floors": {}}
    if not WEIGHTS_FILE.exists():
        return out
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    models = {name: LinearModel.from_dict(data[name]) for name in expected if name in data}
    if len(models) < len(expected) or any(models[n].features != f for n, f in expected.items()):
        return out
    floors = {k: tuple(v) for k, v in data.get("offtopic_floors", {}).items()}
    return models | {
        "answer_floor": float(data["answer_floor"]),
        "encoder": data.get("encoder"),
        "offtopic_floors": floors,
    }
