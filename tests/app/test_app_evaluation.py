"""The Evaluation tab's runner call: on the real index (slow, a few questions), and without the runner."""

from __future__ import annotations

import sys

import pytest

from qa.app import build_app
from qa.app_eval import run_benchmark
from qa.errors import QAError


@pytest.mark.slow
def test_benchmark_writes_report_and_charts_without_touching_the_chat_assistant(real_assistant, tmp_path, monkeypatch):
    import evals.cli

    questions = evals.cli.read_questions(None)[:6]
    monkeypatch.setattr(evals.cli, "read_questions", lambda path: questions)
    config_before = real_assistant.retriever.config
    summary, report, metrics_png, latency_png = run_benchmark(real_assistant, ["hybrid", "bm25"], out_dir=tmp_path)
    assert "| hybrid |" in summary and "| bm25 |" in summary and "6 questions" in summary
    assert report.startswith("# Evaluation report")
    for name in ("results.json", "report.md", "metrics.png", "latency.png"):
        assert (tmp_path / name).stat().st_size > 0
    assert metrics_png == str(tmp_path / "metrics.png") and latency_png == str(tmp_path / "latency.png")
    assert real_assistant.retriever.config is config_before


def test_evaluation_tab_explains_a_missing_runner(scripted, monkeypatch):
    monkeypatch.setitem(sys.modules, "evals.runner", None)  # import fails as if the module were not there
    with pytest.raises(QAError, match="not available"):
        run_benchmark(scripted, ["hybrid"])
    evaluate = next(f.fn for f in build_app(scripted).fns.values() if f.fn.__name__ == "evaluate")
    summary, _report, metrics_png, latency_png = evaluate(["hybrid"], progress=lambda *a, **k: None)
    assert "not available" in summary and metrics_png is None and latency_png is None
    assert "choose at least one" in evaluate([], progress=lambda *a, **k: None)[0].lower()
