"""Fixtures for the Gradio app: a scripted assistant (fast tests) and a served app on a real index (slow tests)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import pytest

from corpus import Corpus
from qa.analyse import validate_question
from qa.errors import QuestionError
from qa.models import Answer, Citation, ScoredPassage

REVOLVING_DOC = "000_c54184f091ec131b"
REVOLVING_SENTENCE = "Nederland draagt hier 1 miljoen euro aan bij."


class ScriptedAssistant:
    """Stands in for qa.Assistant: the real letters, one canned cited answer, and a record of every call."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.calls: list[dict] = []
        self.fail_with: BaseException | None = None

    def document(self, doc_id: str):
        return self.corpus.get(doc_id)

    def ask(self, question, k=8, doc_ids=None, since=None, until=None, history=()) -> Answer:
        self.calls.append(
            {"question": question, "doc_ids": doc_ids, "since": since, "until": until, "history": list(history)}
        )
        if self.fail_with is not None:
            raise self.fail_with
        question = validate_question(question)
        known = {d.doc_id for d in self.corpus.documents}
        if any(d not in known for d in doc_ids or ()):
            raise QuestionError("unknown document id(s)")
        doc = self.corpus.get(REVOLVING_DOC)
        start = doc.text.index(REVOLVING_SENTENCE)
        end = start + len(REVOLVING_SENTENCE)
        scored = [
            ScoredPassage(p, doc.title, doc.letter_date, doc.meeting_dates, rank, 1.0 / rank, {"hybrid": 1.0 / rank})
            for rank, p in enumerate(sorted(doc.passages, key=lambda p: not (p.start <= start and end <= p.end))[:4], 1)
        ]
        cited = scored[0].passage
        citation = Citation(
            1,
            doc.doc_id,
            doc.title,
            cited.heading,
            doc.letter_date,
            REVOLVING_SENTENCE,
            start,
            end,
            1.0,
            cited.passage_id,
        )
        text = "Nederland draagt 1 miljoen euro bij aan het Revolving Fund <b>&</b> [1]."
        return Answer(question, "nl", text, False, (citation,), tuple(scored), {"total": 1.0})


@pytest.fixture
def scripted(corpus) -> ScriptedAssistant:
    return ScriptedAssistant(corpus)


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def launched(assistant) -> Iterator[str]:
    """The app on a free local port, in a background thread; yields its URL and closes it afterwards."""
    from qa.app import build_app

    demo = build_app(assistant)
    port = free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, share=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.fixture(scope="session")
def served_app(real_assistant) -> Iterator[str]:
    with launched(real_assistant) as url:
        yield url


@contextlib.contextmanager
def browser_page(url: str, height: int = 1000) -> Iterator:
    """A page of Debian's headless chromium on url; page.js_errors collects uncaught errors of its scripts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"],
        )  # fmt: skip
        context = browser.new_context(viewport={"width": 1400, "height": height}, locale="en-US")
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
