"""With the real encoder: the same top-10 passages and the same answers (text and citations) whether the passage
vectors live in FAISS or in Milvus (milvus-lite). Slow: it embeds the bundled letters."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
QUESTIONS = Path(__file__).resolve().parents[2] / "evals" / "questions.jsonl"


def test_faiss_and_milvus_give_the_same_top10_and_answers(real_assistant, tmp_path):
    pytest.importorskip("milvus_lite")
    from qa.assistant import Assistant

    # Both indexes from the same cached arrays (one QA_HOME): the stores are all that differs between them.
    options = {"encoder": real_assistant.encoder, "crosslingual": real_assistant.retriever.crosslingual,
               "progress": False}  # fmt: skip
    faiss = Assistant.load(index_dir=tmp_path / "faiss", store="faiss", **options)
    milvus = Assistant.load(index_dir=tmp_path / "milvus", store="milvus", milvus_uri=str(tmp_path / "m.db"), **options)
    assert milvus.index.manifest["vector_store"]["kind"] == "milvus"
    assert faiss.index.manifest["vector_store"]["kind"] == "faiss"
    with QUESTIONS.open(encoding="utf-8") as f:
        questions = [json.loads(line)["question"] for line in islice(f, 0, 40, 5)]  # 8 of the bundled questions
    questions.append("What did the minister say about Ukraine?")  # an English one: the cross-lingual path too
    for question in questions:
        a = [(p.passage.passage_id) for p in faiss.search(question, k=10)]
        b = [(p.passage.passage_id) for p in milvus.search(question, k=10)]
        assert a == b, question
        x, y = faiss.ask(question), milvus.ask(question)
        assert x.answer == y.answer, question
        assert [c.to_dict() for c in x.citations] == [c.to_dict() for c in y.citations], question
