"""The timeline on three small letters written here (a made-up topic, the fake encoders): ordering by meeting date,
the per-letter limit, since/until, the empty timeline, bad input through the API and `qa timeline`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from qa.cli import main
from qa.errors import QuestionError

TOPIC = "zeewierbrigade"

LETTERS = {
    # written 2021, about a meeting in 2021
    "b_2021.txt": "\n".join(
        (
            'Aan de Voorzitter van de Tweede Kamer der Staten-Generaal',
            'Den Haag, 2 februari 2021',
            'Hierbij informeer ik u over de agenda van de bijeenkomst van de NAVO-ministers van '
            'Defensie, die op 17 en 18 februari a.s. in Brussel plaatsvindt.',
            'De Minister van Defensie, A. Bakker',
            '',
            'Zeewierbrigade',
            'De ministers bespreken de oprichting van een zeewierbrigade voor de Noordzee. Nederland '
            'steunt de zeewierbrigade met twee schepen. De zeewierbrigade oefent elk voorjaar bij Den'
            ' Helder. Nederland betaalt de helft van de kosten van de zeewierbrigade.',
            '',
            'Begroting',
            'De ministers spreken over de gezamenlijke begroting van het bondgenootschap voor het '
            'komende jaar. Nederland vraagt om een sobere begroting en een goede verantwoording van '
            'de uitgaven.',
            '',
        )
    ),
    # written 2019, about a meeting in 2019
    "a_2019.txt": "\n".join(
        (
            'Aan de Voorzitter van de Tweede Kamer der Staten-Generaal',
            'Den Haag, 3 juni 2019',
            'Hierbij informeer ik u over de agenda van de bijeenkomst van de NAVO-ministers van '
            'Defensie, die op 26 en 27 juni a.s. in Brussel plaatsvindt.',
            'De Minister van Defensie, A. Bakker',
            '',
            'Zeewierbrigade',
            'Nederland stelt voor een zeewierbrigade op te richten die kustwateren beschermt. Andere '
            'bondgenoten willen eerst een studie naar de zeewierbrigade.',
            '',
            'Missies',
            'De ministers bespreken de trainingsmissie in Irak en de inzet van instructeurs in Bagdad.',
            '',
        )
    ),
    # written 2023, never about the topic
    "c_2023.txt": "\n".join(
        (
            'Aan de Voorzitter van de Tweede Kamer der Staten-Generaal',
            'Den Haag, 5 oktober 2023',
            'Hierbij informeer ik u over de agenda van de bijeenkomst van de NAVO-ministers van '
            'Defensie, die op 11 en 12 oktober a.s. in Brussel plaatsvindt.',
            'De Minister van Defensie, K. Ollongren',
            '',
            'Luchtverdediging',
            'De ministers bespreken de luchtverdediging van het bondgenootschap en de aanschaf van '
            'nieuwe radars. Nederland levert een bijdrage aan de gezamenlijke oefening in Polen.',
            '',
        )
    ),
}


@pytest.fixture(scope="module")
def letters_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("timeline-letters")
    for name, text in LETTERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small(letters_folder, tmp_path_factory):
    """An Assistant over the three letters with the fake encoders, and its index root for the CLI."""
    from corpus import load_corpus
    from embeddings.store import build_index
    from qa.assistant import Assistant, index_folder
    from tests.conftest import HashingEncoder, fake_crosslingual_encoder

    corpus = load_corpus(letters_folder)
    root = tmp_path_factory.mktemp("timeline-index")
    encoder = HashingEncoder()
    index = build_index(
        index_folder(root, letters_folder, encoder.name), corpus, encoder, progress=False,
        crosslingual=fake_crosslingual_encoder(),
    )  # fmt: skip
    return Assistant(corpus, index, encoder, crosslingual=fake_crosslingual_encoder()), root


def test_letters_parse_with_their_meeting_dates(small):
    assistant, _ = small
    meetings = {d.doc_id: d.meeting_dates for d in assistant.corpus.documents}
    assert meetings["a_2019"][0] == date(2019, 6, 26)
    assert meetings["b_2021"][0] == date(2021, 2, 17)


def test_ordered_by_meeting_date_with_verbatim_quotes(small):
    assistant, _ = small
    timeline = assistant.timeline(TOPIC)
    speaking = timeline.speaking
    assert [e.doc_id for e in speaking] == ["a_2019", "b_2021"]  # 2019 before 2021, the 2023 letter left out
    assert [e.date for e in speaking] == [date(2019, 6, 26), date(2021, 2, 17)]
    assert all(e.date_kind == "meeting" for e in speaking)
    numbers = [q.n for e in timeline.entries for q in e.quotes]
    assert numbers == list(range(1, len(numbers) + 1))
    for e in timeline.entries:
        doc = assistant.document(e.doc_id)
        assert 1 <= len(e.quotes) <= 3
        for q in e.quotes:
            assert doc.text[q.start : q.end] == q.text  # verbatim, by offsets in the cleaned text
            assert "zeewierbrigade" in q.text.lower()
            assert q.section.endswith("Zeewierbrigade")
    # more said, more weight: four sentences in 2021 against two in 2019
    assert speaking[1].weight > speaking[0].weight


def test_per_letter_limit(small):
    assistant, _ = small
    full = assistant.timeline(TOPIC, per_letter=3)
    assert max(len(e.quotes) for e in full.entries) == 3
    one = assistant.timeline(TOPIC, per_letter=1)
    assert all(len(e.quotes) == 1 for e in one.entries)
    assert [e.quotes[0].text for e in one.entries] == [e.quotes[0].text for e in full.entries]


def test_since_until_and_doc_filters(small):
    assistant, _ = small
    assert [e.doc_id for e in assistant.timeline(TOPIC, since=date(2020, 1, 1)).speaking] == ["b_2021"]
    assert [e.doc_id for e in assistant.timeline(TOPIC, until=date(2019, 12, 31)).speaking] == ["a_2019"]
    assert [e.doc_id for e in assistant.timeline(TOPIC, doc_ids=["b_2021"]).speaking] == ["b_2021"]
    assert assistant.timeline(TOPIC, since=date(2024, 1, 1)).entries == ()


def test_topic_no_letter_speaks_of_is_empty(small):
    assistant, _ = small
    timeline = assistant.timeline("pinguïnkolonie")
    assert timeline.entries == ()
    assert timeline.to_dict()["entries"] == []


def test_to_dict_matches_the_issue(small):
    assistant, _ = small
    payload = assistant.timeline(TOPIC).to_dict()
    assert set(payload) == {"topic", "entries", "timings_ms"}
    entry = payload["entries"][0]
    assert {"date", "date_kind", "doc_id", "title", "kind", "quotes"} <= set(entry)
    assert set(entry["quotes"][0]) == {"n", "text", "start", "end", "section", "score"}
    json.dumps(payload)  # plain JSON


BAD = [
    pytest.param("", "the topic is empty", id="empty"),
    pytest.param("  \t", "the topic is empty", id="blank"),
    pytest.param("?!… 🙂 —", "no words", id="symbols"),
    pytest.param("Irak" * 5000, "too long (20,000 characters", id="20000-chars"),
]


@pytest.mark.parametrize(("topic", "says"), BAD)
def test_bad_topics_raise(small, topic, says):
    assistant, _ = small
    with pytest.raises(QuestionError, match=None) as info:
        assistant.timeline(topic)
    assert says in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"since": date(2022, 1, 1), "until": date(2021, 1, 1)}, "the date range is empty"),
        ({"per_letter": 0}, "per-letter must be a whole number"),
        ({"doc_ids": ["nope"]}, "unknown document id(s): nope"),
        ({"since": "2020-01-01"}, "since must be a date"),
    ],
)
def test_bad_arguments_raise(small, kwargs, says):
    assistant, _ = small
    with pytest.raises(QuestionError) as info:
        assistant.timeline(TOPIC, **kwargs)
    assert says in str(info.value)


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def cli(small, letters_folder, monkeypatch, capsys):
    """Run `qa timeline ...` on the small index (the fake encoder stands in for the real one)."""
    assistant, root = small
    monkeypatch.setattr("qa.assistant.Assistant.load", classmethod(lambda cls, **kw: assistant))

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(["timeline", *args, "--index", str(root), "--path", str(letters_folder)])
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_cli_prints_dated_groups_and_quotes(cli):
    code, out, err = cli(TOPIC)
    assert code == 0, err
    assert out.index("== 2019-06-26 (meeting) ==") < out.index("== 2021-02-17 (meeting) ==")
    assert "[1]" in out and "a_2019 > " in out and "Zeewierbrigade" in out


def test_cli_json(cli):
    code, out, _ = cli(TOPIC, "--json", "--per-letter", "1", "--since", "2020-01-01")
    assert code == 0
    payload = json.loads(out)
    assert [e["doc_id"] for e in payload["entries"]] == ["b_2021"]
    assert len(payload["entries"][0]["quotes"]) == 1


def test_cli_empty_timeline_exits_0(cli):
    code, out, _ = cli("pinguïnkolonie")
    assert code == 0
    assert "the timeline is empty: no letter speaks of pinguïnkolonie" in out
    code, out, _ = cli("pinguïnkolonie", "--json")
    assert code == 0 and json.loads(out)["entries"] == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["   "], "the topic is empty"),
        (["?!?! 🙂"], "no words"),
        (["Irak" * 5000], "too long"),
        ([TOPIC, "--since", "2022-01-01", "--until", "2021-01-01"], "the date range is empty"),
        ([TOPIC, "--since", "gisteren"], "not a date (YYYY-MM-DD): 'gisteren'"),
        ([TOPIC, "--until", "2021-02-30"], "not a date"),
        ([TOPIC, "--per-letter", "0"], "must be at least 1"),
        ([TOPIC, "--doc", "nope"], "unknown document id(s): nope"),
    ],
)
def test_cli_bad_input_exits_2_without_traceback(cli, args, says):
    code, _out, err = cli(*args)
    assert code == 2
    assert says in err
    assert "Traceback" not in err



def test_an_english_country_name_is_searched_by_its_dutch_name():
    from qa.timeline import country_words

    assert country_words("Ukraine") == {"ukraine": "Oekraïne"}
    assert country_words("relations with Turkey") == {"turkey": "Turkije"}
    assert country_words("burden sharing") == {}


def test_further_quotes_stay_near_the_best(small):
    from qa.timeline import TimelineConfig, build_timeline

    assistant, _ = small
    for margin in (0.0, 0.75):
        config = TimelineConfig(quote_margin=margin)
        timeline = build_timeline(assistant.retriever, assistant.documents, TOPIC, config=config)
        for e in timeline.speaking:
            assert all(q.score >= e.quotes[0].score - margin for q in e.quotes)
