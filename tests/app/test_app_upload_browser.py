"""Upload in the Documents tab, in a real browser (Debian's chromium), on the real encoders; then 20 users ask
through the API while another letter is added. Needs ../shared/letters-dev (skips without it)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from .conftest import free_port
from .test_app_browser import ARTIFACTS, CHROMIUM, UI_TIMEOUT_MS

DEV = Path(__file__).resolve().parents[3] / "shared" / "letters-dev"
GOOD = "19_kernwapens-belarus-brief-2024"
ADDED_DURING_QUESTIONS = "17_militaire-bijdrage-navo-2023"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no browser at {CHROMIUM}"),
    pytest.mark.skipif(not (DEV / "letters").is_dir(), reason=f"no letters at {DEV}"),
]


def question_for(doc: str) -> str:
    for line in (DEV / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if q.get("docs") == [f"{doc}.txt"]:
            return q["q"]
    raise AssertionError(f"no question for {doc}")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    import os

    from qa.app import build_app
    from qa.assistant import Assistant
    from qa.library import Library, LiveAssistant

    home = tmp_path_factory.mktemp("home")
    os.environ["QA_HOME"] = str(home)  # the whole module: the app reads the library there
    library = Library(home)
    live = LiveAssistant(Assistant.load(index_dir=home / "index", progress=False), library, home / "index")
    demo = build_app(live, library)
    port = free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/", live, library, tmp_path_factory.mktemp("uploads")
    finally:
        demo.close()


def test_upload_a_good_and_a_bad_file_in_the_browser(app):
    from playwright.sync_api import expect, sync_playwright

    url, live, library, uploads = app
    good = uploads / f"{GOOD}.txt"
    good.write_text((DEV / "letters" / f"{GOOD}.txt").read_text(encoding="utf-8"), encoding="utf-8")
    bad = uploads / "leeg.txt"
    bad.write_text("", encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.set_default_timeout(UI_TIMEOUT_MS)
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("tab", name="Documents").click()
        page.locator("#qa-upload input[type=file]").set_input_files([str(good), str(bad)])
        page.wait_for_timeout(1500)  # the files upload to the server before the button may use them
        page.locator("#qa-upload-add").click()
        status = page.locator("#qa-upload-status")
        expect(status).to_contain_text(f"Added {GOOD}", timeout=180_000)
        expect(status).to_contain_text("leeg.txt: is empty; not added")
        expect(page.locator("#qa-overview")).to_contain_text(library.entries()[0].title)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "documents-upload.png"), full_page=True)
        browser.close()
    assert [e.id for e in library.entries()] == [GOOD]
    answer = live.ask(question_for(GOOD))  # answerable at once, in the running app
    assert GOOD in {c.doc_id for c in answer.citations}


def test_twenty_users_ask_while_a_letter_is_added(app):
    from gradio_client import Client

    url, live, library, uploads = app
    questions = [question_for(GOOD), "Hoeveel draagt Nederland bij aan het Revolving Fund van de NSPA?"]
    errors, answers = [], []

    def user(n: int) -> None:
        try:
            client = Client(url, verbose=False)
            for i in range(2):
                answers.append(client.predict(question=questions[(n + i) % 2], api_name="/ask"))
        except Exception as exc:  # any failure counts
            errors.append(repr(exc))

    users = [threading.Thread(target=user, args=(n,)) for n in range(20)]
    for t in users:
        t.start()
    letter = uploads / f"{ADDED_DURING_QUESTIONS}.txt"
    letter.write_text((DEV / "letters" / letter.name).read_text(encoding="utf-8"), encoding="utf-8")
    result = library.add([letter], build=live.library_builder())  # what the Documents tab does
    live.refresh()
    for t in users:
        t.join(timeout=600)
    assert not errors and len(answers) == 40 and all(a["answer"] for a in answers)
    assert [e.id for e in result.added] == [ADDED_DURING_QUESTIONS]
    answer = live.ask(question_for(ADDED_DURING_QUESTIONS))
    assert ADDED_DURING_QUESTIONS in {c.doc_id for c in answer.citations}
