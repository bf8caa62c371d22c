"""Questions that name their meeting by something else that happened there."""

from __future__ import annotations

import numpy as np
import pytest

from qa.meeting_clause import doc_indices, letter_bonus, split_meeting_clause


@pytest.mark.parametrize(
    ("question", "identifier", "main"),
    [
        (
            "At the defence ministerial where the Secretary General spoke about Volkel, what did they agree on Iraq?",
            "the Secretary General spoke about Volkel",
            "what did they agree on Iraq?",
        ),
        (
            "A few days before the ministerial at which France raised a ship incident, what did NATO grant Ukraine?",
            "France raised a ship incident",
            "what did NATO grant Ukraine?",
        ),
        (
            "Tijdens de bijeenkomst waarop Nederland een Letter of Intent tekende, wat zei de SG over Irak?",
            "Nederland een Letter of Intent tekende",
            "wat zei de SG over Irak?",
        ),
        (
            "Wat keurden de bondgenoten goed tijdens de eerste ministeriële waarbij Noord-Macedonië aanwezig was?",
            "Noord-Macedonië aanwezig was",
            "Wat keurden de bondgenoten goed?",
        ),
        (  # "waaraan ... voorafging": what came before the meeting names it too
            "Welk bedrag zegde Nederland toe, op de ministeriële waaraan een overleg van de NPG voorafging?",
            "een overleg van de NPG voorafging",
            "Welk bedrag zegde Nederland toe?",
        ),
        (  # before a colon, no "waar" is needed
            "Op de eerste ministeriële met Noord-Macedonië als bondgenoot: wie kreeg de opdracht?",
            "met Noord-Macedonië als bondgenoot",
            "wie kreeg de opdracht?",
        ),
        (  # "het NAVO-overleg", a het-word with a prefix
            "Tijdens het NAVO-overleg waar steun werd uitgesproken voor een document: wat zei de minister?",
            "steun werd uitgesproken voor een document",
            "wat zei de minister?",
        ),
        (
            "At the ministerial with Finland and Sweden present: what was said?",
            "with Finland and Sweden present",
            "what was said?",
        ),
    ],
)
def test_clause_naming_the_meeting_is_split_off(question, identifier, main):
    clause = split_meeting_clause(question)
    assert clause is not None and (clause.identifier, clause.main) == (identifier, main)


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel draagt Nederland bij aan het Revolving Fund?",
        "Wanneer was de bijeenkomst waarop het Defence Capability Review Report werd vastgesteld?",  # no rest
        "Which meetings of NATO defence ministers in 2020 do the letters refer to?",
        "Tijdens welke bijeenkomst gaven de ministers hun goedkeuring aan een operatieplan?",
    ],
)
def test_questions_without_such_a_clause_are_left_whole(question):
    assert split_meeting_clause(question) is None


def test_letter_bonus_scales_each_letter_by_its_best_passage():
    docs = doc_indices(["a", "a", "b", "c", "c"])
    assert docs.tolist() == [0, 0, 1, 2, 2]
    bonus = letter_bonus(np.array([0.2, 0.9, 0.5, 0.1, 0.3]), docs)
    np.testing.assert_allclose(bonus, [1.0, 1.0, 0.2 / 0.6, 0.0, 0.0])  # letters a 0.9, b 0.5, c 0.3: min-max
    np.testing.assert_allclose(letter_bonus(np.ones(3), doc_indices(["a", "b", "b"])), [0.0, 0.0, 0.0])  # no signal
    assert letter_bonus(np.zeros(0), doc_indices([])).shape == (0,)


def test_clause_after_van_de_bijeenkomst_or_before_a_colon():
    trailing = split_meeting_clause("Wat tekende Nederland en marge van de bijeenkomst waarin de SG Volkel noemde?")
    assert trailing is not None and trailing.main == "Wat tekende Nederland en marge?"
    colon = split_meeting_clause("Tijdens de bijeenkomst waar het Strategic Plan aan bod kwam: wat besloot men?")
    assert colon is not None and colon.main == "wat besloot men?"
