"""What a document says about itself, read from small letters of other years and kinds written here."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from corpus import load_corpus
from corpus.metadata import dates_in, format_dates, is_frame_line, is_opening_line

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "qa"))
from small_letters import LETTERS


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("letters")
    for name, text in LETTERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return {d.doc_id: d for d in load_corpus(folder).documents}


def test_a_letter_its_own_date_and_the_meeting_it_announces(docs):
    doc = docs["agenda-2016"]
    assert doc.kind == "annotated_agenda"  # "Hierbij informeren wij u over de agenda van de NAVO-top"
    assert doc.letter_date == date(2016, 7, 1)
    assert doc.meeting_dates == (date(2016, 7, 8), date(2016, 7, 9))  # "8 en 9 juli a.s.": the letter's year
    assert doc.ministers == ("A.B. Jansen",)


def test_a_committee_report_its_adoption_and_the_debate(docs):
    doc = docs["commissiedebat-2023"]
    assert doc.kind == "committee_report"
    assert doc.letter_date == date(2023, 3, 10)
    assert doc.meeting_dates == (date(2023, 2, 15),)
    assert doc.title == "Verslag van een commissiedebat, 15 februari 2023"


def test_kamervragen_and_a_news_item_are_told_apart_and_dateless_where_undated(docs):
    assert docs["kamervragen-2019"].kind == "kamervragen"
    assert docs["kamervragen-2019"].title.startswith("Antwoord op vragen van het lid Bakker")
    news = docs["nieuws-litouwen"]
    assert news.kind == "news"
    assert news.letter_date is None and news.meeting_dates == ()  # "gisteren" is no date: never a guess
    assert news.title == "Minister bezoekt troepen in Litouwen"


def test_a_date_the_text_only_mentions_is_not_its_date(tmp_path):
    (tmp_path / "x.txt").write_text(
        "Met deze brief reageer ik op het verzoek van 6 april 2023 over de oefening.\n\nDe oefening ging door.\n",
        encoding="utf-8",
    )
    doc = load_corpus(tmp_path).documents[0]
    assert doc.kind == "letter" and doc.meeting_dates == () and doc.letter_date is None


@pytest.mark.parametrize(
    ("line", "frame"),
    [
        ("Den Haag, 1 juli 2016", True),
        ("Vastgesteld 10 maart 2023", True),
        ("Nr. 500 VERSLAG VAN EEN COMMISSIEDEBAT", True),
        ("Hierbij informeren wij u over de agenda van de NAVO-top.", True),
        ("De vaste commissie voor Defensie heeft op 15 februari 2023 overleg gevoerd met de minister.", True),
        ("• Vraag 1 Klopt het dat de oefening is uitgesteld?", True),
        ("Wat is het oordeel van het kabinet over dit voornemen?", True),
        ("De oefening is verplaatst naar november 2019.", False),
        ("Nederland draagt 4 miljoen euro bij aan het fonds.", False),
        ("De Minister van Buitenlandse Zaken, mr. J.K. de Vries", True),  # a signature, the name on its line
        ("De minister van Defensie, Jansen sprak kort met zijn ambtgenoten.", False),
        ("Van dit overleg brengt de commissie bijgaand geredigeerd woordelijk verslag uit.", True),
        ("De voorzitter van de vaste commissie voor Defensie, Anna de Vries", True),  # the committee's signature
        ("De voorzitter van de vaste commissie voor Defensie opende het debat.", False),
        # a report's own lines: who took part, who chaired, when it began; they answer only questions about those
        ("Aanwezig zijn vier leden der Kamer, te weten: Bakker, Claes, Smit en De Wit,", True),
        ("Voorzitter: Claes", True),
        ("Griffier: De Wit", True),
        ("Aanvang 14.30 uur.", True),
        ("De voorzitter zei dat de aanvang van het debat werd verschoven.", False),
        # a written consultation's formula: when the questions were put and answered
        ("De vragen en opmerkingen zijn op 3 februari 2031 aan de Minister van Defensie voorgelegd.", True),
        ("Bij brief van 9 februari 2031 zijn de vragen beantwoord.", True),
        # an answer that only points at another answer says nothing itself
        ("Zie antwoord vraag 2.", True),
        ("Zie het antwoord op vraag 3 en 4.", True),
        ("See the answer to question 5.", True),
        ("Zie hierover ook de brief van 3 mei 2031 over de oostflank.", False),
    ],
)
def test_frame_lines(line, frame):
    assert is_frame_line(line) is frame


def test_opening_lines_are_the_formula_the_committee_opening_and_who_asked_a_kamervraag():
    assert is_opening_line("Hierbij ontvangt u het verslag van de bijeenkomst.")
    assert is_opening_line("De vaste commissie voor Defensie heeft op 3 mei 2021 overleg gevoerd met de minister.")
    assert is_opening_line("Indieners Anna de Vries (D66), Piet Bakker (CDA)")  # who asked: a frame line too
    assert is_frame_line("Indieners Anna de Vries (D66), Piet Bakker (CDA)")
    assert is_opening_line("De griffier van de vaste commissie voor Defensie, Jan Bakker")  # who took part
    assert is_opening_line("Aanwezig zijn vier leden der Kamer, te weten: Bakker, Claes, Smit en De Wit,")
    assert is_opening_line("Bij brief van 9 februari 2031 zijn de vragen beantwoord.")  # when it was answered
    assert not is_opening_line("Zie antwoord vraag 2.")  # never quoted, not even for a date
    assert not is_opening_line("Den Haag, 1 juli 2016")


def test_dates_with_and_without_a_year():
    assert dates_in("op 17 en 18 juni 2020") == [(date(2020, 6, 17), date(2020, 6, 18))]
    assert dates_in("op 2 april jl.", anchor=date(2020, 4, 9)) == [(date(2020, 4, 2),)]
    assert dates_in("op 3 februari a.s.", anchor=date(2020, 12, 1)) == [(date(2021, 2, 3),)]
    assert dates_in("op 2 april") == []  # no year and nothing to read it from
    assert format_dates((date(2020, 6, 17), date(2020, 6, 18))) == "17 en 18 juni 2020"
