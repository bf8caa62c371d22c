"""Country names in Dutch and English, and which of them were allies."""

from __future__ import annotations

import pytest

from qa.countries import countries_in


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("waar Griekenland en Turkije elkaars aanspraken betwisten", {"Griekenland", "Turkije"}),
        ("een incident tussen een Frans en Turks schip", {"Frankrijk", "Turkije"}),  # adjectives
        ("the joint Dutch-German written contribution", {"Nederland", "Duitsland"}),
        ("Noord-Macedonië en Wit-Rusland", {"Noord-Macedonië", "Belarus"}),  # not Rusland inside Wit-Rusland
        ("the United States and the United Kingdom", {"Verenigde Staten", "Verenigd Koninkrijk"}),
        ("the US position", {"Verenigde Staten"}),
        ("let us see what the member states say", set()),  # "us" and "states" alone are no country
        ("the fund that lets NSPA buy supplies", set()),
        ("De Nederlandse bijdrage", {"Nederland"}),
    ],
)
def test_countries_in(text, found):
    assert countries_in(text) == found


def test_allies_only_leaves_out_partners():
    text = "aanvullende steun voor partnerlanden Georgië en Oekraïne en voor Irak, met Frankrijk"
    assert countries_in(text, allies_only=True) == {"Frankrijk"}
    assert countries_in(text) == {"Georgië", "Oekraïne", "Irak", "Frankrijk"}


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Waarvoor kreeg Ankara waardering van de bondgenoten?", "Waarvoor kreeg Ankara (Turkije) waardering"),
        ("What sum did The Hague pledge?", "What sum did The Hague (Nederland) pledge?"),
        ("de strijdkrachten van Athene en Ankara", "Athene (Griekenland) en Ankara (Turkije)"),
        ("Is Kyiv op weg naar het lidmaatschap?", "Kyiv (Oekraïne)"),
        ("Wat gebeurde er in Bagdad?", "Wat gebeurde er in Bagdad?"),  # a place, not a government
        ("Wat zei de Washingtonse delegatie?", "Wat zei de Washingtonse delegatie?"),  # whole words only
    ],
)
def test_name_capitals(question, named):
    from qa.countries import name_capitals

    assert named in name_capitals(question)
    assert countries_in(name_capitals(question)) >= countries_in(question)


def test_country_terms_are_search_stems():
    from embeddings.lexical import tokenize
    from qa.countries import country_terms

    assert set(tokenize("Frankrijk Turkse Verenigde Staten")) <= country_terms()
    assert not set(tokenize("bondgenoten scheepsincident")) & country_terms()


@pytest.mark.parametrize(
    ("question", "required"),
    [
        ("From which Chinese city had the evacuees come?", set()),  # the answer names a city in China
        ("Welke Russische raketten noemden de ministers, volgens Rusland?", {"Rusland"}),  # named again
        ("What did Turkey and Greece dispute?", {"Turkije", "Griekenland"}),
        ("Welke Duitse stad noemde Frankrijk?", {"Frankrijk"}),
    ],
)
def test_countries_required(question, required):
    from qa.countries import countries_required

    assert countries_required(question) == required


@pytest.mark.parametrize(
    ("question", "speakers"),
    [
        ("How did Moscow respond to NATO's calls?", {"Rusland"}),  # a capital stands for its government
        ("What did Sweden's defence minister say during the session?", {"Zweden"}),
        ("Hoe reageerde de Griekse minister op de oproep tot dialoog?", {"Griekenland"}),
        ("Welk standpunt nam Rusland in tijdens de vergadering?", {"Rusland"}),
        ("Wat was de officiële reactie van Ankara op de klacht?", {"Turkije"}),
        # as the retriever's focus writes it, the capital annotated with its country
        ("How did Ankara (Turkije) react to the criticism?", {"Turkije"}),
        ("Hoe reageerde Minsk (Belarus) op de kritiek?", {"Belarus"}),
        ("Did Sweden's defence minister put forward a proposal?", {"Zweden"}),  # whether it spoke, and what
        ("Did NATO end up deciding on it?", set()),
        ("What did the Dutch say allies should have?", set()),  # the letters report the Netherlands throughout
        ("Wat besloten de ministers over Irak?", set()),
    ],
)
def test_speakers_asked(question, speakers):
    from qa.countries import speakers_asked

    assert speakers_asked(question) == speakers


@pytest.mark.parametrize(
    ("text", "countries", "speaks"),
    [
        ("Tijdens de sessie vroeg de Franse minister van Defensie aandacht voor een incident.", {"Frankrijk"}, True),
        ("Zowel de Amerikaanse als Duitse minister benadrukten dat er overleg komt.", {"Duitsland"}, True),
        ("In aanwezigheid van de ministers van Finland en Zweden spraken de ministers.", {"Zweden"}, False),  # named
        ("Griekenland en Turkije betwisten elkaars aanspraken.", {"Griekenland"}, False),
        ("Any sentence at all.", set(), True),
    ],
)
def test_speaks_for(text, countries, speaks):
    from qa.countries import speaks_for

    assert speaks_for(text, countries) is speaks
