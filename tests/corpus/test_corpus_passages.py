"""Offsets, sentences and passages: every citation must point at exactly the text it quotes."""

from __future__ import annotations

import itertools

import pytest

from corpus.passages import sentence_spans

MAX_WORDS = 120  # the documented passage size


def sections_with_passages(corpus):
    for doc in corpus.documents:
        for section in doc.sections:
            yield doc, section, [p for p in doc.passages if p.section_id == section.section_id]


def sentences(doc, section):
    return sentence_spans(doc.text, section.start, section.end)


def test_section_offsets_slice_the_text_back(corpus):
    for doc in corpus.documents:
        for section in doc.sections:
            assert doc.text[section.start : section.end] == section.text, section.section_id


def test_passage_offsets_slice_the_text_back(corpus):
    for doc in corpus.documents:
        assert doc.passages, doc.doc_id
        for passage in doc.passages:
            assert doc.text[passage.start : passage.end] == passage.text, passage.passage_id
            assert passage.doc_id == doc.doc_id


def test_sections_are_in_order_and_do_not_overlap(corpus):
    for doc in corpus.documents:
        for before, after in itertools.pairwise(doc.sections):
            assert before.end <= after.start, (before.section_id, after.section_id)


def test_passages_lie_inside_their_section_with_its_heading(corpus):
    for _doc, section, passages in sections_with_passages(corpus):
        assert passages, section.section_id  # every section can be retrieved
        for passage in passages:
            assert section.start <= passage.start < passage.end <= section.end
            assert passage.heading == section.heading


def test_passage_ids_are_unique(corpus):
    ids = [p.passage_id for doc in corpus.documents for p in doc.passages]
    assert len(ids) == len(set(ids))


def test_passages_are_bounded_unless_one_sentence_is_longer(corpus):
    for doc, section, passages in sections_with_passages(corpus):
        spans = sentences(doc, section)
        for passage in passages:
            inside = [s for s in spans if passage.start <= s[0] and s[1] <= passage.end]
            assert len(passage.text.split()) <= MAX_WORDS or len(inside) == 1, passage.passage_id


def test_every_sentence_is_whole_in_some_passage(corpus):
    for doc, section, passages in sections_with_passages(corpus):
        for start, end in sentences(doc, section):
            assert any(p.start <= start and end <= p.end for p in passages), doc.text[start:end]


def test_consecutive_passages_overlap_by_one_sentence(corpus):
    pairs = 0
    for doc, section, passages in sections_with_passages(corpus):
        spans = sentences(doc, section)
        for first, second in itertools.pairwise(passages):
            shared = [s for s in spans if first.start <= s[0] and s[1] <= first.end and second.start <= s[0]]
            assert len(shared) == 1 and shared[0] == (second.start, first.end), (first.passage_id, second.passage_id)
            pairs += 1
    assert pairs >= 5  # long sections exist, so the overlap rule was exercised


def test_passages_start_and_end_on_sentence_bounds(corpus):
    for doc, section, passages in sections_with_passages(corpus):
        starts = {s[0] for s in sentences(doc, section)}
        ends = {s[1] for s in sentences(doc, section)}
        for passage in passages:
            assert passage.start in starts and passage.end in ends, passage.passage_id


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Diverse ministers, w.o. Nederland, benadrukten het belang van doorbreken van de politieke impasse.",
            ["Diverse ministers, w.o. Nederland, benadrukten het belang van doorbreken van de politieke impasse."],
        ),
        (
            "De Minister van Defensie, A.Th.B. Bijleveld-Schouten, tekende. Daarna niets.",
            ["De Minister van Defensie, A.Th.B. Bijleveld-Schouten, tekende.", "Daarna niets."],
        ),
        (
            "een sessie van ruim drie uur op 2 april jl. Veel van de aandacht van ministers ging uit naar de impact.",
            [
                "een sessie van ruim drie uur op 2 april jl.",
                "Veel van de aandacht van ministers ging uit naar de impact.",
            ],
        ),
        (
            "het uitgangspunt: «in together, adjust together and out together». Nederland vroeg daarnaast aandacht.",
            [
                "het uitgangspunt: «in together, adjust together and out together».",
                "Nederland vroeg daarnaast aandacht.",
            ],
        ),
        (  # "jl." before a parenthesised citation is no sentence end (letter 003)
            "op 2 april jl. (Kamerstuk 28 676, nr. 338). De vergadering staat in het teken van COVID-19.",
            ["op 2 april jl. (Kamerstuk 28 676, nr. 338).", "De vergadering staat in het teken van COVID-19."],
        ),
        (
            "Het belang van het overeind houden, o.a. door betere implementatie. Ook New START.",
            ["Het belang van het overeind houden, o.a. door betere implementatie.", "Ook New START."],
        ),
        (
            "handgel, handschoenen etc.). De secretaris-generaal van de NAVO benadrukte dat.",
            ["handgel, handschoenen etc.).", "De secretaris-generaal van de NAVO benadrukte dat."],
        ),
        (  # a full stop inside brackets ends no sentence
            "De protocollen (Trb. 2022, 58) zijn getekend. De goedkeuring volgt.",
            ["De protocollen (Trb. 2022, 58) zijn getekend.", "De goedkeuring volgt."],
        ),
        (  # a bracket that never closes nearby does not swallow the paragraph
            "Zie bijlage (deel 1. Daarna komt de rest van de tekst die lang doorgaat zonder sluithaakje.",
            ["Zie bijlage (deel 1.", "Daarna komt de rest van de tekst die lang doorgaat zonder sluithaakje."],
        ),
        ("Eerste alinea.\n\nTweede alinea zonder punt", ["Eerste alinea.", "Tweede alinea zonder punt"]),
        ("", []),
        ("   \n\n  ", []),
    ],
)
def test_sentence_splitter(text, expected):
    assert split(text) == expected


def test_sentence_spans_of_a_slice_keep_document_offsets():
    text = "Kop\n\nEen zin. Nog een zin."
    spans = sentence_spans(text, 5, len(text))
    assert [text[a:b] for a, b in spans] == ["Een zin.", "Nog een zin."]
    assert spans[0][0] == 5
