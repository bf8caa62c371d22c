"""The chat in a real browser (headless Debian chromium), on a real index and model: ask, read, click, look."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import REVOLVING_DOC, browser_page

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ANSWER_TIMEOUT_MS = 180_000  # a 2-core CI machine, a cold model
UI_TIMEOUT_MS = 60_000
QUESTION = "Hoeveel draagt Nederland bij aan het Revolving Fund?"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no browser at {CHROMIUM} (install Debian's chromium)"),
]


@pytest.fixture(scope="module")
def page(served_app):
    with browser_page(served_app) as page:
        page.locator("#qa-question textarea").wait_for()
        yield page


def test_empty_question_gets_a_readable_message(page):
    from playwright.sync_api import expect

    page.locator("#qa-question textarea").fill("")
    page.locator("#qa-send").click()
    expect(page.locator("#qa-chat")).to_contain_text("The question is empty", timeout=UI_TIMEOUT_MS)
    assert "Traceback" not in page.locator("#qa-chat").inner_text()
    page.get_by_role("button", name="New conversation").click()
    expect(page.locator("#qa-chat")).not_to_contain_text("The question is empty", timeout=UI_TIMEOUT_MS)


def test_answer_with_highlighted_citation_opens_the_letter(page, real_assistant):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect

    title = real_assistant.document(REVOLVING_DOC).title
    box = page.locator("#qa-question textarea")
    box.fill(QUESTION)
    box.press("Enter")

    # the sources panel is filled with the answer's last streamed chunk
    cited = page.locator("#qa-sources .qa-source").filter(has=page.locator("mark", has_text="1 miljoen euro"))
    chat = page.locator("#qa-chat")
    try:
        cited.first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    except PlaywrightTimeoutError:
        pytest.fail(
            "no cited source marking '1 miljoen euro' appeared; "
            f"chat: {chat.inner_text()[-600:]!r}; sources: {page.locator('#qa-sources').inner_text()[:600]!r}"
        )
    expect(chat).to_contain_text("1 miljoen euro")
    expect(chat).to_contain_text("[1]")
    expect(chat).not_to_contain_text("▌")  # streaming finished
    card = cited.first
    expect(card.locator(".qa-title")).to_have_text(title)
    expect(card.locator("mark").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)

    card.locator("button.qa-cite").click()
    mark = page.locator("#qa-letter #qa-letter-mark")
    mark.wait_for(timeout=UI_TIMEOUT_MS)
    expect(page.locator("#qa-letter h3")).to_have_text(title)
    expect(mark).to_contain_text("1 miljoen euro")
    expect(mark).to_be_in_viewport(timeout=UI_TIMEOUT_MS)  # scrolled to, inside the letter panel and the page
    page.screenshot(path=str(ARTIFACTS / "letter.png"))
    assert page.js_errors == []


def test_a_marker_in_the_chat_opens_its_source(page, real_assistant):
    """Runs after the test above: the answer's [1] in the chat bubble is a link to the cited span."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="New conversation").click()
    expect(page.locator("#qa-letter #qa-letter-mark")).to_have_count(0, timeout=UI_TIMEOUT_MS)
    box = page.locator("#qa-question textarea")
    box.fill(QUESTION)
    box.press("Enter")
    link = page.locator('#qa-chat a[href^="#cite/"]').first
    link.wait_for(timeout=ANSWER_TIMEOUT_MS)
    link.click()
    mark = page.locator("#qa-letter #qa-letter-mark")
    mark.wait_for(timeout=UI_TIMEOUT_MS)
    expect(page.locator("#qa-letter h3")).to_have_text(real_assistant.document(REVOLVING_DOC).title)
    expect(mark).to_contain_text("1 miljoen euro")
    assert page.js_errors == []
