"""The real model over the whole evaluation set: quality floors for the default configuration, and `qa eval`.

The floors sit a little under the figures `qa eval --config hybrid` measured when they were last set (see the
comment on each); raise them when a change lifts the figures for good, and never lower one without saying why.
"""

from __future__ import annotations

import argparse
import json

import pytest

from evals import configs, runner
from evals.cli import cmd_eval
from evals.dataset import HELDOUT_SETS, load_questions

# Measured with the default "hybrid" configuration (RetrievalConfig() + multilingual-e5-small, k=8,
# ComposerConfig()) on the 170 bundled questions (150 answerable, 20 unanswerable) with `qa eval --config hybrid`.
# Each floor is the measured figure less about 0.03 (4-5 answerable questions) or, for refusal, one unanswerable
# question (0.05): a real regression fails, a one-question wobble from a parser or model tweak does not.
MIN_HIT_AT_1 = 0.93  # measured 0.960 (0.927 before session 10 moved a passage holding the kind asked for first)
MIN_HIT_AT_5 = 0.97  # measured 1.000
MIN_ENGLISH_HIT_AT_1 = 0.94  # measured 0.971 (34 of 35 answerable English questions; 0.857 before USE)
MIN_ENGLISH_HIT_AT_5 = 0.97  # measured 1.000 (35 of 35; 0.971 before the named-month bonus)
MIN_ACCEPTED = 0.93  # measured 0.953 (an accepted answer string occurs in the answer text; 0.940 in session 5)
MIN_RIGHT_DOC_CITED = 0.95  # measured 0.980
# measured 0.850 (17 of 20 refused). Lowered from 0.80 to 0.75 in session 5 (0.900 at its start, two refusals were
# lost to changes that answered more questions on the other sets), raised back in session 7.
MIN_REFUSAL = 0.80
MAX_FALSE_REFUSAL = 0.06  # measured 0.020 (3 of 150 answerable questions refused)
# The held-out set (evals/heldout.jsonl: 73 questions, 55 answerable, 24 of them English), written after the
# defaults were chosen and never tuned on retrieval; measured with `qa eval --config hybrid --questions ...`.
HELDOUT_FLOORS = {"hit@1": 0.83, "hit@5": 0.95, "accepted": 0.90, "right_doc_cited": 0.96, "refusal_rate": 0.77}
# measured 0.855, 0.982, 0.927, 0.982, 0.833 (15 of 18 refused); false refusals 0.018 (1 of 55)
# heldout2-18 (60 questions each, 42 answerable, 21 of them English), written blind; heldout2-16 were used to
# develop changes after their first measurements, heldout17 and heldout18 were only measured (README, "Measured").
# heldout11-18 ask in a user's own words and score lower. Measured at the end of session 10 (hit@1, hit@5, accepted,
# right doc, refusal; false refusals): heldout2 0.952, 1.000, 0.952, 1.000, 0.722; 0.000. heldout3 0.929, 1.000,
# 0.929, 0.976, 0.833; 0.024. heldout4 0.857, 1.000, 0.810, 1.000, 0.778; 0.000. heldout5 0.881, 1.000, 0.905, 0.952,
# 0.778; 0.024. heldout6 0.952, 0.952, 0.952, 0.976, 0.667; 0.024. heldout7 0.905, 0.952, 0.857, 0.905, 0.611;
# 0.071. heldout8 0.833, 0.976, 0.881, 0.905, 0.722; 0.024. heldout9 0.929, 1.000, 0.952, 1.000, 0.778; 0.000.
# heldout10 0.905, 0.976, 0.905, 0.976, 0.778; 0.000. heldout11 0.857, 0.976, 0.833, 0.952, 0.944; 0.048. heldout12
# 0.786, 1.000, 0.786, 0.976, 0.722; 0.000. heldout13 0.762, 0.929, 0.857, 0.929, 0.667; 0.024. heldout14 0.857,
# 0.952, 0.833, 0.952, 0.444; 0.048. heldout15 0.857, 0.976, 0.833, 0.929, 0.889; 0.024. heldout16 0.881, 1.000,
# 0.857, 0.976, 0.667; 0.000. heldout17 0.786, 1.000, 0.762, 0.952, 0.667; 0.024. heldout18 0.738, 0.905, 0.714,
# 0.857, 0.611; 0.143. Each floor is about one question under. The sets whose false refusals exceed
# MAX_FALSE_REFUSAL have their own ceiling.
LATER_FLOORS = {
    "heldout2": {"hit@1": 0.92, "hit@5": 0.97, "accepted": 0.92, "right_doc_cited": 0.97, "refusal_rate": 0.66},
    "heldout3": {"hit@1": 0.90, "hit@5": 0.97, "accepted": 0.90, "right_doc_cited": 0.95, "refusal_rate": 0.77},
    "heldout4": {"hit@1": 0.83, "hit@5": 0.97, "accepted": 0.78, "right_doc_cited": 0.97, "refusal_rate": 0.72},
    "heldout5": {"hit@1": 0.85, "hit@5": 0.97, "accepted": 0.88, "right_doc_cited": 0.92, "refusal_rate": 0.72},
    "heldout6": {"hit@1": 0.92, "hit@5": 0.92, "accepted": 0.92, "right_doc_cited": 0.95, "refusal_rate": 0.61},
    "heldout7": {"hit@1": 0.88, "hit@5": 0.92, "accepted": 0.83, "right_doc_cited": 0.88, "refusal_rate": 0.55},
    "heldout8": {"hit@1": 0.80, "hit@5": 0.95, "accepted": 0.85, "right_doc_cited": 0.88, "refusal_rate": 0.66},
    "heldout9": {"hit@1": 0.90, "hit@5": 0.97, "accepted": 0.90, "right_doc_cited": 0.97, "refusal_rate": 0.72},
    "heldout10": {"hit@1": 0.88, "hit@5": 0.95, "accepted": 0.88, "right_doc_cited": 0.95, "refusal_rate": 0.72},
    "heldout11": {"hit@1": 0.83, "hit@5": 0.95, "accepted": 0.78, "right_doc_cited": 0.90, "refusal_rate": 0.88},
    "heldout12": {"hit@1": 0.76, "hit@5": 0.97, "accepted": 0.76, "right_doc_cited": 0.95, "refusal_rate": 0.66},
    "heldout13": {"hit@1": 0.73, "hit@5": 0.90, "accepted": 0.83, "right_doc_cited": 0.90, "refusal_rate": 0.61},
    "heldout14": {"hit@1": 0.83, "hit@5": 0.92, "accepted": 0.80, "right_doc_cited": 0.92, "refusal_rate": 0.38},
    "heldout15": {"hit@1": 0.83, "hit@5": 0.95, "accepted": 0.80, "right_doc_cited": 0.90, "refusal_rate": 0.83},
    "heldout16": {"hit@1": 0.85, "hit@5": 0.97, "accepted": 0.83, "right_doc_cited": 0.95, "refusal_rate": 0.61},
    "heldout17": {"hit@1": 0.76, "hit@5": 0.97, "accepted": 0.73, "right_doc_cited": 0.92, "refusal_rate": 0.61},
    "heldout18": {"hit@1": 0.71, "hit@5": 0.88, "accepted": 0.69, "right_doc_cited": 0.83, "refusal_rate": 0.55},
}
# measured 0.071, 0.143
MAX_FALSE_REFUSAL_BY_SET = {"heldout7": 0.10, "heldout18": 0.17}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def index_root(tmp_path_factory):
    return tmp_path_factory.mktemp("eval-index")


@pytest.fixture(scope="module")
def hybrid_results(index_root):
    from qa.assistant import Assistant

    def load(name):
        return Assistant.load(index_dir=index_root, encoder=name, progress=False)

    return runner.run_eval(load_questions(), configs.select_configs(["hybrid"]), progress=False, loader=load)


def test_default_configuration_meets_the_floors(hybrid_results):
    s = hybrid_results["configs"]["hybrid"]["summary"]
    assert s["errors"] == 0
    assert s["hit@1"] >= MIN_HIT_AT_1
    assert s["hit@5"] >= MIN_HIT_AT_5
    assert s["accepted"] >= MIN_ACCEPTED
    assert s["right_doc_cited"] >= MIN_RIGHT_DOC_CITED
    assert s["refusal_rate"] >= MIN_REFUSAL
    assert s["false_refusal_rate"] <= MAX_FALSE_REFUSAL
    english = hybrid_results["configs"]["hybrid"]["by_language"]["en"]
    assert english["hit@1"] >= MIN_ENGLISH_HIT_AT_1
    assert english["hit@5"] >= MIN_ENGLISH_HIT_AT_5


@pytest.mark.parametrize("name", list(HELDOUT_SETS))
def test_default_configuration_meets_the_floors_on_the_held_out_sets(index_root, name):
    path, floors = HELDOUT_SETS[name], {"heldout": HELDOUT_FLOORS, **LATER_FLOORS}[name]
    from qa.assistant import Assistant

    def load(name):
        return Assistant.load(index_dir=index_root, encoder=name, progress=False)

    results = runner.run_eval(load_questions(path), configs.select_configs(["hybrid"]), progress=False, loader=load)
    s = results["configs"]["hybrid"]["summary"]
    assert s["errors"] == 0
    for key, floor in floors.items():
        assert s[key] >= floor, (key, s[key])
    assert s["false_refusal_rate"] <= MAX_FALSE_REFUSAL_BY_SET.get(name, MAX_FALSE_REFUSAL)


def test_cmd_eval_writes_consistent_outputs(index_root, tmp_path, capsys, assert_report_matches_results):
    out = tmp_path / "results"
    args = argparse.Namespace(configs=["bm25", "hybrid"], questions=None, out=str(out), index=str(index_root))
    assert cmd_eval(args) == 0
    for name in ("results.json", "report.md", "metrics.png", "latency.png"):
        assert (out / name).stat().st_size > 0, name
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert list(results["configs"]) == ["bm25", "hybrid"]
    assert_report_matches_results((out / "report.md").read_text(encoding="utf-8"), results)
    printed = capsys.readouterr().out
    assert "| bm25 |" in printed and "| hybrid |" in printed and "report.md" in printed
