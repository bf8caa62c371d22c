"""Whether the letters can speak of the time a question names."""

from __future__ import annotations

from datetime import date

import pytest

from qa.time_scope import LetterTime, beyond_the_letters, spans_named, speaks_of_month

JUNE_2021 = LetterTime(
    "004", date(2021, 6, 1), ((date(2021, 6, 1), date(2021, 6, 1)), (date(2021, 6, 14), date(2021, 6, 14)))
)
OCTOBER_2020 = LetterTime(
    "001", date(2020, 11, 6), ((date(2020, 10, 22), date(2020, 10, 23)), (date(2021, 2, 1), date(2021, 2, 28)))
)
LETTERS = [JUNE_2021, OCTOBER_2020]


@pytest.mark.parametrize(
    ("text", "written", "spans"),
    [
        ("op 14 juni 2021", None, [(date(2021, 6, 14), date(2021, 6, 14))]),
        ("op 12 en 13 februari 2020 te Brussel", None, [(date(2020, 2, 12), date(2020, 2, 13))]),
        ("on June 14, 2021", None, [(date(2021, 6, 14), date(2021, 6, 14))]),
        ("in februari 2021", None, [(date(2021, 2, 1), date(2021, 2, 28))]),
        ("in February 2024", None, [(date(2024, 2, 1), date(2024, 2, 29))]),  # a leap year
        ("de Top van 14 juni", date(2021, 6, 1), [(date(2021, 6, 14), date(2021, 6, 14))]),
        ("de Top van 14 juni", None, []),  # no year, and no letter date to take it from
        ("op 16 februari", date(2020, 4, 9), [(date(2020, 2, 16), date(2020, 2, 16))]),
        ("in januari", date(2020, 11, 6), []),  # a month alone is too vague to place
        ("op 31 juni 2021", None, [(date(2021, 6, 1), date(2021, 6, 30))]),  # no such day: the month stands
        ("in het najaar van 2021", None, [(date(2021, 9, 1), date(2021, 11, 30))]),  # a season
        ("in spring 2020", None, [(date(2020, 3, 1), date(2020, 5, 31))]),
        ("Kamerstuk 28 676, nr. 334", None, []),
    ],
)
def test_spans_named(text, written, spans):
    assert spans_named(text, written) == spans


@pytest.mark.parametrize(
    ("question", "beyond"),
    [
        # past tense, and the only letter speaking of 14 June 2021 was written before it
        ("Welke besluiten werden genomen op de NAVO-Top van 14 juni 2021?", True),
        ("What did defence ministers decide at their February 2021 meeting?", True),
        # what came of it in the end is past too, however the verb is formed
        ("Welke maatregelen hebben de ministers op 14 juni 2021 uiteindelijk goedgekeurd?", True),
        ("Which package was approved at the summit of 14 June 2021?", True),
        # what was planned: the earlier letter can say that
        ("Wat zou de SG NAVO op de Top van 14 juni 2021 presenteren?", False),
        ("What will ministers discuss in February 2021?", False),
        ("What were ministers to be told in February 2021?", False),  # what was planned, in the past tense
        ("What was the Top of 14 juni 2021 supposed to decide?", False),
        # a letter written at or after the time reports it
        ("Wat besloten de ministers op 1 juni 2021?", False),
        ("Wat werd er in oktober 2020 besproken?", False),
        # a month no letter speaks of
        ("Wat gebeurde er in maart 2021?", True),
        ("Wat staat er in de brief over maart 2021?", True),
        ("Welke uitkomst had de bijeenkomst van najaar 2021?", True),  # a season no letter speaks of
        ("What was decided in the autumn of 2020?", False),
        ("Which outcome came out of the February 2021 session?", True),
        # what was promised, and the Dutch stance, are in a letter written before
        ("What did the minister promise to report on the June 2021 summit?", False),
        ("Which conversation did the Netherlands back at the meeting of February 2021?", False),
        ("Which conversation did the allies back at the meeting of February 2021?", True),
        ("Waarom werd er vlak voor de Top van 14 juni 2021 nog een overleg belegd?", False),  # before that time
        # no time named
        ("Wat besloten de ministers over Irak?", False),
    ],
)
def test_beyond_the_letters(question, beyond):
    assert beyond_the_letters(question, LETTERS) is beyond


def test_a_letter_of_unknown_date_is_never_taken_as_written_before():
    undated = LetterTime("x", None, ((date(2021, 2, 1), date(2021, 2, 28)),))
    assert not beyond_the_letters("What did ministers decide in February 2021?", [undated])


@pytest.mark.parametrize(
    ("text", "letter_date", "meetings", "speaks"),
    [
        ("De vergadering duurde ruim drie uur.", None, (date(2020, 4, 2),), False),  # April's letter
        ("De videoteleconferentie stond in het teken van COVID-19.", None, (date(2020, 6, 17),), True),
        ("Het besluit volgt in februari 2021.", date(2020, 11, 6), (date(2020, 10, 22),), False),
        ("Het besluit volgt in juni 2020.", date(2020, 11, 6), (date(2020, 10, 22),), True),  # named in the text
        ("Op 12 juni is de status verleend.", None, (date(2020, 6, 17),), True),
    ],
)
def test_speaks_of_month(text, letter_date, meetings, speaks):
    assert speaks_of_month(text, letter_date, meetings, {(2020, 6)}) is speaks


SUMMIT_LETTER = LetterTime(
    "004",
    date(2021, 6, 1),
    ((date(2021, 6, 1), date(2021, 6, 1)), (date(2021, 6, 14), date(2021, 6, 14))),
    summits=((date(2021, 6, 14), date(2021, 6, 14)),),
)


@pytest.mark.parametrize(
    ("question", "beyond"),
    [
        # the summit is after the letter that announces it, however the question names it
        ("What was agreed at the NATO summit in June 2021?", True),
        ("Welke besluiten namen de regeringsleiders op de NAVO-top?", True),
        ("Wat zal de SG NAVO tijdens de Top presenteren?", False),  # what was planned for it
        ("Op welke datum vond de NAVO-Top plaats?", False),  # when it was is known before
        ("Wat besloten de ministers op 1 juni 2021?", False),  # no summit: the letter's own meeting
    ],
)
def test_a_summit_the_letters_announce_is_dated_by_them(question, beyond):
    assert beyond_the_letters(question, [SUMMIT_LETTER]) is beyond


@pytest.mark.slow
def test_letter_times_find_the_summits_the_letters_date(real_assistant):
    times = {t.doc_id: t for t in real_assistant.retriever.letter_times}
    assert set(times["004_5bee7b7e70133a4b"].summits) == {(date(2021, 6, 14), date(2021, 6, 14))}
    assert not any(t.summits for doc_id, t in times.items() if doc_id != "004_5bee7b7e70133a4b")
