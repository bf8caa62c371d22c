"""The metric functions on small hand-made inputs whose values are worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evals import metrics
from evals.metrics import CitedSpan


def test_first_relevant_rank():
    assert metrics.first_relevant_rank([False, False, True, True]) == 3
    assert metrics.first_relevant_rank([True]) == 1
    assert metrics.first_relevant_rank([False, False]) is None
    assert metrics.first_relevant_rank([]) is None


@pytest.mark.parametrize(("k", "expected"), [(1, 0.0), (2, 0.0), (3, 1.0), (10, 1.0)])
def test_hit_at_k(k, expected):
    assert metrics.hit_at_k([False, False, True, False], k) == expected


def test_hit_at_k_averaged_over_questions():
    lists = [[True, False], [False, True], [False, False], [False, False, False, False, True]]
    assert metrics.mean(metrics.hit_at_k(r, 1) for r in lists) == 0.25
    assert metrics.mean(metrics.hit_at_k(r, 3) for r in lists) == 0.5
    assert metrics.mean(metrics.hit_at_k(r, 5) for r in lists) == 0.75


def test_reciprocal_rank_and_mrr():
    assert metrics.reciprocal_rank([False, False, True]) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank([True, True]) == 1.0
    assert metrics.reciprocal_rank([False] * 10 + [True], k=10) == 0.0  # rank 11 is outside MRR@10
    mrr = metrics.mean(metrics.reciprocal_rank(r) for r in ([True], [False, True], [False, False, False, True], []))
    assert mrr == pytest.approx((1 + 0.5 + 0.25 + 0) / 4)


def test_ndcg_binary():
    # one relevant passage, found at rank 2: DCG = 1/log2(3), ideal = 1
    assert metrics.ndcg_at_k([False, True], n_relevant=1) == pytest.approx(1 / math.log2(3))
    # two relevant, at ranks 1 and 3: (1 + 1/log2(4)) / (1 + 1/log2(3))
    expected = (1 + 0.5) / (1 + 1 / math.log2(3))
    assert metrics.ndcg_at_k([True, False, True]) == pytest.approx(expected)
    assert metrics.ndcg_at_k([True, False, True], n_relevant=2) == pytest.approx(0.9197, abs=1e-4)
    # a third relevant passage exists but was not retrieved: the ideal ranking counts it
    ideal3 = 1 + 1 / math.log2(3) + 0.5
    assert metrics.ndcg_at_k([True, False, True], n_relevant=3) == pytest.approx(1.5 / ideal3)
    assert metrics.ndcg_at_k([True, True]) == 1.0
    assert metrics.ndcg_at_k([False, False]) == 0.0
    assert metrics.ndcg_at_k([False, False], n_relevant=4) == 0.0
    assert metrics.ndcg_at_k([False, True, True], k=1, n_relevant=2) == 0.0


def test_tokens_lowercase_words_with_accents():
    assert metrics.tokens("De NAVO-top, 12 juni; Oekraïne!") == ["de", "navo", "top", "12", "juni", "oekraïne"]


def test_accepted_match_normalizes_case_whitespace_and_quotes():
    answers = ("1 miljoen euro", "één miljoen")
    assert metrics.accepted_match("Nederland draagt 1  Miljoen\neuro bij [1].", answers)
    assert metrics.accepted_match("Het heet “één miljoen” [2]", answers)
    assert not metrics.accepted_match("Nederland draagt 2 miljoen euro bij.", answers)
    assert not metrics.accepted_match("", answers)
    assert not metrics.accepted_match("1 miljoen euro", ())


def test_token_f1_known_values():
    # 4 predicted tokens, 3 gold, 3 shared: P = 3/4, R = 1, F1 = 6/7
    assert metrics.token_f1("de minister van Defensie", ["Minister van Defensie"]) == pytest.approx(6 / 7)
    # the best accepted answer counts: "12 juni" is fully recalled (P = 2/4, R = 1, F1 = 2/3)
    assert metrics.token_f1("op 12 juni 2020", ["vrijdag 18 september", "12 juni"]) == pytest.approx(2 / 3)
    assert metrics.token_f1("iets anders", ["12 juni"]) == 0.0
    assert metrics.token_f1("", ["12 juni"]) == 0.0
    assert metrics.token_f1("12 juni", ["12 juni"]) == 1.0
    # repeated words count once per occurrence on each side
    assert metrics.token_f1("juni juni", ["juni"]) == pytest.approx(2 * 0.5 * 1 / 1.5)


def test_right_document_cited():
    cited = [CitedSpan("b", 0, 5), CitedSpan("c", 10, 20)]
    assert metrics.right_document_cited(cited, ["a", "c"])
    assert not metrics.right_document_cited(cited, ["a"])
    assert not metrics.right_document_cited([], ["a"])


def test_citation_precision_rules():
    span = (100, 200)
    answers = ("1 miljoen euro",)
    overlapping = CitedSpan("a", 150, 250, "iets")
    touching_only = CitedSpan("a", 200, 300, "iets")  # ends where the evidence ends: no shared character
    quoting_answer = CitedSpan("a", 500, 600, "Nederland draagt 1 miljoen euro bij.")
    elsewhere_in_a = CitedSpan("a", 500, 600, "iets anders")
    second_letter = CitedSpan("b", 0, 10, "wat dan ook")
    wrong_letter = CitedSpan("z", 100, 200, "1 miljoen euro")
    doc_ids = ("a", "b")
    assert metrics.citation_supported(overlapping, doc_ids, span, answers)
    assert not metrics.citation_supported(touching_only, doc_ids, span, answers)
    assert metrics.citation_supported(quoting_answer, doc_ids, span, answers)
    assert not metrics.citation_supported(elsewhere_in_a, doc_ids, span, answers)
    assert metrics.citation_supported(second_letter, doc_ids, span, answers)
    assert not metrics.citation_supported(wrong_letter, doc_ids, span, answers)
    three = [overlapping, elsewhere_in_a, wrong_letter, second_letter]
    assert metrics.citation_precision(three, doc_ids, span, answers) == 0.5
    assert metrics.citation_precision([], doc_ids, span, answers) is None
    # no located evidence span: only a quoted answer supports a citation in the first letter
    assert metrics.citation_precision([overlapping, quoting_answer], doc_ids, None, answers) == 0.5


def test_abstention_rates():
    assert metrics.refusal_rate([True, True, False, True]) == 0.75
    assert metrics.false_refusal_rate([False, False, False, True, False]) == 0.2
    assert metrics.refusal_rate([]) is None


def test_abstention_sweep():
    answerable = [0.9, 0.5, None, 0.7]  # None: already refused
    unanswerable = [0.2, 0.6, None]
    rows = metrics.abstention_sweep(answerable, unanswerable, [0.0, 0.2, 0.6, 1.0])
    assert [r["refusal_rate"] for r in rows] == pytest.approx([1 / 3, 2 / 3, 1.0, 1.0])
    assert [r["false_refusal_rate"] for r in rows] == pytest.approx([0.25, 0.25, 0.5, 1.0])


def test_mean_skips_none():
    assert metrics.mean([1.0, None, 0.0, True]) == pytest.approx(2 / 3)
    assert metrics.mean([None, None]) is None
    assert metrics.mean([]) is None


@pytest.mark.parametrize("q", [0, 25, 50, 90, 95, 100])
def test_percentile_matches_numpy(q):
    values = [12.0, 3.0, 7.5, 100.0, 1.0, 8.0, 9.0]
    assert metrics.percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_latency_summary_known_values():
    summary = metrics.latency_summary([10.0, 20.0, 30.0, 40.0])
    assert summary["p50"] == 25.0
    assert summary["p95"] == pytest.approx(38.5)  # 30 + 0.85 * 10
    assert summary["mean"] == 25.0
    assert summary["max"] == 40.0
    assert metrics.latency_summary([]) == {"p50": None, "p95": None, "mean": None, "max": None}
