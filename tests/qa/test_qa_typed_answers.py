"""Typed answers: the text a candidate sentence is read with, and what a count question counts."""

from __future__ import annotations

import pytest

from qa.typed_answers import _found, counted_terms, near_text


def test_near_text_reads_a_sentence_with_its_heading_and_neighbours_in_its_section(fake_index):
    sentences = fake_index.sentences
    j = next(
        i for i in range(1, len(sentences) - 1) if len({(s.doc_id, s.heading) for s in sentences[i - 1 : i + 2]}) == 1
    )
    here = sentences[j]
    assert near_text(j, sentences) == " ".join([here.heading, sentences[j - 1].text, here.text])
    assert near_text(j, sentences, after=True).endswith(sentences[j + 1].text)


def test_near_text_stops_at_the_section_boundary(fake_index):
    sentences = fake_index.sentences
    j = next(i for i in range(1, len(sentences)) if sentences[i].heading != sentences[i - 1].heading)
    assert near_text(j, sentences) == f"{sentences[j].heading} {sentences[j].text}"


def test_sequels_are_the_next_sentence_and_the_sections_footnotes(fake_index):
    from types import SimpleNamespace

    from qa.typed_answers import sequels

    sentences = fake_index.sentences
    j = next(i for i, s in enumerate(sentences) if s.text.startswith("En marge van de bijeenkomst tekende Nederland"))
    note = next(i for i, s in enumerate(sentences) if s.text.startswith("De negen bondgenoten zijn:"))
    found = sequels(SimpleNamespace(index=j), sentences)
    assert note in found and sentences[note].heading.endswith("> Voetnoot 1")
    assert (j + 1 in found) == (sentences[j + 1].heading == sentences[j].heading)
    assert all(sentences[i].doc_id == sentences[j].doc_id for i in found)


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("Hoeveel Nederlandse militairen werken mee?", [{"militair"}, {"werk"}]),  # not the country's adjective
        ("How many Patriot launchers does the Netherlands have?", [{"patriot"}, {"launcher"}]),
        ("Met hoeveel andere bondgenoten tekende Nederland?", [{"bondnoot"}, {"teek"}]),  # the first two words
        ("How many of them are women?", []),  # counts what came before
        ("Over hoeveel mensen strekt de bescherming zich uit?", []),  # people of any kind: "1 miljard inwoners"
        ("How many people live in the treaty area?", []),
        ("Binnen hoeveel dagen kan de missie terugtrekken?", []),  # a time
        ("Wat besloten de ministers?", []),
    ],
)
def test_counted_terms(question, counted):
    assert [set(g) for g in counted_terms(question, [])] == counted


def test_a_counted_word_is_found_in_a_compound_or_a_cognate():
    assert _found(frozenset({"samenwerkingsproject"}), ["74", "project"])
    assert _found(frozenset({"session"}), ["twee", "sessie"])
    assert not _found(frozenset({"launcher"}), ["drie", "kerntak"])


def test_the_antecedent_is_the_sentence_before_in_the_same_section(fake_index):
    from qa.typed_answers import antecedent

    sentences = fake_index.sentences
    first = next(i for i in range(1, len(sentences)) if sentences[i].heading != sentences[i - 1].heading)
    assert antecedent(first, sentences) == set()  # the section starts here
    assert antecedent(first + 1, sentences) == (
        {first} if sentences[first + 1].heading == sentences[first].heading else set()
    )
    assert antecedent(0, sentences) == set()


def test_a_footnote_is_read_with_the_section_that_cites_it(fake_index):
    sentences = fake_index.sentences
    j = next(i for i, s in enumerate(sentences) if s.text.startswith("De negen bondgenoten zijn:"))
    home = sentences[j].heading.rpartition(" > Voetnoot ")[0]
    cited = [s.text for s in sentences if s.doc_id == sentences[j].doc_id and s.heading == home]
    near = near_text(j, sentences, after=True)
    assert cited and all(text in near for text in cited) and "Letter of Intent" in near
    assert near.index(cited[0]) < near.index(cited[-1])  # in the letter's order
