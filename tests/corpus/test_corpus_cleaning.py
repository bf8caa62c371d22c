"""Cleaning on the real letters: page furniture, line-end hyphens, footnote markers and footnotes."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from corpus.cleaning import lexicon_of

FURNITURE = ("kst-", "ISSN", "'s-Gravenhage 2020 Tweede Kamer, vergaderjaar", "’s-Gravenhage", "vergaderjaar 2019")


def all_texts(corpus):
    """(where, text) for every document, section and passage: furniture must be in none of them."""
    for doc in corpus.documents:
        yield doc.doc_id, doc.text
        for section in doc.sections:
            yield section.section_id, section.text
        for passage in doc.passages:
            yield passage.passage_id, passage.text


def test_the_raw_letters_do_carry_page_furniture(raw_letters):
    """Otherwise the test below proves nothing."""
    raw = raw_letters["003_b1d8a65b01473dfa"]
    assert "kst-28676-339" in raw and "ISSN 0921 - 7371" in raw and "’s-Gravenhage 2020 Tweede Kamer" in raw


@pytest.mark.parametrize("furniture", FURNITURE)
def test_no_page_furniture_is_left(corpus, furniture):
    for where, text in all_texts(corpus):
        assert furniture not in text, where


def test_a_sentence_broken_by_a_page_footer_is_joined(corpus):
    doc = corpus.get("003_b1d8a65b01473dfa")
    assert "Tevens spreken zij over welke additionele steunmaatregelen wenselijk zijn." in doc.text


# (doc id, what the cleaned text must contain, what it must not)
HYPHEN_CASES = [
    ("004_5bee7b7e70133a4b", "afschrikking en verdediging, Afghanistan", "verde-"),  # "verde-" / "diging"
    ("001_42c0a636b663bd7b", "gepubliceerde Defensievisie 2035", "Defensie-visie"),
    ("000_c54184f091ec131b", "De secretaris-generaal heeft aangegeven", "secretarisgeneraal"),
    ("001_42c0a636b663bd7b", "inspanningen van de secretaris-generaal om", "secretarisgeneraal"),
    ("002_2b3a2a813bb728d5", "de Secretaris-generaal van de NAVO aan", "Secretarisgeneraal"),
    ("000_c54184f091ec131b", "spraken de ministers over de COVID-19-uitbraak.", "COVID-19uitbraak"),
    ("000_c54184f091ec131b", "in de veiligheids- en defensiesector", "veiligheidsen"),
    ("002_2b3a2a813bb728d5", "zodra de veiligheids- en gezondheidssituatie", "gezond-heidssituatie"),
    ("002_2b3a2a813bb728d5", "aantal trainings- en adviestaken overnemen", "advies-taken"),
    ("000_c54184f091ec131b", "versterken van lucht- en raketverdediging", "luchten"),
    ("003_b1d8a65b01473dfa", "activiteiten die in NAVO-kader worden ontplooid", "NAVOkader"),
    ("003_b1d8a65b01473dfa", "de Minister van Binnenlandse Zaken", "Binnen-landse"),
    ("004_5bee7b7e70133a4b", "De beide Nederlandse Ministers", "Neder-landse"),
    ("004_5bee7b7e70133a4b", "relatie van de NAVO met Afghanistan.", "Afgha-nistan"),
    ("001_42c0a636b663bd7b", "NAVO-missies en -operaties", "NAVO-missies en operaties"),  # not a line end
]


@pytest.mark.parametrize(("doc_id", "present", "absent"), HYPHEN_CASES)
def test_hyphenation(corpus, doc_id, present, absent):
    text = corpus.get(doc_id).text
    assert present in text
    assert absent not in text


def line_end_splits(raw: str):
    """(left, right) for each word split over a line end: "verde-" then "diging" on the next non-empty line."""
    lines = raw.splitlines()
    for i, line in enumerate(lines):
        left = re.search(r"(\w+)-$", line.rstrip())
        if not left:
            continue
        following = next((ln for ln in lines[i + 1 :] if ln.strip()), "")
        right = re.match(r"\s*([a-zà-ÿ]\w*)", following)
        if right:
            yield left.group(1), right.group(1)


def test_line_end_splits_are_rejoined_as_the_corpus_writes_them(corpus, raw_letters):
    """Generic: a word split at a line end is joined whole where the letters write it whole elsewhere,
    and keeps its hyphen where they write it with one."""
    lexicon = lexicon_of(list(raw_letters.values()))
    checked = Counter()
    for doc_id, raw in raw_letters.items():
        text = corpus.get(doc_id).text
        for left, right in line_end_splits(raw):
            whole, hyphenated = f"{left}{right}", f"{left}-{right}"
            if lexicon[whole.lower()] > lexicon[hyphenated.lower()]:
                assert whole in text and f"{left}- {right}" not in text and hyphenated not in text, (doc_id, whole)
                checked["whole"] += 1
            elif lexicon[hyphenated.lower()] > lexicon[whole.lower()]:
                assert hyphenated in text, (doc_id, hyphenated)
                checked["hyphenated"] += 1
    assert checked["whole"] >= 5 and checked["hyphenated"] >= 3  # the check did bite


def test_no_lowercase_word_dangles_after_a_hyphen_and_space(corpus):
    """ "verde- diging" would be a failed join; only suspended compounds ("lucht- en") may look like that."""
    for where, text in all_texts(corpus):
        for found in re.finditer(r"\b\w+- ([a-zà-ÿ]\w*)", text):
            assert found.group(1) in {"en", "of", "tot"}, (where, found.group(0))


@pytest.mark.parametrize("glued", ["luchtruimverdediging1", "toe1", "genomen2"])
def test_footnote_markers_are_not_left_glued(corpus, glued):
    for where, text in all_texts(corpus):
        assert glued not in text, where


def test_no_digit_is_glued_to_a_lowercase_word(corpus):
    """Generic form of the above: markers follow a lowercase letter; "NAVO2030" or "COVID-19" do not."""
    for where, text in all_texts(corpus):
        assert not re.search(r"[a-zà-ÿ]\d{1,2}\b", text), where


def test_the_markers_are_cut_where_they_stood(corpus):
    assert "op het gebied van grondgebonden luchtruimverdediging. Nederland" in corpus.get("001_42c0a636b663bd7b").text
    text = corpus.get("002_2b3a2a813bb728d5").text
    assert "Deze verklaring gaat u in de bijlage toe." in text
    assert "in februari 2020 genomen." in text


ALLIES = "België, Denemarken, Duitsland, Hongarije, Italië, Letland, Slovenië, Spanje en het Verenigd Koninkrijk"


def test_the_footnote_naming_the_nine_allies_is_retrievable(corpus):
    doc = corpus.get("001_42c0a636b663bd7b")
    [section] = [s for s in doc.sections if ALLIES in s.text]
    assert section.heading == "Letter of Intent grondgebonden luchtverdediging > Voetnoot 1"
    assert section.text == f"De negen bondgenoten zijn: {ALLIES}."
    passages = [p for p in doc.passages if ALLIES in p.text]
    assert passages and all(p.section_id == section.section_id and p.doc_id == doc.doc_id for p in passages)
    other_docs = [d.doc_id for d in corpus.documents if d is not doc and ALLIES in d.text]
    assert other_docs == []


def test_footnotes_of_letter_002_hang_under_the_sections_citing_them(corpus):
    doc = corpus.get("002_2b3a2a813bb728d5")
    notes = {s.heading.rsplit(" > ", 1)[-1]: s for s in doc.sections if "Voetnoot" in s.heading}
    assert notes["Voetnoot 1"].text == "Raadpleegbaar via www.tweedekamer.nl"
    assert notes["Voetnoot 2"].text.endswith("Kamerstuk 28 676, nr. 334")
    assert any(p.section_id == notes["Voetnoot 2"].section_id for p in doc.passages)
