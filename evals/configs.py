"""The named configurations `qa eval` runs: an encoder, a RetrievalConfig, the reranker, and the k passed to
`ask`. "hybrid" is the default; the others are what a user or a benchmark compares it with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from corpus.errors import QAError
from embeddings.encoders import DEFAULT_ENCODER
from qa.retrieve import RetrievalConfig

MINILM = "all-MiniLM-L6-v2"


class UnknownConfigError(QAError):
    """A --config name that is not one of CONFIGS."""

    exit_code = 2


@dataclass(frozen=True)
class EvalConfig:
    name: str
    encoder: str = DEFAULT_ENCODER
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    k: int = 8
    rerank: bool = True  # the fitted feature reranker (False: the fused retrieval order)
    description: str = ""

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "encoder": self.encoder,
            "retrieval": asdict(self.retrieval),
            "k": self.k,
            "rerank": self.rerank,
            "description": self.description,
        }


CONFIGS: dict[str, EvalConfig] = {
    c.name: c
    for c in (
        EvalConfig("hybrid", description="the default: BM25 + e5 + USE, reranked by fitted features"),
        EvalConfig("no-rerank", rerank=False, description="the same retrieval without the reranker"),
        EvalConfig(
            "no-crosslingual", retrieval=RetrievalConfig(crosslingual_weight=0.0, english_crosslingual_weight=0.0),
            description="without the cross-lingual encoder (USE multilingual v3)",
        ),
        EvalConfig("bm25", retrieval=RetrievalConfig(method="bm25"), rerank=False, description="keywords only (BM25)"),
        EvalConfig(
            "dense", retrieval=RetrievalConfig(method="dense"), rerank=False,
            description="meaning only (multilingual-e5-small)",
        ),
        EvalConfig("hybrid-minilm", MINILM, description="the default with the English all-MiniLM-L6-v2 encoder"),
    )
}  # fmt: skip
DEFAULT_CONFIG = "hybrid"


def select_configs(names: Sequence[str] | None) -> list[EvalConfig]:
    """The named configurations in the order given (all of them when none are named)."""
    if not names:
        return list(CONFIGS.values())
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        raise UnknownConfigError(f"unknown configuration {', '.join(map(repr, unknown))}; known: {', '.join(CONFIGS)}")
    return [CONFIGS[n] for n in dict.fromkeys(names)]
