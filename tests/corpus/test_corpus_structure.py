"""Headings and metadata of the five real letters, checked by hand against the raw text in corpus/*.txt."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from corpus import Corpus, load_corpus

BIJLEVELD = ("A.Th.B. Bijleveld-Schouten",)

# Every section's heading path, in order. "Inleiding" is the letterhead and untitled text before the first heading;
# "Ondertekening" the signature block; a footnote becomes its own section under the section that cites it.
HEADINGS = {
    "000_c54184f091ec131b": [
        "Inleiding",
        "Afschrikking en verdediging",
        "Missies en operaties > Afghanistan",
        "Missies en operaties > Irak",
        "COVID-19",
        "Oekraïne Enhanced Opportunities Partner",
        "Nieuw kader voor beheer NAVO trustfunds",
        "Ondertekening",
    ],
    "001_42c0a636b663bd7b": [
        "Inleiding",
        "Lastenverdeling",
        "Afschrikking en verdediging",
        "Middellandse Zee",
        "Operaties en missies",
        "Operaties en missies > Irak",
        "Operaties en missies > Afghanistan",
        "Vrouwen, vrede en veiligheid",
        "Letter of Intent grondgebonden luchtverdediging",
        "Ondertekening",
        "Letter of Intent grondgebonden luchtverdediging > Voetnoot 1",
    ],
    # A cover letter signed by Blok, then the report itself under its own (capitalised) title.
    "002_2b3a2a813bb728d5": [
        "Inleiding",
        "Ondertekening",
        "VERSLAG BIJEENKOMST NAVO MINISTERS VAN BUITENLANDSE ZAKEN VAN 2 april 2020",
        "COVID-19",
        "Het Zuiden > Irak",
        "Het Zuiden > Midden Oosten en Noord Afrika",
        "Het Zuiden > Turkije/Syrië",
        "Het Zuiden > Afghanistan",
        "Strategische stabiliteit",
        "Reflectieproces van de NAVO",
        "VERSLAG BIJEENKOMST NAVO MINISTERS VAN BUITENLANDSE ZAKEN VAN 2 april 2020 > Voetnoot 1",
        "Het Zuiden > Irak > Voetnoot 2",
    ],
    "003_b1d8a65b01473dfa": [
        "Inleiding",
        "Steunmaatregelen",
        "Gevolgen uitbraak COVID-19",
        "Desinformatie",
        "Kamervragen",
        "Ondertekening",
    ],
    "004_5bee7b7e70133a4b": [
        "Inleiding",
        "NAVO2030",
        "Rusland",
        "Afghanistan",
        "Afschrikking en verdediging",
        "Cyber",
        "Conflict gerelateerd seksueel geweld",
        "Klimaat",
    ],
}

# doc id -> (title, kind, letter_date, meeting_dates, ministers, kamerstuk); None / () where the letter is silent.
METADATA = {
    "000_c54184f091ec131b": (
        "Verslag NAVO-ministers van Defensie, 17 en 18 juni 2020",
        "meeting_report",
        None,
        (date(2020, 6, 17), date(2020, 6, 18)),
        BIJLEVELD,
        None,
    ),
    "001_42c0a636b663bd7b": (
        "Verslag NAVO-Ministers van Defensie, 22 en 23 oktober 2020",
        "meeting_report",
        date(2020, 11, 6),
        (date(2020, 10, 22), date(2020, 10, 23)),
        BIJLEVELD,
        "28 676, nr. 348",  # "Nr. 348" in the header; the dossier its citations of siblings share
    ),
    "002_2b3a2a813bb728d5": (
        "Verslag NAVO-ministers van Buitenlandse Zaken, 2 april 2020",
        "meeting_report",
        None,
        (date(2020, 4, 2),),
        ("S.A. Blok",),
        None,
    ),
    "003_b1d8a65b01473dfa": (
        "Geannoteerde agenda NAVO-ministers van Defensie, 15 april 2020",
        "annotated_agenda",
        date(2020, 4, 9),
        (date(2020, 4, 15),),
        BIJLEVELD,
        "28 676, nr. 339",  # from the page footer, not from the "nr. 338" the letter cites
    ),
    "004_5bee7b7e70133a4b": (
        "Verslag ministers van buitenlandse zaken en defensie, 1 juni 2021",  # the capitalised title, lowered
        "meeting_report",
        None,
        (date(2021, 6, 1),),
        (),  # unsigned; Kaag and Bijleveld are only mentioned in the text
        None,
    ),
}


def test_the_five_letters_are_loaded_without_problems(corpus):
    assert [d.doc_id for d in corpus.documents] == sorted(HEADINGS)
    assert corpus.problems == ()


@pytest.mark.parametrize("doc_id", sorted(HEADINGS))
def test_heading_paths(corpus, doc_id):
    assert [s.heading for s in corpus.get(doc_id).sections] == HEADINGS[doc_id]


@pytest.mark.parametrize("doc_id", sorted(HEADINGS))
def test_every_heading_is_a_line_of_the_raw_letter(corpus, raw_letters, doc_id):
    """Guards the table above against typos: each path step (bar the synthetic ones) is in the raw letter."""
    raw_lines = {" ".join(line.split()) for line in raw_letters[doc_id].splitlines()}
    raw_flat = " ".join(raw_letters[doc_id].split())
    for section in corpus.get(doc_id).sections:
        for step in section.heading.split(" > "):
            if step in ("Inleiding", "Ondertekening") or step.startswith("Voetnoot "):
                continue
            assert step in raw_lines or step in raw_flat, step


@pytest.mark.parametrize("doc_id", sorted(METADATA))
def test_metadata(corpus, doc_id):
    doc = corpus.get(doc_id)
    title, kind, letter_date, meeting_dates, ministers, kamerstuk = METADATA[doc_id]
    assert doc.title == title
    assert doc.kind == kind
    assert doc.letter_date == letter_date
    assert doc.meeting_dates == meeting_dates
    assert doc.ministers == ministers
    assert doc.kamerstuk == kamerstuk


def test_section_ids_are_unique_and_name_their_document(corpus):
    for doc in corpus.documents:
        ids = [s.section_id for s in doc.sections]
        assert len(ids) == len(set(ids))
        assert all(s.doc_id == doc.doc_id and s.section_id.startswith(f"{doc.doc_id}#") for s in doc.sections)


def test_letterhead_opens_the_first_section_and_signature_is_its_own(corpus):
    """The date line and the signatory are citable ("Wanneer is de brief verstuurd?"), each in a known place."""
    first = corpus.get("001_42c0a636b663bd7b").sections[0]
    assert first.heading == "Inleiding" and first.text.startswith("Nr. 348 BRIEF VAN DE MINISTER VAN DEFENSIE")
    assert "Den Haag, 6 november 2020" in first.text
    for doc in corpus.documents:
        signed = [s for s in doc.sections if s.heading == "Ondertekening"]
        assert len(signed) == (1 if doc.ministers else 0), doc.doc_id
        for section in signed:
            assert all(name in section.text for name in doc.ministers)
        for section in doc.sections:
            if section.heading != "Ondertekening":
                assert not any(name in section.text for name in ("Bijleveld-Schouten\n", "S.A. Blok")), section


def test_fingerprint_is_stable_and_sees_passage_changes(corpus):
    assert load_corpus().fingerprint == corpus.fingerprint
    first = corpus.documents[0]
    shorter = replace(first, passages=first.passages[:-1])  # same text, fewer indexed passages
    assert Corpus((shorter, *corpus.documents[1:])).fingerprint != corpus.fingerprint


def test_a_title_wrapped_over_two_lines_is_one_heading_and_no_part_of_the_first_sentence():
    from corpus.parsing import parse_letter

    raw = (
        "36.999\n\n"
        "Goedkeuring Verdrag inzake\n"
        "samenwerking tussen Nederland en Noorwegen\n"
        "Dit wetsvoorstel regelt de goedkeuring van het op 3 maart 2023 te Oslo gesloten verdrag (Trb. 2023, 12). "
        "De goedkeuring geldt voor het Europese deel van Nederland.\n"
    )
    doc = parse_letter(raw, "wrapped")
    assert doc.title == "Goedkeuring Verdrag inzake samenwerking tussen Nederland en Noorwegen"
    first = next(p for p in doc.passages if "wetsvoorstel" in p.text)
    assert first.text.startswith("Dit wetsvoorstel regelt")
    assert "(Trb. 2023, 12)." in first.text


def test_a_short_line_that_a_paragraph_continues_stays_in_the_paragraph():
    from corpus.parsing import parse_letter

    raw = "Brief\n\nDe ministers spraken\nover de steun aan Oekraïne,\nen over de begroting.\n"
    doc = parse_letter(raw, "para")
    assert "De ministers spraken over de steun aan Oekraïne, en over de begroting." in doc.text


WRAPPED_REPORT = """28 999 NAVO
Nr. 12
VERSLAG VAN EEN COMMISSIEDEBAT
Vastgesteld 3 maart 2023
De vaste commissie voor Defensie heeft op 1 februari 2023 overleg gevoerd met de heer Jansen, Minister
van Defensie, over de geannoteerde agenda.
Van dit overleg brengt de commissie bijgaand geredigeerd woordelijk verslag uit.
De voorzitter van de vaste commissie voor Defensie, Van der Berg
De fungerend griffier van de commissie, De Vries
Voorzitter: Van der Berg
Griffier: De Vries
Aanwezig zijn vier leden der Kamer, te weten: Aalders, Bakker, Claes en Van der Berg,
en de heer Jansen, Minister van Defensie.
Aanvang 10.00 uur.
De voorzitter: Ik open de vergadering.
"""


def test_a_reports_front_matter_is_facts_not_headings():
    """Signatures with the name on the line, "Vastgesteld <date>" and "Voorzitter: X" title nothing: in a
    hard-wrapped report they stand as lines of their own, in the same section as the debate they introduce."""
    from corpus.parsing import parse_letter
    from corpus.passages import sentence_spans

    doc = parse_letter(WRAPPED_REPORT, "report")
    headings = [s.heading for s in doc.sections]
    assert not any(h.startswith(("De voorzitter", "De fungerend", "Voorzitter:", "Vastgesteld")) for h in headings)
    signed = [s.text for s in doc.sections if s.heading == "Ondertekening"]
    assert signed == [
        "De voorzitter van de vaste commissie voor Defensie, Van der Berg",
        "De fungerend griffier van de commissie, De Vries",
    ]
    sentences = [doc.text[a:b] for a, b in sentence_spans(doc.text)]
    for line in ("Vastgesteld 3 maart 2023", "Voorzitter: Van der Berg", "Griffier: De Vries", "Aanvang 10.00 uur."):
        assert line in sentences
    debate = next(s for s in doc.sections if "Ik open de vergadering" in s.text)
    assert "Voorzitter: Van der Berg" in debate.text and "Aanwezig zijn vier leden" in debate.text


def test_a_ministers_signature_before_the_body_does_not_title_it():
    from corpus.parsing import parse_letter

    raw = (
        "Den Haag, 1 juli 2016\n"
        "Hierbij informeren wij u over de agenda van de NAVO-top.\n"
        "De Minister van Buitenlandse Zaken, A.G. Koenders\n"
        "De Minister van Defensie, J.A. Hennis-Plasschaert\n"
        "Op 8 en 9 juli vindt in Warschau de NAVO-top plaats.\n"
    )
    doc = parse_letter(raw, "agenda")
    body = next(s for s in doc.sections if "Warschau" in s.text)
    assert "Minister" not in body.heading
    assert [s.text for s in doc.sections if s.heading == "Ondertekening"] == [
        "De Minister van Buitenlandse Zaken, A.G. Koenders",
        "De Minister van Defensie, J.A. Hennis-Plasschaert",
    ]


def test_a_sentence_wrapped_after_a_header_like_start_stays_whole():
    """"Kamerstuk ..." or "Conclusie: ..." at the start of a wrapped line is no header or label when the next line
    continues it."""
    from corpus.parsing import parse_letter

    raw = (
        "Den Haag, 1 juli 2016\n"
        "Het kabinet zond de Kamer eerder stukken.\n"
        "Kamerstuk 28 676, nr. 5 beschrijft de\n"
        "nieuwe plannen van het kabinet.\n"
        "Conclusie: Nederland steunt het\n"
        "voorstel van de minister.\n"
    )
    doc = parse_letter(raw, "wrapped")
    assert "Kamerstuk 28 676, nr. 5 beschrijft de nieuwe plannen van het kabinet." in doc.text
    assert "Conclusie: Nederland steunt het voorstel van de minister." in doc.text


def test_a_bulleted_line_in_hard_wrapped_text_starts_an_item_of_its_own():
    """A report's list of papers, wrapped like its sentences: each item is a paragraph, never glued to the
    sentence that announces it or to the next item; a line that only continues an item stays in it."""
    from corpus.parsing import parse_letter

    raw = (
        "De vaste commissie voor Defensie heeft op 1 februari 2023 overleg gevoerd met de heer Jansen, over:\n"
        "– de brief van de Minister van Defensie d.d. 20 januari 2023 inzake geannoteerde agenda\n"
        "bijeenkomst NAVO-ministers van Defensie (Kamerstuk 28 999, nr. 10);\n"
        "– de brief van de Minister van Defensie d.d. 5 januari 2023 inzake verslag (Kamerstuk 28 999, nr. 9).\n"
        "Van dit overleg brengt de commissie bijgaand verslag uit.\n"
        "De minister zei dat het overleg met de bondgenoten over de inzet aan de oostflank van het verdragsgebied\n"
        "- en dat was nieuw - goed verliep.\n"
    )
    paragraphs = parse_letter(raw, "report").text.split("\n\n")
    assert paragraphs[0].endswith("over:")
    assert paragraphs[1] == (
        "– de brief van de Minister van Defensie d.d. 20 januari 2023 inzake geannoteerde agenda bijeenkomst "
        "NAVO-ministers van Defensie (Kamerstuk 28 999, nr. 10);"
    )
    assert paragraphs[2].startswith("– de brief van de Minister van Defensie d.d. 5 januari 2023")
    assert paragraphs[-1].endswith("van het verdragsgebied - en dat was nieuw - goed verliep.")  # a dash, no bullet
