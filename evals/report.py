"""Write an evaluation's results: results.json, report.md, metrics.png, latency.png (each atomically)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

# (column label, summary key, sub-key or None, kind): kind "rate" prints 3 decimals, "ms" 1, "int" as is
SUMMARY_COLUMNS = (
    ("hit@1", "hit@1", None, "rate"),
    ("hit@3", "hit@3", None, "rate"),
    ("hit@5", "hit@5", None, "rate"),
    ("hit@10", "hit@10", None, "rate"),
    ("MRR@10", "mrr@10", None, "rate"),
    ("nDCG@10", "ndcg@10", None, "rate"),
    ("accepted", "accepted", None, "rate"),
    ("token F1", "token_f1", None, "rate"),
    ("right doc", "right_doc_cited", None, "rate"),
    ("cit. prec.", "citation_precision", None, "rate"),
    ("refusal", "refusal_rate", None, "rate"),
    ("false refusal", "false_refusal_rate", None, "rate"),
    ("search p50 ms", "search_ms", "p50", "ms"),
    ("search p95 ms", "search_ms", "p95", "ms"),
    ("ask p50 ms", "ask_ms", "p50", "ms"),
    ("ask p95 ms", "ask_ms", "p95", "ms"),
    ("errors", "errors", None, "int"),
)
COMPACT = ("hit@1", "hit@5", "MRR@10", "accepted", "token F1", "right doc", "refusal", "false refusal", "ask p50 ms")
BREAKDOWN = ("hit@1", "hit@5", "MRR@10", "accepted", "token F1", "right doc", "cit. prec.", "refusal", "false refusal")
CHART_METRICS = (
    ("hit@1", "hit@1"), ("hit@5", "hit@5"), ("MRR@10", "mrr@10"), ("nDCG@10", "ndcg@10"),
    ("accepted", "accepted"), ("token F1", "token_f1"), ("right doc", "right_doc_cited"),
    ("cit. prec.", "citation_precision"), ("refusal", "refusal_rate"), ("false refusal", "false_refusal_rate"),
)  # fmt: skip
METRIC_NOTES = """\
- **hit@k**: share of answerable questions with an evidence passage (`evals.dataset.is_relevant`) in the top k
  of `search(q, k=10)`; **MRR@10** mean 1/rank of the first one; **nDCG@10** binary, ideal = all relevant
  passages of the index.
- **accepted**: an accepted answer string (normalized) occurs in the answer text; **token F1**: best word F1
  against one accepted answer. Refusals on answerable questions count as wrong (0).
- **right doc**: any citation is in one of the question's letters. **cit. prec.**: share of citations that are in a
  right letter and, in the evidence letter, overlap the evidence span or quote an accepted answer (questions
  without citations are left out).
- **refusal**: share of unanswerable questions refused; **false refusal**: share of answerable ones refused.
- Latencies are wall time per call in this process, warm (one untimed call first).
"""


def fmt(value, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "int":
        return str(int(value))
    return f"{value:.1f}" if kind == "ms" else f"{value:.3f}"


def cell(summary: dict, key: str, sub: str | None):
    value = summary.get(key)
    return value.get(sub) if sub and isinstance(value, dict) else value


def _columns(labels):
    return [c for c in SUMMARY_COLUMNS if c[0] in labels] if labels else list(SUMMARY_COLUMNS)


def table(rows: dict[str, dict], first: str, labels=None, with_n: bool = False) -> str:
    """A Markdown table: one row per name in rows (name -> summary dict), one column per metric."""
    cols = _columns(labels)
    head = [first, *(["n"] if with_n else []), *(c[0] for c in cols)]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for name, summary in rows.items():
        n = [str(summary.get("n", ""))] if with_n else []
        values = [fmt(cell(summary, key, sub), kind) for _, key, sub, kind in cols]
        lines.append("| " + " | ".join([name, *n, *values]) + " |")
    return "\n".join(lines)


def summary_table(results: dict, labels=None) -> str:
    return table({name: c["summary"] for name, c in results["configs"].items()}, "config", labels)


def compact_summary(results: dict) -> str:
    return summary_table(results, COMPACT) + "\n" + refusal_lines(results)


def refusal_lines(results: dict) -> str:
    """Why answers were refused, per configuration: each verify check's count on answerable (false refusals)
    and unanswerable questions."""
    out = ["Refusals by reason (answerable / unanswerable):"]
    for name, c in results["configs"].items():
        tally = c["summary"].get("refusals") or {}
        codes = sorted(set(tally.get("answerable", {})) | set(tally.get("unanswerable", {})))
        counts = [f"{code} {tally.get('answerable', {}).get(code, 0)}/{tally.get('unanswerable', {}).get(code, 0)}"
                  for code in codes]  # fmt: skip
        out.append(f"  {name}: {', '.join(counts) or 'none'}")
    return "\n".join(out)


def _config_line(c: dict) -> str:
    r = c["retrieval"]
    fusion = ""
    if r["method"] == "hybrid":
        weights = f"dense {r['dense_weight']}, bm25 {r['bm25_weight']}, en bm25 {r['english_bm25_weight']}"
        fusion = f", min-max fusion ({weights})"
    rerank = ", reranked" if c.get("rerank") else ""
    setup = f"{r['method']}{fusion}{rerank}, encoder {c['encoder']}, k={c['k']}"
    return f"- **{c['name']}**: {c['description']} — {setup}"


def _failure_lines(failure: dict) -> list[str]:
    lines = [
        f"- **{failure['id']}** [{failure['category']}/{failure['language']}] {'; '.join(failure['reasons'])} — "
        f"{failure['question']}",
        f"  - expected: {' | '.join(failure['answers']) or '(unanswerable)'} in {', '.join(failure['doc_ids']) or '-'}",
    ]
    if failure.get("answer") is not None:
        lines.append(f"  - answer: {' '.join(str(failure['answer']).split())[:300]}")
    for n, top in enumerate(failure.get("top") or [], start=1):
        lines.append(f"  - top {n}: `{top['doc_id']}` ({top['heading'] or '-'}): {top['text']}")
    return lines


def _sweep_lines(sweep: list[dict]) -> list[str]:
    if not sweep:
        return []
    lines = [
        "### Abstention threshold sweep",
        "",
        "What refusing, on top of the composer's own refusals, every answer whose best citation score is at "
        "or below t would give (t at quantiles of the unanswerable questions' scores):",
        "",
        "| t | refusal | false refusal |",
        "|---|---|---|",
    ]
    for row in sweep:
        lines.append(f"| {row['threshold']:.4f} | {fmt(row['refusal_rate'], 'rate')} | "
                     f"{fmt(row['false_refusal_rate'], 'rate')} |")  # fmt: skip
    return [*lines, ""]


def hardest(results: dict) -> list[str]:
    """Question ids that fail in every configuration."""
    sets = [{f["id"] for f in c["failures"]} for c in results["configs"].values()]
    return sorted(set.intersection(*sets)) if sets else []


def render_report(results: dict) -> str:
    meta = results["meta"]
    out = [
        "# Evaluation report",
        "",
        f"{meta['n_questions']} questions ({meta['n_answerable']} answerable, {meta['n_unanswerable']} "
        f"unanswerable) from `{meta.get('questions_file') or 'evals/questions.jsonl'}`; corpus "
        f"{meta.get('corpus_fingerprint')}; run {meta['created']} in {meta.get('elapsed_s', '?')} s.",
    ]
    out += ["", "## Summary", "", summary_table(results), "", "## Configurations", ""]
    out += [_config_line(c["config"]) for c in results["configs"].values()]
    out += ["", "## Metrics", "", METRIC_NOTES]
    for name, c in results["configs"].items():
        out += [f"## {name}", "", "### By category", "", table(c["by_category"], "category", BREAKDOWN, True)]
        out += ["", "### By language", "", table(c["by_language"], "language", BREAKDOWN, True), ""]
        out += _sweep_lines(c.get("abstention_sweep") or [])
    out += ["## Failures", "", f"Failing in every configuration: {', '.join(hardest(results)) or 'none'}.", ""]
    for name, c in results["configs"].items():
        out += [f"### {name} ({len(c['failures'])} questions)", ""]
        for failure in c["failures"]:
            out += _failure_lines(failure)
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- charts


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def _grouped_bars(ax, groups: list[str], series: dict[str, list[float]]) -> None:
    width = 0.8 / max(len(series), 1)
    for i, (label, values) in enumerate(series.items()):
        xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
        ax.bar(xs, values, width, label=label)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, rotation=30, ha="right")
    ax.grid(axis="y", alpha=0.3)


def metrics_chart(results: dict) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(13, 5))
    series = {
        name: [c["summary"].get(key) or 0.0 for _, key in CHART_METRICS] for name, c in results["configs"].items()
    }
    _grouped_bars(ax, [label for label, _ in CHART_METRICS], series)
    ax.set_ylim(0, 1.05)
    ax.set_title("Retrieval and answer metrics by configuration (false refusal: lower is better)")
    ax.legend(ncol=min(len(series), 5), fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    try:
        return _png(fig)
    finally:
        plt.close(fig)


def latency_chart(results: dict) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(11, 4.5))
    names = list(results["configs"])
    series = {}
    for what in ("search_ms", "ask_ms"):
        for p in ("p50", "p95"):
            series[f"{what.split('_')[0]} {p}"] = [results["configs"][n]["summary"][what].get(p) or 0.0 for n in names]
    _grouped_bars(ax, names, series)
    ax.set_ylabel("milliseconds (warm)")
    ax.set_title("Latency by configuration")
    ax.legend(fontsize=8)
    try:
        return _png(fig)
    finally:
        plt.close(fig)


# ---------------------------------------------------------------- files


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary sibling, then rename over path: a reader never sees half a file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_outputs(results: dict, out_dir: str | Path) -> dict[str, Path]:
    """results.json, report.md and the two charts into out_dir (created if needed); returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "results.json": json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n",
        "report.md": render_report(results),
        "metrics.png": metrics_chart(results),
        "latency.png": latency_chart(results),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = out / name
        atomic_write(paths[name], data)
    return paths
