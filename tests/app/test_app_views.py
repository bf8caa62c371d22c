"""The app's HTML (qa.app_views) and input parsing: pure functions, no server, no model."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from qa import app_views as views
from qa.app import auth_from_env, error_text, parse_date, parse_filters
from qa.errors import QAError, QuestionError

from .conftest import REVOLVING_DOC, REVOLVING_SENTENCE


def test_escape_and_highlight():
    text = "a <b>x</b> & 'y'\nz"
    out = views.highlighted(text, 0, len(text), [(2, 10)], mark_id="m")
    assert out == 'a <mark id="m">&lt;b&gt;x&lt;/b&gt;</mark> &amp; &#x27;y&#x27;<br>z'
    # ranges outside the slice are ignored; ranges crossing it are clipped
    assert views.highlighted("abcdef", 2, 4, [(0, 1)]) == "cd"
    assert views.highlighted("abcdef", 2, 4, [(0, 3)]) == "<mark>c</mark>d"


def test_paragraphs_keep_offsets():
    text = "Eerste alinea.\n\n  Tweede\nregel.\n\n\nDerde."
    spans = views.paragraphs(text)
    assert [text[a:b] for a, b in spans] == ["Eerste alinea.", "Tweede\nregel.", "Derde."]


def test_stream_chunks_grow_and_never_split_a_marker():
    text = "Nederland draagt 1 miljoen euro bij [1], zie ook [12]. " * 10
    chunks = list(views.stream_chunks(text, max_chunks=25))
    assert 5 <= len(chunks) <= 26
    assert chunks[-1] == text
    for a, b in itertools.pairwise(chunks):
        assert b.startswith(a) and len(b) > len(a)
    for c in chunks:
        assert c.count("[") == c.count("]")
    assert list(views.stream_chunks("")) == [""]


def test_sources_mark_the_cited_sentence_and_fold_the_rest(scripted, corpus):
    answer = scripted.ask("Hoeveel draagt Nederland bij aan het Revolving Fund?")
    html = views.render_sources(answer, {d.doc_id: d for d in corpus.documents})
    assert f"<mark>{REVOLVING_SENTENCE}</mark>" in html
    assert html.count('class="qa-source"') == 1
    assert 'data-cite="1"' in html and f'data-doc="{REVOLVING_DOC}"' in html
    assert views.esc(corpus.get(REVOLVING_DOC).title) in html
    assert "§ COVID-19" in html
    uncited = len(answer.passages) - 1
    assert html.count("<details") == uncited and f"Retrieved but not cited ({uncited})" in html
    assert "score 0.5000" in html


def test_sources_fall_back_to_the_quote_when_no_passage_holds_it(scripted, corpus):
    answer = scripted.ask("Hoeveel?")
    c = answer.citations[0]
    lonely = type(answer)(answer.question, "nl", answer.answer, False, (c,), (), {})
    html = views.render_sources(lonely, {d.doc_id: d for d in corpus.documents})
    assert f"<mark>{views.esc(c.quote)}</mark>" in html


def test_abstained_answer_says_so(scripted, corpus):
    answer = scripted.ask("Hoeveel?")
    refused = type(answer)(answer.question, "nl", "Dat staat niet in de brieven.", True, (), answer.passages, {})
    html = views.render_sources(refused, {d.doc_id: d for d in corpus.documents})
    assert "do not answer" in html and "<mark>" not in html


def test_letter_view_marks_the_span_once_with_an_id(corpus):
    doc = corpus.get(REVOLVING_DOC)
    start = doc.text.index(REVOLVING_SENTENCE)
    html = views.render_letter(doc, start, start + len(REVOLVING_SENTENCE), n=1)
    assert html.count(f'id="{views.LETTER_MARK_ID}"') == 1
    assert f'<mark id="{views.LETTER_MARK_ID}">{REVOLVING_SENTENCE}</mark>' in html
    assert html.count("<p>") >= 5  # paragraphs preserved
    assert "<h4" in html  # section titles become headings
    # every word of the letter is there (as escaped text)
    plain = re.sub(r"<[^>]+>", " ", html)
    assert "Oekraïne" in plain and "NSPA" in plain


def test_letter_view_escapes_document_text(corpus):
    doc = corpus.get(REVOLVING_DOC)
    evil = type(doc)(
        doc_id="x", title="<script>alert(1)</script>", kind="meeting_report", text="Zie <img src=x> & meer."
    )
    html = views.render_letter(evil, 0, 3)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;img src=x&gt; &amp; meer." in html
    assert "<script>" not in views.render_overview([evil])


def test_parse_dates_and_filters(scripted):
    assert parse_date("", "from") is None
    assert parse_date(" 2020-06-17 ", "from") == date(2020, 6, 17)
    for bad in ("17-06-2020", "2020-02-30", "2020-6-1", "gisteren"):
        with pytest.raises(QuestionError, match="YYYY-MM-DD"):
            parse_date(bad, "from")
    title = scripted.corpus.get(REVOLVING_DOC).title
    assert parse_filters(scripted, [title], "2020-01-01", "") == ([REVOLVING_DOC], date(2020, 1, 1), None)
    assert parse_filters(scripted, [], "", "") == (None, None, None)
    with pytest.raises(QuestionError, match="unknown letter"):
        parse_filters(scripted, ["Brief die niet bestaat"], "", "")
    with pytest.raises(QuestionError, match="date range is empty"):
        parse_filters(scripted, None, "2021-01-01", "2020-01-01")


def test_error_text_is_a_sentence_not_a_trace():
    assert error_text(QuestionError("the question is empty")) == "The question is empty"
    text = error_text(RuntimeError("boom at line 3"))
    assert "RuntimeError" in text and "boom" not in text and "Traceback" not in text


def test_login_from_environment(monkeypatch):
    monkeypatch.delenv("QA_USERNAME", raising=False)
    monkeypatch.delenv("QA_PASSWORD", raising=False)
    assert auth_from_env() is None
    monkeypatch.setenv("QA_USERNAME", "kamer")
    with pytest.raises(QAError, match="both"):
        auth_from_env()
    monkeypatch.setenv("QA_PASSWORD", "geheim")
    assert auth_from_env() == ("kamer", "geheim")
