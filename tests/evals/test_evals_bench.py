"""The benchmark's report: every figure it measured is printed, missing ones as n/a (no model needed)."""

from __future__ import annotations

from evals.bench import render


def test_render_prints_build_retrieval_latency_and_cold_start_figures():
    lat = {"p50": 32.6, "p95": 43.7}
    report = {
        "questions": 170,
        "build": {"multilingual-e5-small": {"passages": 80, "encoder_load_s": 0.71, "index_build_s": 42.01}},
        "retrieval": {"hybrid (multilingual-e5-small)": {"hit@1": 0.92, "hit@5": 0.993, "mrr@10": 0.95}},
        "latency_ms": {
            "multilingual-e5-small": {
                "encode_query": lat, "encode_query_crosslingual": {"p50": 5.0, "p95": 6.3}, "search_k10": lat,
                "search_k8": lat, "ask_k8": lat,
            },
            "older-report": {"encode_query": lat, "search_k10": lat, "search_k8": lat, "ask_k8": lat},
        },
        "cold_ask": [{"wall_s": 1.33, "status": "ok"}, {"wall_s": None, "status": "timed out after 300 s"}],
    }  # fmt: skip
    text = render(report)
    assert "| multilingual-e5-small | 80 | 0.71 | 42.01 |" in text
    assert "| hybrid (multilingual-e5-small) | 0.920 | 0.993 | 0.950 |" in text
    assert "| encoder | encode query | + cross-lingual | search k=10 | search k=8 | ask k=8 |" in text
    assert "| multilingual-e5-small | 32.6 / 43.7 | 5.0 / 6.3 | 32.6 / 43.7 |" in text
    assert "| older-report | 32.6 / 43.7 | n/a | 32.6 / 43.7 |" in text
    assert "| 1 | 1.33 | ok |" in text and "| 2 | n/a | timed out after 300 s |" in text
