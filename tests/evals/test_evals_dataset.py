"""The evaluation sets (bundled and held-out): their format, and that their evidence is in the cleaned letters."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from evals.dataset import (
    HELDOUT_SETS,
    QUESTIONS_FILE,
    REQUIRED,
    contains_answer,
    evidence_spans,
    load_questions,
    locate,
    normalize,
)


@dataclass(frozen=True)
class EvalSet:
    path: Path
    min_questions: int
    min_english: int
    min_unanswerable: int


EVAL_SETS = [
    pytest.param(EvalSet(QUESTIONS_FILE, min_questions=100, min_english=15, min_unanswerable=15), id="bundled"),
    *(
        pytest.param(EvalSet(path, min_questions=60, min_english=20, min_unanswerable=15), id=name)
        for name, path in HELDOUT_SETS.items()
    ),
]


@pytest.fixture(scope="module", params=EVAL_SETS)
def eval_set(request) -> EvalSet:
    return request.param


@pytest.fixture(scope="module")
def questions(eval_set):
    return load_questions(eval_set.path)


def test_size_and_mix(questions, eval_set):
    languages = Counter(q.language for q in questions)
    assert len(questions) >= eval_set.min_questions
    assert languages["en"] >= eval_set.min_english
    assert set(languages) <= {"nl", "en"}
    assert sum(not q.answerable for q in questions) >= eval_set.min_unanswerable


def test_every_line_has_the_required_keys(eval_set):
    for n, line in enumerate(eval_set.path.read_text(encoding="utf-8").splitlines(), start=1):
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


@pytest.mark.parametrize("position", range(len(HELDOUT_SETS)), ids=list(HELDOUT_SETS))
def test_heldout_questions_are_not_copies_of_earlier_ones(position):
    files = [QUESTIONS_FILE, *HELDOUT_SETS.values()]
    path, earlier = files[position + 1], files[: position + 1]
    seen = [q for file in earlier for q in load_questions(file)]
    heldout = load_questions(path)
    copied = [q.id for q in heldout if normalize(q.question) in {normalize(s.question) for s in seen}]
    assert not copied, f"held-out questions that repeat an earlier question: {copied}"
    assert not {q.id for q in heldout} & {q.id for q in seen}


def test_letters_dev_format_and_evidence_spans_are_read(tmp_path):
    import json

    from evals.dataset import load_questions

    letters = tmp_path / "letters"
    letters.mkdir()
    (letters / "brief-2019.txt").write_text("Kop\n\nDe oefening is verplaatst naar november 2019.\n", encoding="utf-8")
    rows = [
        {"id": "d1", "q": "Wanneer is de oefening?", "language": "nl", "answers": ["november 2019"],
         "docs": ["brief-2019.txt"], "evidence": "De oefening is verplaatst naar november 2019."},
        {"id": "d2", "q": "Wie oefent?", "language": "nl", "answers": [], "docs": [], "evidence": ""},
        {"id": "u1", "question": "Wanneer?", "language": "nl", "answers": ["november 2019"],
         "doc_ids": ["brief-2019"], "evidence": "", "evidence_span": [5, 50], "category": "date"},
    ]  # fmt: skip
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    first, second, third = load_questions(path, [letters])
    assert first.question == "Wanneer is de oefening?" and first.doc_ids == ("brief-2019",) and first.answerable
    assert second.category == "unanswerable" and not second.answerable
    assert third.evidence == "De oefening is verplaatst naar november 2019."
