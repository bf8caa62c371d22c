"""The Timeline tab in a real browser (headless Debian chromium), on a real index and model: type a topic, see the
chart and the dated quotes, click a quote, read the letter at its span. Self-contained (its own app and index)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import browser_page, launched

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path("/tmp/timeline_tab.png")
TIMEOUT_MS = 180_000  # a 2-core machine, a cold model
TOPIC = "Oekraïne"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no browser at {CHROMIUM} (install Debian's chromium)"),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from qa.assistant import Assistant

    return Assistant.load(index_dir=tmp_path_factory.mktemp("timeline-browser-index"), progress=False)


@pytest.fixture(scope="module")
def url(assistant):
    with launched(assistant) as served:
        yield served


@pytest.fixture(scope="module")
def page(url):
    with browser_page(url, height=1100) as page:
        page.get_by_role("tab", name="Timeline").click()
        page.locator("#qa-tl-topic textarea").wait_for()
        yield page


def test_empty_topic_gets_a_readable_message(page):
    from playwright.sync_api import expect

    page.locator("#qa-tl-topic textarea").fill("  ")
    page.locator("#qa-tl-run").click()
    expect(page.locator("#qa-tl-entries")).to_contain_text("The topic is empty", timeout=TIMEOUT_MS)
    assert "Traceback" not in page.locator("#qa-tl-entries").inner_text()


def test_timeline_chart_entries_and_click_opens_the_letter(page, assistant):
    from playwright.sync_api import expect

    expected = assistant.timeline(TOPIC)
    first = expected.speaking[0]
    box = page.locator("#qa-tl-topic textarea")
    box.fill(TOPIC)
    page.locator("#qa-tl-run").click()
    entries = page.locator("#qa-tl-entries .qa-tl-entry")
    expect(entries.first).to_be_visible(timeout=TIMEOUT_MS)
    expect(entries).to_have_count(len(expected.entries))
    expect(page.locator("#qa-tl-entries .qa-tl-date").first).to_contain_text(first.date.isoformat())
    expect(page.locator("#qa-tl-chart img, #qa-tl-chart svg, #qa-tl-chart canvas").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    quote = first.quotes[0]
    page.locator(f'#qa-tl-entries button.qa-cite[data-cite="{quote.n}"]').click()
    mark = page.locator("#qa-tl-letter #qa-letter-mark")
    mark.wait_for(timeout=60_000)
    expect(page.locator("#qa-tl-letter h3")).to_have_text(first.title)
    expect(mark).to_contain_text(" ".join(quote.text.split()[:4]))
    expect(mark).to_be_in_viewport(timeout=60_000)
    page.screenshot(path=str(SCREENSHOT.with_name("timeline_tab_letter.png")), full_page=False)
    assert page.js_errors == []
