"""Retrieval and latency benchmark: `python -m evals.bench [--json]` prints figures (it asserts nothing).

For the bundled letters, into a fresh temporary index root: index build time per encoder; hit@1, hit@5
and MRR@10 for bm25, dense and hybrid per encoder; warm search latency against the bare cost of encoding
the query; warm ask latency against search alone; and the wall time of a cold `qa ask` in a new process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals import metrics
from evals.runner import WARM_UP, question_contexts, relevance_flags

ENCODERS = ("multilingual-e5-small", "all-MiniLM-L6-v2")
COLD_QUESTION = "Hoeveel draagt Nederland bij aan het Revolving Fund van de NSPA?"  # loads both encoders
COLD_TIMEOUT_S = 300


def _ms(fn, *args, **kwargs) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def build(encoder_name: str, root: Path, corpus) -> tuple[object, dict]:
    """Load the encoder and build its index under root (as Assistant.load would lay it out), timed."""
    from corpus import bundled_corpus_dir
    from embeddings.encoders import CROSSLINGUAL_ENCODER, load_encoder
    from embeddings.store import build_index
    from qa.assistant import Assistant, index_folder

    started = time.perf_counter()
    encoder = load_encoder(encoder_name)
    crosslingual = load_encoder(CROSSLINGUAL_ENCODER)  # as Assistant.load builds it: both encoders
    loaded = time.perf_counter()
    folder = index_folder(root, bundled_corpus_dir(), encoder.name)
    index = build_index(folder, corpus, encoder, progress=False, crosslingual=crosslingual)
    built = time.perf_counter()
    times = {"encoder_load_s": loaded - started, "index_build_s": built - loaded, "passages": len(index.passages)}
    return Assistant(corpus, index, encoder, crosslingual=crosslingual), times


def retrieval(assistant, questions, contexts, method: str) -> dict:
    flags = []
    for q in questions:
        if q.answerable:
            results = assistant.search(q.question, k=10, method=method)
            flags.append(relevance_flags(q, results, contexts[q.id][0]))
    return {
        "hit@1": metrics.mean(metrics.hit_at_k(f, 1) for f in flags),
        "hit@5": metrics.mean(metrics.hit_at_k(f, 5) for f in flags),
        "mrr@10": metrics.mean(metrics.reciprocal_rank(f, 10) for f in flags),
    }


def latencies(assistant, questions) -> dict:
    """Warm p50/p95 (ms) of encoding the query (by each encoder), hybrid search(k=10), search(k=8) and ask(k=8)."""
    texts = [q.question for q in questions]  # each pass runs them in order: no two consecutive calls share one
    assistant.search(WARM_UP, k=10)  # warm-up, untimed
    crosslingual = assistant.retriever.crosslingual
    out = {
        "encode_query": metrics.latency_summary([_ms(assistant.encoder.encode_queries, [t]) for t in texts]),
        "encode_query_crosslingual": metrics.latency_summary([_ms(crosslingual.encode_queries, [t]) for t in texts]),
        "search_k10": metrics.latency_summary([_ms(assistant.search, t, k=10) for t in texts]),
        "search_k8": metrics.latency_summary([_ms(assistant.search, t, k=8) for t in texts]),
    }
    assistant.ask(WARM_UP, k=8)
    out["ask_k8"] = metrics.latency_summary([_ms(assistant.ask, t, k=8) for t in texts])
    return out


def cold_cli(root: Path, runs: int, question: str = COLD_QUESTION) -> list[dict]:
    """Wall time of `python -m qa.cli ask QUESTION` in fresh processes, the index already built under root."""
    env = {**os.environ, "QA_INDEX_DIR": str(root)}
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "qa.cli", "ask", question],
                env=env, capture_output=True, text=True, timeout=COLD_TIMEOUT_S,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            out.append({"wall_s": None, "status": f"timed out after {COLD_TIMEOUT_S} s"})
            continue
        wall = time.perf_counter() - started
        if proc.returncode == 0:
            out.append({"wall_s": wall, "status": "ok"})
        elif "invalid choice" in proc.stderr:
            return [{"wall_s": None, "status": "n/a (no `qa ask` command yet)"}]
        else:
            last = (proc.stderr.strip().splitlines() or ["?"])[-1]
            out.append({"wall_s": wall, "status": f"exit {proc.returncode}: {last[:160]}"})
    return out


def run_bench(encoders, questions, root: Path, cold_runs: int, progress: bool = True) -> dict:
    from corpus import load_corpus

    corpus = load_corpus()
    report: dict = {"questions": len(questions), "build": {}, "retrieval": {}, "latency_ms": {}, "cold_ask": []}
    for name in encoders:
        _say(progress, f"building the {name} index ...")
        assistant, times = build(name, root, corpus)
        report["build"][name] = times
        contexts = question_contexts(assistant, questions)
        if "bm25" not in report["retrieval"]:
            report["retrieval"]["bm25"] = retrieval(assistant, questions, contexts, "bm25")
        for method in ("dense", "hybrid"):
            report["retrieval"][f"{method} ({name})"] = retrieval(assistant, questions, contexts, method)
        _say(progress, f"timing {name} ...")
        report["latency_ms"][name] = latencies(assistant, questions)
    _say(progress, "timing cold `qa ask` ...")
    report["cold_ask"] = cold_cli(root, cold_runs)
    return report


def _say(enabled: bool, message: str) -> None:
    if enabled:
        print(message, file=sys.stderr, flush=True)


def _f(value, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def render(report: dict) -> str:
    lines = ["## Index build", "", "| encoder | passages | encoder load s | index build s |", "|---|---|---|---|"]
    for name, t in report["build"].items():
        lines.append(f"| {name} | {t['passages']} | {_f(t['encoder_load_s'], 2)} | {_f(t['index_build_s'], 2)} |")
    lines += ["", "Index build embeds passages, sentences and words; a lazily loaded model pays its loading there."]
    lines += ["", f"## Retrieval ({report['questions']} questions, answerable ones scored)", ""]
    lines += ["| method | hit@1 | hit@5 | MRR@10 |", "|---|---|---|---|"]
    for method, r in report["retrieval"].items():
        lines.append(f"| {method} | {_f(r['hit@1'], 3)} | {_f(r['hit@5'], 3)} | {_f(r['mrr@10'], 3)} |")
    lines += ["", "## Warm latency (ms, p50 / p95)", ""]
    lines += [
        "| encoder | encode query | + cross-lingual | search k=10 | search k=8 | ask k=8 |",
        "|---|---|---|---|---|---|",
    ]
    for name, lat in report["latency_ms"].items():
        cells = [
            f"{_f(lat[key]['p50'])} / {_f(lat[key]['p95'])}" if key in lat else "n/a"
            for key in ("encode_query", "encode_query_crosslingual", "search_k10", "search_k8", "ask_k8")
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Cold `qa ask` (fresh process, index built)", "", "| run | wall s | status |", "|---|---|---|"]
    for n, run in enumerate(report["cold_ask"], start=1):
        lines.append(f"| {n} | {_f(run['wall_s'], 2)} | {run['status']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", action="append", dest="encoders", help=f"default: {', '.join(ENCODERS)}")
    parser.add_argument("--questions", metavar="FILE", help="questions (JSONL); default: the bundled set")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh-process `qa ask` runs (default 3)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("--indexing", action="store_true", help="only the indexing figures (evals/bench_indexing.py)")
    parser.add_argument("--no-indexing", action="store_true", help="skip the indexing figures")
    args = parser.parse_args(argv)
    from evals.bench_indexing import render_indexing, run_indexing

    if args.indexing:
        report = run_indexing(say=lambda m: _say(True, m))
        print(json.dumps(report, indent=2) if args.json else render_indexing(report))
        return 0
    from evals.cli import read_questions
    from qa.errors import QAError

    try:
        questions = read_questions(args.questions)
        with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
            report = run_bench(args.encoders or ENCODERS, questions, Path(tmp), args.cold_runs)
        if not args.no_indexing:
            report["indexing"] = run_indexing(say=lambda m: _say(True, m))
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    text = render(report) + ("\n\n" + render_indexing(report["indexing"]) if "indexing" in report else "")
    print(json.dumps(report, indent=2) if args.json else text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
