"""The extractive composer's small helpers; the composer itself runs on the real model in test_qa_real.py."""

from __future__ import annotations

from types import SimpleNamespace

from qa.compose import top_letter_first


def _candidate(index: int, doc_id: str):
    return SimpleNamespace(index=index, passage=SimpleNamespace(doc_id=doc_id))


def test_typed_candidates_from_the_top_passages_letter_go_first_each_group_in_its_order():
    typed = [_candidate(1, "april"), _candidate(2, "agenda"), _candidate(3, "april"), _candidate(4, "agenda")]
    assert [c.index for c in top_letter_first(typed, "agenda")] == [2, 4, 1, 3]
    assert [c.index for c in top_letter_first(typed, "june")] == [1, 2, 3, 4]  # that letter holds none
