"""The bundled evaluation set: its format, and that its evidence really is in the cleaned letters."""

from __future__ import annotations

from collections import Counter

import pytest

from evals.dataset import REQUIRED, contains_answer, evidence_spans, load_questions, locate

MIN_QUESTIONS = 100
MIN_ENGLISH = 15
MIN_UNANSWERABLE = 15


@pytest.fixture(scope="module")
def questions():
    return load_questions()


def test_size_and_mix(questions):
    languages = Counter(q.language for q in questions)
    assert len(questions) >= MIN_QUESTIONS
    assert languages["en"] >= MIN_ENGLISH
    assert set(languages) <= {"nl", "en"}
    assert sum(not q.answerable for q in questions) >= MIN_UNANSWERABLE


def test_every_line_has_the_required_keys():
    import json

    from evals.dataset import QUESTIONS_FILE

    for n, line in enumerate(QUESTIONS_FILE.read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        assert set(REQUIRED) <= set(row), f"line {n} lacks {set(REQUIRED) - set(row)}"
        assert isinstance(row["answers"], list) and isinstance(row["doc_ids"], list), f"line {n}"


def test_ids_unique_and_fields_filled(questions):
    ids = [q.id for q in questions]
    assert len(ids) == len(set(ids))
    for q in questions:
        assert q.question.strip() and q.category.strip(), q.id
        if q.answerable:
            assert q.answers and all(a.strip() for a in q.answers), q.id
            assert q.evidence.strip(), q.id
        else:
            assert q.category == "unanswerable" and not q.answers and not q.evidence, q.id


def test_doc_ids_exist(questions, corpus):
    known = {d.doc_id for d in corpus.documents}
    for q in questions:
        assert set(q.doc_ids) <= known, f"{q.id}: unknown {set(q.doc_ids) - known}"
        assert len(set(q.doc_ids)) == len(q.doc_ids), q.id


def test_evidence_quotes_occur_in_the_cleaned_first_letter(questions, corpus):
    missing = [q.id for q in questions if q.answerable and locate(corpus.get(q.doc_ids[0]).text, q.evidence) is None]
    assert not missing, f"evidence not found in the cleaned text: {missing}"
    for q in questions:
        assert bool(evidence_spans(corpus, q)) == q.answerable, q.id


def test_accepted_answers_occur_in_a_listed_letter(questions, corpus):
    for q in questions:
        texts = [corpus.get(d).text for d in q.doc_ids]
        for answer in q.answers:
            assert any(contains_answer(t, (answer,)) for t in texts), f"{q.id}: {answer!r} not in {q.doc_ids}"
