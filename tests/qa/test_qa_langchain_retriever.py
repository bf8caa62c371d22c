"""LetterRetriever: the letters behind LangChain's retriever interface."""

from __future__ import annotations

import asyncio
import importlib
import sys
from datetime import date

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ValidationError

from qa.errors import MissingExtraError, QuestionError
from qa.langchain_retriever import LetterRetriever

METADATA_KEYS = {"doc_id", "passage_id", "title", "heading", "start", "end", "letter_date", "score", "scores", "rank"}
DOC_000, DOC_001, DOC_002 = "000_c54184f091ec131b", "001_42c0a636b663bd7b", "002_2b3a2a813bb728d5"


def _check_documents(docs, assistant, k):
    assert len(docs) == k
    assert all(isinstance(d, Document) for d in docs)
    assert [d.metadata["rank"] for d in docs] == list(range(1, k + 1))
    for d in docs:
        m = d.metadata
        assert set(m) == METADATA_KEYS
        letter = assistant.document(m["doc_id"])
        assert d.page_content == letter.text[m["start"] : m["end"]]
        assert m["title"] == letter.title
        assert m["letter_date"] == (letter.letter_date.isoformat() if letter.letter_date else None)
        assert m["passage_id"].startswith(m["doc_id"])
        assert isinstance(m["score"], float) and m["scores"]["rerank"] == pytest.approx(m["score"])
        assert set(m["scores"]) == {"bm25", "dense", "crosslingual", "hybrid", "rerank"}
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)


def test_is_a_langchain_retriever(fake_assistant):
    retriever = LetterRetriever(assistant=fake_assistant)
    assert isinstance(retriever, BaseRetriever)
    assert retriever.k == 4 and retriever.doc_ids is None and retriever.since is None and retriever.until is None


def test_invoke_returns_documents_with_metadata(fake_assistant):
    docs = LetterRetriever(assistant=fake_assistant, k=3).invoke("Revolving Fund")
    _check_documents(docs, fake_assistant, 3)
    assert "Revolving Fund" in docs[0].page_content
    assert docs[0].metadata["doc_id"] == DOC_000
    assert docs[0].metadata["letter_date"] is None  # the June 2020 report carries no letter date


def test_metadata_matches_the_assistants_search(fake_assistant):
    docs = LetterRetriever(assistant=fake_assistant, k=5).invoke("missie in Irak")
    results = fake_assistant.search("missie in Irak", k=5)
    assert [d.metadata["passage_id"] for d in docs] == [r.passage.passage_id for r in results]
    assert [d.metadata["score"] for d in docs] == [r.score for r in results]


def test_filters_are_obeyed(fake_assistant):
    docs = LetterRetriever(assistant=fake_assistant, k=4, doc_ids=[DOC_002]).invoke("NAVO missie Irak")
    assert docs and {d.metadata["doc_id"] for d in docs} == {DOC_002}
    october = LetterRetriever(assistant=fake_assistant, k=50, since=date(2020, 10, 1), until=date(2020, 12, 31))
    docs = october.invoke("NAVO")
    assert {d.metadata["doc_id"] for d in docs} == {DOC_001}
    assert docs[0].metadata["letter_date"] == "2020-11-06"
    bm25 = LetterRetriever(assistant=fake_assistant, k=2, method="bm25").invoke("Revolving Fund")
    assert set(bm25[0].metadata["scores"]) == {"bm25"}


def test_iso_dates_are_accepted_as_strings(fake_assistant):
    retriever = LetterRetriever(assistant=fake_assistant, since="2021-01-01")
    assert retriever.since == date(2021, 1, 1)
    assert {d.metadata["doc_id"] for d in retriever.invoke("NAVO")} == {"004_5bee7b7e70133a4b"}


def test_bad_input_raises_the_assistants_errors(fake_assistant):
    with pytest.raises(QuestionError, match="empty"):
        LetterRetriever(assistant=fake_assistant).invoke("   ")
    with pytest.raises(QuestionError, match="unknown document id"):
        LetterRetriever(assistant=fake_assistant, doc_ids=["999"]).invoke("Irak")
    with pytest.raises(QuestionError, match="k must be a whole number"):
        LetterRetriever(assistant=fake_assistant, k=0).invoke("Irak")
    with pytest.raises(ValidationError):
        LetterRetriever(assistant=fake_assistant, k="drie")
    with pytest.raises(ValidationError):
        LetterRetriever(assistant=fake_assistant, since="gisteren")


def test_batch_and_async(fake_assistant):
    retriever = LetterRetriever(assistant=fake_assistant, k=2)
    batched = retriever.batch(["Revolving Fund", "Irak"])
    assert [len(docs) for docs in batched] == [2, 2]
    docs = asyncio.run(retriever.ainvoke("Revolving Fund"))
    assert [d.metadata["passage_id"] for d in docs] == [d.metadata["passage_id"] for d in batched[0]]


def test_callbacks_see_the_retrieval(fake_assistant):
    from langchain_core.callbacks import BaseCallbackHandler

    seen = {}

    class Handler(BaseCallbackHandler):
        def on_retriever_start(self, serialized, query, **kwargs):
            seen["query"] = query

        def on_retriever_end(self, documents, **kwargs):
            seen["n"] = len(documents)

    LetterRetriever(assistant=fake_assistant, k=3).invoke("Revolving Fund", config={"callbacks": [Handler()]})
    assert seen == {"query": "Revolving Fund", "n": 3}


def test_missing_langchain_core_is_a_clear_error(monkeypatch):
    monkeypatch.delitem(sys.modules, "qa.langchain_retriever")
    monkeypatch.setitem(sys.modules, "langchain_core.retrievers", None)  # import fails as if not installed
    with pytest.raises(MissingExtraError, match=r"'langchain-core' is not installed; install it with: pip install"):
        importlib.import_module("qa.langchain_retriever")


@pytest.mark.slow
def test_real_retriever_finds_the_revolving_fund(real_assistant):
    docs = LetterRetriever(assistant=real_assistant, k=3).invoke("Revolving Fund")
    _check_documents(docs, real_assistant, 3)
    assert docs[0].metadata["doc_id"] == DOC_000
    assert "Revolving Fund" in docs[0].page_content
