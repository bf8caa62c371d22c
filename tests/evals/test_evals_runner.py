"""The runner, report and `qa eval` command on a scripted assistant: no model, no index, seconds."""

from __future__ import annotations

import argparse
import json
import re

import pytest

from embeddings.store import indexed_passages
from evals import configs, runner
from evals.cli import cmd_eval, read_questions
from evals.dataset import EvalQuestion, evidence_spans, is_relevant, load_questions
from evals.report import write_outputs
from qa.errors import QAError
from qa.models import Answer, Citation, ScoredPassage
from qa.retrieve import RetrievalConfig

WRONG_RANK = "q002"  # the scripted retriever puts this question's evidence at rank 2
WRONG_ANSWER = "q004"  # ... and the scripted composer answers this one wrongly
NOT_REFUSED = "q151"  # ... and answers this unanswerable one


UNKNOWN = EvalQuestion("x", "?", "nl", (), (), "", "unanswerable")  # the runner's warm-up question


class FakeIndex:
    def __init__(self, corpus):
        self.passages = indexed_passages(corpus)
        self.folder = "fake"


class FakeRetriever:
    def __init__(self):
        self.config = RetrievalConfig()


class FakeAssistant:
    """Retrieves the evidence passage first (except WRONG_RANK), answers with the first accepted answer."""

    def __init__(self, corpus, questions):
        self.corpus = corpus
        self.index = FakeIndex(corpus)
        self.retriever = FakeRetriever()
        self.reranker = None
        self.by_text = {q.question: q for q in questions}
        self.spans = {q.id: evidence_spans(corpus, q) for q in [*questions, UNKNOWN]}

    def _relevant(self, q, item):
        p = item.passage
        return is_relevant(q, p.doc_id, p.start, p.end, p.text, self.spans[q.id])

    def search(self, question, k=10):
        q = self.by_text.get(question, UNKNOWN)
        items = sorted(self.index.passages, key=lambda it: not (q.answerable and self._relevant(q, it)))
        if q.id == WRONG_RANK:
            items = [next(it for it in items if not self._relevant(q, it)), *items]
        return [
            ScoredPassage(it.passage, it.title, it.letter_date, it.meeting_dates, rank, 1.0 / rank)
            for rank, it in enumerate(items[:k], start=1)
        ]

    def ask(self, question, k=8):
        q = self.by_text.get(question, UNKNOWN)
        if not q.answerable and q.id != NOT_REFUSED:
            return Answer(question, q.language, "Dat staat niet in de brieven.", True, (), ())
        top = self.search(question, k)[0]
        p = top.passage
        if q.id == NOT_REFUSED:
            citation = Citation(1, p.doc_id, top.title, p.heading, None, p.text, p.start, p.end, 0.5)
            return Answer(question, q.language, "Iets verzonnens [1].", False, (citation,), (top,))
        text = "helemaal fout" if q.id == WRONG_ANSWER else f"{q.answers[0]} [1]"
        citation = Citation(1, p.doc_id, top.title, p.heading, None, p.text, p.start, p.end, 1.0)
        return Answer(question, q.language, text, False, (citation,), (top,), {"retrieve": 1.0, "compose": 1.0})


@pytest.fixture(scope="module")
def questions():
    return load_questions()


@pytest.fixture(scope="module")
def results(corpus, questions):
    fake = FakeAssistant(corpus, questions)
    selected = configs.select_configs(["bm25", "hybrid"])
    return runner.run_eval(questions, selected, progress=False, loader=lambda name: fake)


def test_select_configs():
    assert [c.name for c in configs.select_configs(None)] == list(configs.CONFIGS)
    assert [c.name for c in configs.select_configs(["hybrid", "bm25", "hybrid"])] == ["hybrid", "bm25"]
    with pytest.raises(configs.UnknownConfigError, match=r"'nope'.*known: hybrid"):
        configs.select_configs(["bm25", "nope"])
    assert configs.UnknownConfigError.exit_code == 2


def test_required_configs_exist():
    required = {"hybrid", "no-rerank", "bm25", "dense", "hybrid-minilm"}
    assert required <= set(configs.CONFIGS)
    assert configs.CONFIGS["hybrid"].retrieval == RetrievalConfig() and configs.CONFIGS["hybrid"].rerank
    assert configs.CONFIGS["hybrid"].encoder == "multilingual-e5-small"
    assert configs.CONFIGS["hybrid-minilm"].encoder == "all-MiniLM-L6-v2"
    assert not configs.CONFIGS["no-rerank"].rerank
    assert all(c.description for c in configs.CONFIGS.values())  # the app shows them in plain words


def test_apply_config_sets_retrieval_and_reranker():
    from qa.rerank import FeatureReranker, RetrievalOrder

    assistant = FakeAssistant.__new__(FakeAssistant)
    assistant.retriever = FakeRetriever()
    runner.apply_config(assistant, configs.CONFIGS["no-rerank"])
    assert isinstance(assistant.reranker, RetrievalOrder) and assistant.retriever.config == RetrievalConfig()
    runner.apply_config(assistant, configs.CONFIGS["bm25"])
    assert assistant.retriever.config.method == "bm25"
    runner.apply_config(assistant, configs.CONFIGS["hybrid"])
    assert isinstance(assistant.reranker, FeatureReranker)


def test_summary_of_scripted_run(results, questions):
    n_answerable = sum(q.answerable for q in questions)
    n_unanswerable = len(questions) - n_answerable
    s = results["configs"]["hybrid"]["summary"]
    assert (s["n"], s["n_answerable"], s["n_unanswerable"]) == (len(questions), n_answerable, n_unanswerable)
    assert s["hit@1"] == pytest.approx((n_answerable - 1) / n_answerable)
    assert s["hit@3"] == 1.0
    assert s["mrr@10"] == pytest.approx((n_answerable - 0.5) / n_answerable)
    assert s["accepted"] == pytest.approx((n_answerable - 1) / n_answerable)
    assert s["right_doc_cited"] == 1.0
    assert s["false_refusal_rate"] == 0.0
    assert s["refusal_rate"] == pytest.approx((n_unanswerable - 1) / n_unanswerable)
    # every citation is the top passage: the evidence, except for WRONG_RANK
    assert s["citation_precision"] == pytest.approx((n_answerable - 1) / n_answerable)
    assert s["search_ms"]["p50"] is not None and s["ask_ms"]["p95"] is not None
    assert s["errors"] == 0


def test_abstention_sweep_from_citation_scores(results, questions):
    # the scripted composer answers one unanswerable question (NOT_REFUSED) citing with score 0.5, others 1.0
    sweep = results["configs"]["hybrid"]["abstention_sweep"]
    assert [row["threshold"] for row in sweep] == [0.5]
    assert sweep[0]["refusal_rate"] == 1.0 and sweep[0]["false_refusal_rate"] == 0.0


def test_failures_name_the_reasons(results):
    failures = {f["id"]: f for f in results["configs"]["bm25"]["failures"]}
    assert set(failures) == {WRONG_RANK, WRONG_ANSWER, NOT_REFUSED}
    assert failures[WRONG_RANK]["reasons"] == ["evidence at rank 2"]
    assert failures[WRONG_ANSWER]["reasons"] == ["answer wrong"]
    assert failures[NOT_REFUSED]["reasons"] == ["not refused"]
    top = failures[WRONG_RANK]["top"]
    assert len(top) == 3 and all(len(t["text"]) <= runner.SNIPPET_CHARS for t in top)
    assert failures[WRONG_ANSWER]["answer"] == "helemaal fout"


def test_breakdowns_cover_every_category_and_language(results, questions):
    c = results["configs"]["hybrid"]
    assert set(c["by_category"]) == {q.category for q in questions}
    assert set(c["by_language"]) == {"nl", "en"}
    assert sum(s["n"] for s in c["by_language"].values()) == len(questions)
    assert c["by_category"]["unanswerable"]["hit@1"] is None
    assert c["by_category"]["unanswerable"]["refusal_rate"] is not None


def test_ask_errors_are_counted_not_fatal(corpus, questions):
    fake = FakeAssistant(corpus, questions[:5])

    def broken(question, k=8):
        raise RuntimeError("composer bug")

    fake.ask = broken
    out = runner.run_eval(questions[:5], [configs.CONFIGS["hybrid"]], progress=False, loader=lambda n: fake)
    s = out["configs"]["hybrid"]["summary"]
    assert s["errors"] == 5 and s["accepted"] == 0.0
    assert all("composer bug" in f["reasons"][0] for f in out["configs"]["hybrid"]["failures"])


def test_outputs_written_and_consistent(results, tmp_path, assert_report_matches_results):
    paths = write_outputs(results, tmp_path / "out")
    assert set(paths) == {"results.json", "report.md", "metrics.png", "latency.png"}
    for path in paths.values():
        assert path.stat().st_size > 0
    assert paths["metrics.png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no temporary files left
    saved = json.loads(paths["results.json"].read_text(encoding="utf-8"))
    report = paths["report.md"].read_text(encoding="utf-8")
    assert_report_matches_results(report, saved)
    assert f"**{WRONG_RANK}**" in report and "### By category" in report and "### By language" in report
    assert "### Abstention threshold sweep" in report


def test_cli_unknown_config_fails_before_loading(tmp_path, capsys):
    args = argparse.Namespace(configs=["bm25", "bogus"], questions=None, out=str(tmp_path), index=None)
    with pytest.raises(configs.UnknownConfigError, match="bogus"):
        cmd_eval(args)
    assert not list(tmp_path.iterdir())


def test_cli_list_configs(capsys):
    assert cmd_eval(argparse.Namespace(list_configs=True)) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in configs.CONFIGS)


def test_cli_main_returns_2_for_unknown_config(capsys):
    from evals.cli import main

    assert main(["--config", "bogus"]) == 2
    assert "unknown configuration 'bogus'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "x1", "question": "Wat?"}\n', r"bad\.jsonl:1: .*missing language"),
        ('{"id": "x1", "question": "Wat?", "language": "nl", "answers": [], "doc_ids": [], "evidence": "", '
         '"category": "unanswerable"}\n\nnot json\n', r"bad\.jsonl:3: not a valid question line"),
        ("", "holds no questions"),
        ('{"id": "x1", "question": "Wat?", "language": "nl", "answers": [], "doc_ids": [], "evidence": "", '
         '"category": "unanswerable"}\n5\n', r"bad\.jsonl:2: not a JSON object"),
    ],
)  # fmt: skip
def test_cli_malformed_questions_file(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(QAError, match=message):
        cmd_eval(argparse.Namespace(configs=["bm25"], questions=str(path), out=str(tmp_path / "o"), index=None))


def test_cli_missing_or_duplicated_questions(tmp_path):
    with pytest.raises(QAError, match="does not exist"):
        read_questions(str(tmp_path / "nope.jsonl"))
    line = json.dumps({"id": "d", "question": "Wat?", "language": "nl", "answers": [], "doc_ids": [],
                       "evidence": "", "category": "unanswerable"})  # fmt: skip
    (tmp_path / "dup.jsonl").write_text(f"{line}\n{line}\n", encoding="utf-8")
    with pytest.raises(QAError, match=re.escape("question id 'd' appears more than once")):
        read_questions(str(tmp_path / "dup.jsonl"))
