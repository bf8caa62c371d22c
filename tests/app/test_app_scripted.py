"""The app's handlers and its API with a scripted assistant: fast, no model, no browser."""

from __future__ import annotations

import itertools

import pytest

from qa.app import build_app
from qa.errors import IndexError_

from .conftest import REVOLVING_DOC, launched


def handler(demo, name):
    return next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == name)


def run_chat(demo, question, messages=(), history=(), letters=None, since="", until=""):
    return list(handler(demo, "respond")(question, list(messages), list(history), letters, since, until))


def test_chat_streams_the_answer_then_shows_sources(scripted, monkeypatch):
    monkeypatch.setattr("qa.app.STREAM_DELAY_S", 0)
    demo = build_app(scripted)
    steps = run_chat(demo, "Hoeveel draagt Nederland bij aan het Revolving Fund?")
    assert len(steps) >= 4  # "searching", several growing chunks, the final answer
    texts = [s[0][-1]["content"] for s in steps[1:]]
    assert all(len(a) <= len(b) + 2 for a, b in itertools.pairwise(texts))
    messages, box, sources, answer, history = steps[-1]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert "1 miljoen euro" in messages[-1]["content"] and "[1]" in messages[-1]["content"]
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in messages[-1]["content"]  # letter text never becomes markup
    assert box == "" and "<mark>" in sources
    assert answer["citations"][0]["doc_id"] == REVOLVING_DOC
    assert history == [["Hoeveel draagt Nederland bij aan het Revolving Fund?", answer["answer"]]]


def test_follow_up_gets_the_previous_turns_as_history(scripted, monkeypatch):
    monkeypatch.setattr("qa.app.STREAM_DELAY_S", 0)
    demo = build_app(scripted)
    messages, _, _, _, history = run_chat(demo, "Hoeveel draagt Nederland bij aan het Revolving Fund?")[-1]
    run_chat(demo, "En wat werd er in oktober over gezegd?", messages, history)
    first, follow_up = scripted.calls
    assert first["history"] == []
    assert follow_up["history"] == [(first["question"], history[0][1])]


@pytest.mark.parametrize(
    ("question", "since", "letters", "expected"),
    [
        ("", "", None, "The question is empty"),
        ("x" * 5000, "", None, "too long"),
        ("Hoeveel?", "17-06-2020", None, "not a valid date"),
        ("Hoeveel?", "", ["geen brief"], "Unknown letter"),
    ],
)
def test_user_errors_become_chat_messages(scripted, question, since, letters, expected):
    demo = build_app(scripted)
    messages, box, _sources, answer, history = run_chat(demo, question, since=since, letters=letters)[-1]
    assert expected in messages[-1]["content"] and messages[-1]["role"] == "assistant"
    assert "Traceback" not in messages[-1]["content"]
    assert box == question  # kept, so it can be corrected
    assert answer is None and history == []


def test_missing_index_and_crashes_are_messages_too(scripted):
    demo = build_app(scripted)
    scripted.fail_with = IndexError_("no index in /tmp/x; build it with: qa index")
    assert "No index in /tmp/x" in run_chat(demo, "Hoeveel?")[-1][0][-1]["content"]
    scripted.fail_with = ZeroDivisionError("division by zero")
    text = run_chat(demo, "Hoeveel?")[-1][0][-1]["content"]
    assert "went wrong" in text and "division" not in text
    scripted.fail_with = None
    assert "1 miljoen euro" in run_chat(demo, "Hoeveel?")[-1][0][-1]["content"]  # and it keeps answering


def test_open_letter_checks_what_the_browser_sent(scripted):
    import gradio as gr

    open_letter = handler(build_app(scripted), "open_letter")
    doc = scripted.corpus.get(REVOLVING_DOC)
    start = doc.text.index("Nederland draagt hier")
    html = open_letter(gr.EventData(None, {"doc_id": REVOLVING_DOC, "start": start, "end": start + 20, "n": 2}))
    assert 'id="qa-letter-mark"' in html and "Citation [2]" in html
    assert "not in the index" in open_letter(gr.EventData(None, {"doc_id": "../etc/passwd"}))
    html = open_letter(gr.EventData(None, {"doc_id": REVOLVING_DOC, "start": "x", "end": 10**9}))
    assert "<mark" not in html and doc.title in html


def test_api_answers_and_reports_errors_readably(scripted):
    from gradio_client import Client

    with launched(scripted) as url:
        client = Client(url, verbose=False)
        assert "/ask" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
        title = scripted.corpus.get(REVOLVING_DOC).title
        result = client.predict(
            question="Hoeveel?", doc_ids=[title], since="2020-01-01", history=[["Vraag", "Antwoord"]], api_name="/ask"
        )
        assert result["citations"][0]["n"] == 1 and "[1]" in result["answer"]
        assert scripted.calls[-1]["doc_ids"] == [REVOLVING_DOC]
        assert scripted.calls[-1]["history"] == [("Vraag", "Antwoord")]
        with pytest.raises(Exception, match="The question is empty"):
            client.predict(question="  ", api_name="/ask")
        with pytest.raises(Exception, match="not a valid date"):
            client.predict(question="Hoeveel?", until="31-12-2020", api_name="/ask")
        # still serving after the errors
        assert client.predict(question="Hoeveel?", api_name="/ask")["abstained"] is False


def test_serve_binds_locally_with_optional_login_and_never_shares(scripted, monkeypatch):
    import gradio as gr

    from qa import app

    seen = {}
    monkeypatch.setattr("qa.assistant.Assistant.load", classmethod(lambda cls, **kw: seen.update(load=kw) or scripted))
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: seen.update(launch=kw))
    monkeypatch.setenv("QA_USERNAME", "kamer")
    monkeypatch.setenv("QA_PASSWORD", "geheim")
    app.serve(index_dir="/tmp/idx")
    assert seen["load"] == {"index_dir": "/tmp/idx", "corpus_dir": None, "progress": True}
    launch = seen["launch"]
    assert launch["server_name"] == "127.0.0.1" and launch["server_port"] == 7860
    assert launch["auth"] == ("kamer", "geheim") and launch["share"] is False
    monkeypatch.delenv("QA_PASSWORD")
    with pytest.raises(app.QAError, match="both"):
        app.serve()
