"""The named configurations `qa eval` runs: an encoder, a RetrievalConfig, the k passed to `ask`, and optional
composer settings. "hybrid" is the default; the others each change one thing, to measure what it is worth."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from embeddings.encoders import CROSSLINGUAL_ENCODER, DEFAULT_ENCODER
from qa.errors import QAError
from qa.retrieval import RetrievalConfig

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
    composer: dict[str, Any] | None = None  # passed as ComposerConfig(**composer); None: the default composer
    description: str = ""

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "encoder": self.encoder,
            "retrieval": asdict(self.retrieval),
            "k": self.k,
            "composer": dict(self.composer) if self.composer else None,
            "description": self.description,
        }


CONFIGS: dict[str, EvalConfig] = {
    c.name: c
    for c in (
        EvalConfig("bm25", retrieval=RetrievalConfig(method="bm25"), description="BM25 only (Dutch stemming)"),
        EvalConfig("dense-e5", retrieval=RetrievalConfig(method="dense"), description="dense, multilingual-e5-small"),
        EvalConfig("dense-minilm", MINILM, RetrievalConfig(method="dense"), description="dense, all-MiniLM-L6-v2"),
        EvalConfig(
            "dense-use", CROSSLINGUAL_ENCODER, RetrievalConfig(method="dense"),
            description="dense, USE multilingual v3 (the cross-lingual encoder) alone",
        ),
        EvalConfig("hybrid", description="the default: RetrievalConfig() with multilingual-e5-small"),
        EvalConfig(
            "hybrid-rrf", retrieval=RetrievalConfig(fusion="rrf", dense_weight=1.0),
            description="reciprocal rank fusion, equal weights",
        ),
        EvalConfig(
            "hybrid-no-expansion", retrieval=RetrievalConfig(english_expansion=0, english_bm25_weight=0.25),
            description="English questions without their Dutch neighbour words in BM25",
        ),
        EvalConfig(
            "hybrid-no-crosslingual",
            retrieval=RetrievalConfig(crosslingual_weight=0.0, english_crosslingual_weight=0.0),
            description="without the cross-lingual encoder's scores (USE multilingual v3)",
        ),
        EvalConfig(
            "hybrid-no-month", retrieval=RetrievalConfig(month_weight=0.0),
            description="a month the question names does not favour that month's letter",
        ),
        EvalConfig(
            "hybrid-no-formula-discount", retrieval=RetrievalConfig(formula_weight=1.0),
            description="a letter's opening formula counts in full (it restates the meeting's name)",
        ),
        EvalConfig(
            "hybrid-no-meeting-clause", retrieval=RetrievalConfig(meeting_weight=0.0),
            description="a clause naming the meeting by an event is searched with the rest of the question",
        ),
        EvalConfig(
            "hybrid-dates-in-query", retrieval=RetrievalConfig(dates_as_filter=False),
            description="a meeting's date in the question is searched for too, not only used to pick the letter",
        ),
        EvalConfig(
            "hybrid-no-letter-parts", retrieval=RetrievalConfig(letter_parts=False),
            description="questions about the letter itself not routed to its opening or signature",
        ),
        EvalConfig(
            "hybrid-no-letter-kind", retrieval=RetrievalConfig(kind_weight=0.0),
            description="'volgens de geannoteerde agenda' / 'the June 2021 report' does not favour that kind of letter",
        ),
        EvalConfig(
            "hybrid-no-dutch-expansion", retrieval=RetrievalConfig(dutch_expansion=0),
            description="a Dutch word the letters never use is not searched with its nearest letter word",
        ),
        EvalConfig(
            "hybrid-no-glossary", retrieval=RetrievalConfig(glossary=False),
            description="English words get only the encoder's Dutch neighbours, not the domain glossary's terms",
        ),
        EvalConfig(
            "hybrid-quotes-letter-frame", composer={"skip_letter_frame": False},
            description="the composer may quote a letter's opening formula or signature for any question",
        ),
        EvalConfig(
            "hybrid-any-money-term", composer={"rarest_term_kinds": ()},
            description="a sum of money may answer without the question's rarest key term near it",
        ),
        EvalConfig(
            "hybrid-any-counted-noun", composer={"counted_noun": False},
            description="a count may answer 'how many X' without X near it",
        ),
        EvalConfig(
            "hybrid-no-crosslingual-vouch", composer={"crosslingual_vouch_english": 0.0},
            description="an English question under e5's floor is refused however close USE finds a sentence",
        ),
        EvalConfig(
            "hybrid-no-speakers", composer={"speakers": False},
            description="'what did Russia say' may be answered by a sentence that names Russia without its words",
        ),
        EvalConfig(
            "hybrid-no-typed-first", retrieval=RetrievalConfig(typed_depth=0),
            description="no passage holding the kind of answer asked for is moved ahead of a top one holding none",
        ),
        EvalConfig(
            "hybrid-typed-any-letter", composer={"typed_from_top_letter": False},
            description="a typed answer comes from the best-scoring sentence, whichever letter ranked first",
        ),
        EvalConfig(
            "hybrid-no-typecheck", composer={"typed_kinds": ()},
            description="the composer does not check that an amount, count or name is there",
        ),
        EvalConfig(
            "hybrid-no-time-scope", composer={"time_scope": False},
            description="no refusal of a time the letters cannot report on (qa/time_scope.py)",
        ),
        EvalConfig("hybrid-minilm", MINILM, description="default fusion with all-MiniLM-L6-v2"),
        EvalConfig("hybrid-k4", k=4, description="default retrieval, only 4 passages to the composer"),
        EvalConfig("hybrid-1sent", composer={"max_sentences": 1}, description="the composer quotes one sentence"),
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
