"""Quoting: which sentences read whole on their own (the composer end to end runs in test_qa_real.py)."""

from __future__ import annotations

import pytest

from qa.quoting import ANAPHORA


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("Nederland draagt hier 1 miljoen euro aan bij.", True),
        ("De NAVO heeft daarom partners en partnerschappen nodig.", True),  # the reason is the sentence before
        ("Daarom stelt de SG NAVO voor het gemeenschappelijk budget te verhogen.", True),
        ("Dit betekent dat samenwerking met Oekraïne wordt uitgebreid.", True),
        ("De reflectiegroep is samengesteld uit 10 personen.", False),
    ],
)
def test_a_sentence_leaning_on_the_one_before(sentence, leans):
    assert bool(ANAPHORA.search(sentence)) is leans
