"""The app's named API endpoint through gradio_client, on a real index and model."""

from __future__ import annotations

import pytest

from .conftest import REVOLVING_DOC

pytestmark = pytest.mark.slow

QUESTION = "Hoeveel draagt Nederland bij aan het Revolving Fund?"


@pytest.fixture(scope="module")
def client(served_app):
    from gradio_client import Client

    return Client(served_app, verbose=False)


def test_ask_endpoint_returns_the_cited_answer(client, real_assistant):
    result = client.predict(question=QUESTION, api_name="/ask")
    assert result["question"] == QUESTION and result["language"] == "nl"
    assert result["abstained"] is False
    assert "1 miljoen euro" in result["answer"] and "[1]" in result["answer"]
    citations = result["citations"]
    assert [c["n"] for c in citations] == list(range(1, len(citations) + 1))
    for c in citations:
        assert f"[{c['n']}]" in result["answer"]
        text = real_assistant.document(c["doc_id"]).text
        assert " ".join(text[c["start"] : c["end"]].split()) == " ".join(c["quote"].split())
    assert any(c["doc_id"] == REVOLVING_DOC and "1 miljoen euro" in c["quote"] for c in citations)
    assert result["passages"] and all(p["score"] is not None for p in result["passages"])


def test_ask_endpoint_filters_and_errors(client, real_assistant):
    others = [d.doc_id for d in real_assistant.corpus.documents if d.doc_id != REVOLVING_DOC]
    result = client.predict(question=QUESTION, doc_ids=others, api_name="/ask")
    assert all(c["doc_id"] != REVOLVING_DOC for c in result["citations"])
    assert all(p["doc_id"] != REVOLVING_DOC for p in result["passages"])
    with pytest.raises(Exception, match="The question is empty"):
        client.predict(question="", api_name="/ask")
    with pytest.raises(Exception, match="not a valid date"):
        client.predict(question=QUESTION, since="2020-02-30", api_name="/ask")
    with pytest.raises(Exception, match="Unknown letter"):
        client.predict(question=QUESTION, doc_ids=["geen brief"], api_name="/ask")


def test_ask_endpoint_takes_history_for_follow_ups(client):
    first = client.predict(question=QUESTION, api_name="/ask")
    follow = client.predict(
        question="En wat werd er in oktober over gezegd?", history=[[QUESTION, first["answer"]]], api_name="/ask"
    )
    assert isinstance(follow["answer"], str) and follow["answer"]
