"""Evaluation metrics as plain functions over lists: one question at a time, then means and percentiles.

Retrieval metrics take a ranked list of binary relevance flags (True where `evals.dataset.is_relevant`
says the passage at that rank holds the evidence). Answer metrics take the answer text, its citations and
the question's accepted answers. Aggregates skip `None` (a metric that does not apply to a question).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evals.dataset import contains_answer

WORD = re.compile(r"\w+", re.UNICODE)


# ---------------------------------------------------------------- retrieval (one ranked list)


def first_relevant_rank(relevance: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant item, or None when nothing in the list is relevant."""
    for rank, relevant in enumerate(relevance, start=1):
        if relevant:
            return rank
    return None


def hit_at_k(relevance: Sequence[bool], k: int) -> float:
    """1.0 if any of the first k items is relevant, else 0.0."""
    return 1.0 if any(relevance[:k]) else 0.0


def reciprocal_rank(relevance: Sequence[bool], k: int = 10) -> float:
    """1/rank of the first relevant item within the first k (0.0 if none): averaged, this is MRR@k."""
    rank = first_relevant_rank(relevance[:k])
    return 1.0 / rank if rank else 0.0


def ndcg_at_k(relevance: Sequence[bool], k: int = 10, n_relevant: int | None = None) -> float:
    """Binary nDCG@k: DCG = sum of 1/log2(rank+1) over relevant ranks, over the DCG of an ideal ranking.

    n_relevant: how many relevant items exist in the whole collection (the ideal ranking puts
    min(n_relevant, k) of them first); default: the number of relevant items in the list itself.
    """
    if n_relevant is None:
        n_relevant = sum(bool(r) for r in relevance)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(n_relevant, k) + 1))
    if ideal == 0:
        return 0.0
    dcg = sum(1.0 / math.log2(rank + 1) for rank, r in enumerate(relevance[:k], start=1) if r)
    return min(dcg / ideal, 1.0)


# ---------------------------------------------------------------- answers (one question)


def tokens(text: str) -> list[str]:
    """Lowercase word tokens (letters, digits, underscore; accents kept)."""
    return WORD.findall(text.lower())


def accepted_match(answer: str, accepted: Sequence[str]) -> bool:
    """Any accepted answer string occurs in the answer text (case, whitespace and quote marks ignored)."""
    return bool(answer) and contains_answer(answer, tuple(accepted))


def token_f1(answer: str, accepted: Sequence[str]) -> float:
    """Best word-token F1 between the answer text and any one accepted answer (SQuAD style, bag of words)."""
    predicted = tokens(answer)
    best = 0.0
    for gold_text in accepted:
        gold = tokens(gold_text)
        if not predicted or not gold:
            continue
        common = _overlap(predicted, gold)
        if common:
            precision, recall = common / len(predicted), common / len(gold)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def _overlap(a: list[str], b: list[str]) -> int:
    return sum((Counter(a) & Counter(b)).values())


@dataclass(frozen=True)
class CitedSpan:
    """What the metrics need of a citation: which letter, where in its cleaned text, and the quote."""

    doc_id: str
    start: int
    end: int
    quote: str = ""


def right_document_cited(citations: Iterable[CitedSpan], doc_ids: Sequence[str]) -> bool:
    """At least one citation points into one of the question's letters."""
    wanted = set(doc_ids)
    return any(c.doc_id in wanted for c in citations)


def citation_supported(
    citation: CitedSpan,
    doc_ids: Sequence[str],
    evidence_span: tuple[int, int] | None,
    accepted: Sequence[str],
) -> bool:
    """Is one citation support for the answer?

    - its letter must be one of the question's doc_ids;
    - in the first doc_id (the one whose text holds the evidence quote) it must also either overlap the
      evidence span by at least one character, or quote an accepted answer;
    - in any other listed letter (cross-meeting questions) being in the right letter is enough.
    """
    if citation.doc_id not in doc_ids:
        return False
    if citation.doc_id != doc_ids[0]:
        return True
    if evidence_span and min(citation.end, evidence_span[1]) > max(citation.start, evidence_span[0]):
        return True
    return contains_answer(citation.quote, tuple(accepted))


def citation_precision(
    citations: Sequence[CitedSpan],
    doc_ids: Sequence[str],
    evidence_span: tuple[int, int] | None,
    accepted: Sequence[str],
) -> float | None:
    """Share of citations that are supported (see citation_supported); None when there are no citations."""
    if not citations:
        return None
    supported = sum(citation_supported(c, doc_ids, evidence_span, accepted) for c in citations)
    return supported / len(citations)


# ---------------------------------------------------------------- abstention


def refusal_rate(abstained_on_unanswerable: Sequence[bool]) -> float | None:
    """Share of unanswerable questions the assistant refused (higher is better)."""
    return mean([float(a) for a in abstained_on_unanswerable])


def false_refusal_rate(abstained_on_answerable: Sequence[bool]) -> float | None:
    """Share of answerable questions the assistant refused (lower is better)."""
    return mean([float(a) for a in abstained_on_answerable])


def abstention_sweep(
    answerable_scores: Sequence[float | None], unanswerable_scores: Sequence[float | None], thresholds: Iterable[float]
) -> list[dict[str, float | None]]:
    """Refusal and false-refusal rates if every answer whose score is at or below t were refused.

    A score of None is an answer that was refused already: it stays refused at every threshold.
    """
    out = []
    for t in thresholds:
        refused = [s is None or s <= t for s in unanswerable_scores]
        falsely = [s is None or s <= t for s in answerable_scores]
        out.append({"threshold": t, "refusal_rate": refusal_rate(refused), "false_refusal_rate": mean(falsely)})
    return out


# ---------------------------------------------------------------- aggregates


def mean(values: Iterable[float | bool | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """q-th percentile (0-100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(position), math.ceil(position)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (position - lo)


def latency_summary(ms: Sequence[float]) -> dict[str, float | None]:
    """p50, p95, mean and max of a list of latencies in milliseconds."""
    return {
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "mean": mean(ms),
        "max": max(ms) if ms else None,
    }
