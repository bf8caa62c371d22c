"""Run named configurations over the evaluation questions, side by side, and collect every figure.

The configurations are in evals/configs.py. One Assistant is loaded per encoder and reconfigured for each
configuration that uses it.
"""

from __future__ import annotations

import contextlib
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from evals import metrics
from evals.configs import EvalConfig
from evals.dataset import EvalQuestion, evidence_spans, is_relevant
from qa.errors import IndexError_, QAError

SEARCH_K = 10
HIT_KS = (1, 3, 5, 10)
SNIPPET_CHARS = 120
WARM_UP = "Welke onderwerpen besprak de NAVO?"  # not an evaluation question


def load_assistant(encoder: str, index_dir=None, progress: bool = False, letters: Sequence[str] = ()):
    """Assistant.load for one encoder, over the bundled letters and any folders of letters given; an index that
    is stale or damaged is rebuilt (it is derived data)."""
    from corpus import bundled_corpus_dir
    from qa.assistant import Assistant

    folders = [bundled_corpus_dir(), *letters] if letters else None
    try:
        return Assistant.load(index_dir=index_dir, corpus_dir=folders, encoder=encoder, progress=progress)
    except IndexError_ as exc:
        print(f"note: {exc}\nnote: rebuilding the {encoder} index for the evaluation", file=sys.stderr)
        return Assistant.load(index_dir=index_dir, corpus_dir=folders, encoder=encoder, progress=progress, rebuild=True)


def apply_config(assistant, cfg: EvalConfig) -> None:
    """Point the assistant's retriever and reranker at cfg's settings."""
    from qa.rerank import FeatureReranker, RetrievalOrder

    assistant.retriever.config = cfg.retrieval
    assistant.reranker = FeatureReranker() if cfg.rerank else RetrievalOrder()


# ---------------------------------------------------------------- one question


def _snippet(sp) -> dict:
    p = sp.passage
    return {"doc_id": p.doc_id, "heading": p.heading, "text": " ".join(p.text.split())[:SNIPPET_CHARS]}


def relevance_flags(question: EvalQuestion, results, spans) -> list[bool]:
    return [
        is_relevant(question, sp.passage.doc_id, sp.passage.start, sp.passage.end, sp.passage.text, spans)
        for sp in results
    ]


def count_relevant(question: EvalQuestion, index_passages, spans) -> int:
    """How many passages of the whole index hold the evidence (the ideal ranking for nDCG)."""
    return sum(
        is_relevant(question, it.passage.doc_id, it.passage.start, it.passage.end, it.passage.text, spans)
        for it in index_passages
    )


def retrieval_record(question: EvalQuestion, results, spans, n_relevant: int) -> dict:
    record: dict[str, Any] = {"top": [_snippet(sp) for sp in results[:3]]}
    if not question.answerable:
        return record | {"relevance": None, "rank": None, "rr": None, "ndcg": None}
    rel = relevance_flags(question, results, spans)
    return record | {
        "relevance": rel,
        "rank": metrics.first_relevant_rank(rel),
        "rr": metrics.reciprocal_rank(rel, SEARCH_K),
        "ndcg": metrics.ndcg_at_k(rel, SEARCH_K, n_relevant),
    }


def answer_record(question: EvalQuestion, answer, spans) -> dict:
    cited = [metrics.CitedSpan(c.doc_id, c.start, c.end, c.quote) for c in answer.citations]
    record = {
        "answer": answer.answer,
        "abstained": bool(answer.abstained),
        "citations": [asdict(c) for c in cited],
        "top_score": max((c.score for c in answer.citations), default=None),  # for calibrating abstention
        "refusal_code": answer.refusal_reason.code if getattr(answer, "refusal_reason", None) else None,
        "timings_ms": dict(answer.timings_ms),
    }
    if not question.answerable:
        return record | {"accepted": None, "token_f1": None, "right_doc_cited": None, "citation_precision": None}
    span = spans.get(question.doc_ids[0])
    return record | {
        "accepted": metrics.accepted_match(answer.answer, question.answers),
        "token_f1": metrics.token_f1(answer.answer, question.answers),
        "right_doc_cited": metrics.right_document_cited(cited, question.doc_ids),
        "citation_precision": metrics.citation_precision(cited, question.doc_ids, span, question.answers),
    }


def search_question(assistant, question: EvalQuestion, spans, n_relevant: int) -> dict:
    """The question's record with its retrieval figures: search(q, k=10), timed."""
    record: dict[str, Any] = {
        "id": question.id, "question": question.question, "language": question.language,
        "category": question.category, "answerable": question.answerable, "answers": list(question.answers),
        "doc_ids": list(question.doc_ids), "error": None,
    }  # fmt: skip
    started = time.perf_counter()
    results = assistant.search(question.question, k=SEARCH_K)
    record["search_ms"] = (time.perf_counter() - started) * 1000
    return record | retrieval_record(question, results, spans, n_relevant)


def ask_question(assistant, cfg: EvalConfig, question: EvalQuestion, spans) -> dict:
    """The answer figures: ask(q, k=cfg.k), timed; an exception is recorded as a failed answer."""
    started = time.perf_counter()
    try:
        answer = assistant.ask(question.question, k=cfg.k)
    except Exception as exc:  # one composer crash must not lose the whole run; it is counted and reported
        return answer_record(question, _EmptyAnswer(), spans) | {"ask_ms": None, "error": repr(exc)}
    return answer_record(question, answer, spans) | {"ask_ms": (time.perf_counter() - started) * 1000}


class _EmptyAnswer:
    """Stands in for the answer of an ask that raised: not refused, nothing cited, so every answer metric fails."""

    answer, abstained, citations, timings_ms, refusal_reason = "", False, (), {}, None


# ---------------------------------------------------------------- aggregates


def summarize(records: Sequence[dict]) -> dict:
    """Every metric over a list of question records (None where it does not apply or was not measured)."""
    answerable = [r for r in records if r["answerable"]]
    unanswerable = [r for r in records if not r["answerable"]]
    out: dict[str, Any] = {"n": len(records), "n_answerable": len(answerable), "n_unanswerable": len(unanswerable)}
    for k in HIT_KS:
        out[f"hit@{k}"] = metrics.mean(metrics.hit_at_k(r["relevance"], k) for r in answerable)
    out["mrr@10"] = metrics.mean(r["rr"] for r in answerable)
    out["ndcg@10"] = metrics.mean(r["ndcg"] for r in answerable)
    for key in ("accepted", "token_f1", "right_doc_cited", "citation_precision"):
        out[key] = metrics.mean(r.get(key) for r in answerable)
    out["refusal_rate"] = metrics.refusal_rate([r["abstained"] for r in unanswerable])
    out["false_refusal_rate"] = metrics.false_refusal_rate([r["abstained"] for r in answerable])
    out["search_ms"] = metrics.latency_summary([r["search_ms"] for r in records])
    out["ask_ms"] = metrics.latency_summary([r["ask_ms"] for r in records if r["ask_ms"] is not None])
    out["errors"] = sum(1 for r in records if r.get("error"))
    out["refusals"] = {
        group: dict(Counter(r["refusal_code"] for r in rs if r.get("refusal_code")))
        for group, rs in (("answerable", answerable), ("unanswerable", unanswerable))
    }
    return out


def breakdown(records: Sequence[dict], key: str) -> dict[str, dict]:
    groups: dict[str, list[dict]] = {}
    for r in records:
        groups.setdefault(r[key], []).append(r)
    return {name: summarize(groups[name]) for name in sorted(groups)}


def abstention_sweep(records: Sequence[dict]) -> list[dict]:
    """What refusing every answer whose best citation scores at or below t would give, for t at the quantiles
    of the unanswerable questions' scores: the data for calibrating the composer's abstention threshold."""
    unanswerable = [r["top_score"] for r in records if not r["answerable"]]
    answerable = [r["top_score"] for r in records if r["answerable"]]
    scored = [v for v in unanswerable if v is not None]
    if not scored:
        return []
    thresholds = sorted({metrics.percentile(scored, q) for q in (0, 25, 50, 75, 90, 100)})
    return metrics.abstention_sweep(answerable, unanswerable, thresholds)


def failure_reasons(record: dict) -> list[str]:
    reasons = []
    if record.get("error"):
        reasons.append(f"error: {record['error']}")
    if record["answerable"]:
        if record["rank"] is None:
            reasons.append(f"evidence not in top {SEARCH_K}")
        elif record["rank"] > 1:
            reasons.append(f"evidence at rank {record['rank']}")
        if record.get("accepted") is False:
            reasons.append("refused" if record.get("abstained") else "answer wrong")
    elif record.get("abstained") is False:
        reasons.append("not refused")
    return reasons


def failures(records: Sequence[dict]) -> list[dict]:
    keep = ("id", "question", "language", "category", "answers", "doc_ids", "rank", "answer", "abstained", "top")
    out = []
    for r in records:
        reasons = failure_reasons(r)
        if reasons:
            out.append({k: r.get(k) for k in keep} | {"reasons": reasons})
    return out


# ---------------------------------------------------------------- the run


def _progress_bar(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="Evaluating (search, then ask)", unit="call", disable=not enabled, file=sys.stderr)


def evaluate_config(assistant, cfg: EvalConfig, questions, contexts, bar) -> dict:
    """All questions through search, then all through ask: consecutive calls never share a question, so the
    retriever's memory of the last query vector never makes one of them look cheaper than it is."""
    assistant.search(WARM_UP, k=SEARCH_K)  # first calls pay for lazy loading; they are not timed
    with contextlib.suppress(Exception):  # a failing ask is recorded per question below
        assistant.ask(WARM_UP, k=cfg.k)
    bar.set_postfix_str(cfg.name, refresh=False)
    records = []
    for q in questions:
        records.append(search_question(assistant, q, *contexts[q.id]))
        bar.update(1)
    for record, q in zip(records, questions, strict=True):
        record |= ask_question(assistant, cfg, q, contexts[q.id][0])
        bar.update(1)
    return {
        "config": cfg.to_dict(),
        "summary": summarize(records),
        "by_category": breakdown(records, "category"),
        "by_language": breakdown(records, "language"),
        "abstention_sweep": abstention_sweep(records),
        "failures": failures(records),
        "questions": records,
    }


def question_contexts(assistant, questions) -> dict[str, tuple[dict, int]]:
    out = {}
    for q in questions:
        spans = evidence_spans(assistant.corpus, q)
        out[q.id] = (spans, count_relevant(q, assistant.index.passages, spans) if q.answerable else 0)
    return out


def run_eval(
    questions: Sequence[EvalQuestion],
    configs: Sequence[EvalConfig],
    index_dir=None,
    progress: bool = True,
    loader: Callable[[str], Any] | None = None,
    questions_file: str | None = None,
    letters: Sequence[str] = (),
) -> dict:
    """Evaluate each configuration over all questions; the results dict is what results.json holds."""
    if not questions:
        raise QAError("there are no evaluation questions to run")
    started = time.perf_counter()
    loader = loader or (lambda name: load_assistant(name, index_dir, progress, letters))
    assistants = {cfg.encoder: None for cfg in configs}
    for name in assistants:
        assistants[name] = loader(name)
    first = next(iter(assistants.values()))
    contexts = question_contexts(first, questions)
    results: dict[str, Any] = {"meta": _meta(questions, configs, assistants, questions_file), "configs": {}}
    with _progress_bar(2 * len(questions) * len(configs), progress) as bar:
        for cfg in configs:
            assistant = assistants[cfg.encoder]
            apply_config(assistant, cfg)
            results["configs"][cfg.name] = evaluate_config(assistant, cfg, questions, contexts, bar)
    results["meta"]["elapsed_s"] = round(time.perf_counter() - started, 2)
    return results


def _meta(questions, configs, assistants, questions_file: str | None) -> dict:
    first = next(iter(assistants.values()))
    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "questions_file": questions_file,
        "n_questions": len(questions),
        "n_answerable": sum(q.answerable for q in questions),
        "n_unanswerable": sum(not q.answerable for q in questions),
        "configs": [c.name for c in configs],
        "corpus_fingerprint": getattr(first.corpus, "fingerprint", None),
        "index_folders": {name: str(getattr(a.index, "folder", "")) for name, a in assistants.items()},
        "readers": {name: getattr(getattr(a, "reader", None), "name", None) for name, a in assistants.items()},
        "search_k": SEARCH_K,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
