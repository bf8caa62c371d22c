"""Fusion functions, filters and the Retriever's plumbing (fake encoder; no model)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from corpus import Passage
from corpus.parsing import SIGNATURE
from embeddings.store import IndexedPassage, indexed_passages
from qa.letter_parts import letter_part_asked
from qa.retrieval import RRF_K, RetrievalConfig, Retriever, filter_mask, minmax_fuse, rrf_fuse

DOC_000, DOC_001, DOC_002, DOC_003, DOC_004 = (
    "000_c54184f091ec131b",
    "001_42c0a636b663bd7b",
    "002_2b3a2a813bb728d5",
    "003_b1d8a65b01473dfa",
    "004_5bee7b7e70133a4b",
)


def test_rrf_fuse_exact_values():
    a = np.array([3.0, 1.0, 0.0])  # ranks 1, 2, 3; the third scored 0: no match, no credit
    b = np.array([1.0, 2.0, 3.0])  # ranks 3, 2, 1
    fused = rrf_fuse([a, b], [1.0, 2.0])
    expected = [1 / 61 + 2 / 63, 1 / 62 + 2 / 62, 0 + 2 / 61]
    np.testing.assert_allclose(fused, expected, rtol=1e-12)
    assert RRF_K == 60


def test_rrf_fuse_custom_k_and_ties_are_stable():
    fused = rrf_fuse([np.array([2.0, 2.0, 1.0])], [1.0], k=0)
    np.testing.assert_allclose(fused, [1 / 1, 1 / 2, 1 / 3])


def test_rrf_fuse_gives_nothing_for_negative_or_zero_scores():
    fused = rrf_fuse([np.array([-1.0, 0.0, 0.5])], [1.0], k=0)
    np.testing.assert_allclose(fused, [0.0, 0.0, 1.0])


def test_rrf_fuse_needs_one_weight_per_list():
    with pytest.raises(ValueError):
        rrf_fuse([np.array([1.0]), np.array([2.0])], [1.0])


def test_minmax_fuse_exact_values():
    a = np.array([3.0, 1.0, 0.0])  # -> 1, 1/3, 0
    b = np.array([1.0, 2.0, 3.0])  # -> 0, 1/2, 1
    np.testing.assert_allclose(minmax_fuse([a, b], [1.0, 2.0]), [1.0, 1 / 3 + 1.0, 2.0], rtol=1e-12)


def test_minmax_fuse_constant_list_contributes_nothing():
    fused = minmax_fuse([np.array([5.0, 5.0, 5.0]), np.array([0.0, 10.0, 5.0])], [3.0, 1.0])
    np.testing.assert_allclose(fused, [0.0, 1.0, 0.5])


def _item(doc_id, meeting_dates=(), letter_date=None, n=0):
    passage = Passage(doc_id, f"{doc_id}#p{n}", f"{doc_id}#s0", "Kop", "Tekst.", 0, 6)
    return IndexedPassage(passage, f"Titel {doc_id}", letter_date, tuple(meeting_dates))


def test_filter_mask_by_doc_ids():
    items = [_item("a"), _item("b"), _item("a", n=1), _item("c")]
    assert filter_mask(items).tolist() == [True] * 4
    assert filter_mask(items, doc_ids=["a"]).tolist() == [True, False, True, False]
    assert filter_mask(items, doc_ids=["a", "c"]).tolist() == [True, False, True, True]
    assert filter_mask(items, doc_ids=["zzz"]).tolist() == [False] * 4
    assert filter_mask(items, doc_ids=[]).tolist() == [True] * 4  # no filter, not "nothing"


def test_filter_mask_by_date_range_is_inclusive_and_uses_meeting_then_letter_date():
    items = [
        _item("june", meeting_dates=[date(2020, 6, 17), date(2020, 6, 18)]),
        _item("october", meeting_dates=[date(2020, 10, 22)], letter_date=date(2020, 11, 6)),
        _item("letter-only", letter_date=date(2021, 1, 5)),
        _item("undated"),
    ]
    assert filter_mask(items, since=date(2020, 6, 18)).tolist() == [True, True, True, False]
    assert filter_mask(items, until=date(2020, 6, 17)).tolist() == [True, False, False, False]
    assert filter_mask(items, since=date(2020, 7, 1), until=date(2020, 12, 31)).tolist() == [False, True, False, False]
    # the letter date counts only when there is no meeting date: 6 Nov is the October report's letter date
    assert filter_mask(items, since=date(2020, 11, 1), until=date(2020, 11, 30)).tolist() == [False] * 4
    assert filter_mask(items, since=date(2021, 1, 1)).tolist() == [False, False, True, False]
    assert filter_mask(items, doc_ids=["june"], since=date(2020, 10, 1)).tolist() == [False] * 4


def test_filter_mask_on_the_bundled_letters(corpus):
    items = indexed_passages(corpus)
    docs = np.array([p.passage.doc_id for p in items])
    october = filter_mask(items, since=date(2020, 10, 1), until=date(2020, 12, 31))
    assert set(docs[october]) == {DOC_001}
    assert set(docs[filter_mask(items, since=date(2021, 1, 1))]) == {DOC_004}
    assert set(docs[filter_mask(items, until=date(2020, 4, 10))]) == {DOC_002}
    assert set(docs[filter_mask(items, doc_ids=[DOC_000, DOC_003])]) == {DOC_000, DOC_003}


def test_search_obeys_filters_with_the_fake_encoder(fake_assistant):
    for method in ("hybrid", "dense", "bm25"):
        results = fake_assistant.search("NAVO missie Irak", k=5, doc_ids=[DOC_002], method=method)
        assert results and {r.doc_id for r in results} == {DOC_002}
        assert set(results[0].scores) >= {method}
    results = fake_assistant.search("NAVO", k=50, since=date(2020, 10, 1), until=date(2020, 12, 31))
    assert {r.doc_id for r in results} == {DOC_001}
    assert len(results) == sum(1 for p in fake_assistant.index.passages if p.passage.doc_id == DOC_001)
    # a range with no meeting returns nothing rather than something outside it
    assert fake_assistant.search("NAVO", since=date(2019, 1, 1), until=date(2019, 12, 31)) == []


def test_search_returns_k_ranked_results(fake_assistant):
    results = fake_assistant.search("Revolving Fund", k=4)
    assert [r.rank for r in results] == [1, 2, 3, 4]
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert len({r.passage.passage_id for r in results}) == 4
    assert len(fake_assistant.search("NAVO", k=200)) == len(fake_assistant.index.passages)


def test_rrf_config_changes_fusion_but_not_plumbing(fake_index, corpus, hashing_encoder):
    retriever = Retriever(fake_index, hashing_encoder, RetrievalConfig(fusion="rrf"))
    results = retriever.search("Revolving Fund", k=3)
    assert results[0].scores["hybrid"] == pytest.approx(results[0].score)
    assert "Revolving Fund" in results[0].passage.text


def test_unknown_words_are_those_the_letters_never_use(fake_index, hashing_encoder):
    retriever = Retriever(fake_index, hashing_encoder)
    assert retriever.unknown_words("Hoeveel draagt Nederland bij aan het luchtverdedigingsverband?") == [
        "luchtverdedigingsverband"
    ]


def test_bm25_only_retriever_needs_no_encoder(fake_index):
    retriever = Retriever(fake_index, None)
    results = retriever.search("Revolving Fund", k=2, method="bm25")
    assert "Revolving Fund" in results[0].passage.text


@pytest.mark.parametrize(
    ("question", "part"),
    [
        ("Welke minister stuurde het verslag van de bijeenkomst van 2 april 2020?", "signature"),
        ("Who signed the letter about the June 2021 meetings?", "signature"),
        ("Wie is de afzender van de geannoteerde agenda?", "signature"),
        ("Op welke data vond de defensieministeriële plaats waarin het Revolving Fund werd besloten?", "opening"),
        ("Wanneer vond de bijeenkomst plaats waarop het rapport werd vastgesteld?", "opening"),
        ("When was the meeting at which the allies discussed Afghanistan?", "opening"),
        ("Welke datum draagt de brief over het Revolving Fund?", "opening"),
        ("On what date was the report on the October meeting sent?", "opening"),
        ("Tijdens welke NAVO-bijeenkomst werd het Revolving Fund opgericht?", "opening"),
        ("At which NATO defence ministerial was the Space Centre discussed?", "opening"),
        ("When did NATO defence ministers meet to discuss the Space Centre?", "opening"),
        ("Op welke eerdere bijeenkomst bouwde de videoconferentie voort?", None),  # another meeting than the letter's
        ("Which topics dominated the meeting?", None),
        ("Wanneer presenteren de militaire autoriteiten hun opties?", None),  # not about a meeting
        ("Wat besloten de ministers over Irak?", None),
        ("Wie onderzoekt het incident?", None),
        ("Wanneer wordt het uitgewerkte SASP aan de defensieministers voorgelegd?", None),  # ministers receive it
        ("When will the plan be presented to the NATO defence ministers?", None),
        ("When foreign ministers touched on Syria, what did allies acknowledge?", None),  # "when" only sets the scene
        ("Wanneer vergaderden de ministers, en waar?", "opening"),
        ("How many years had resolution 1325 existed when NATO defence ministers reflected on it?", None),
        ("Op welke datum verscheen het rapport dat de ministers in oktober 2020 bespraken?", None),
        ("Op welke datum kwamen de ministers bijeen?", "opening"),
        ("Iraq came up when foreign ministers met online - what did the Netherlands want?", None),  # mid-clause
        ("By when did the cabinet promise more detail after the June 2021 meetings?", None),  # a meeting that dates
        ("Op welke datum spraken de EU-defensieministers, kort voor het NAVO-overleg?", None),  # the EU's ministers
        ("When were the ministers next expected to discuss the concept?", None),  # a later meeting
    ],
)
def test_letter_part_asked(question, part):
    assert letter_part_asked(question) == part


def _first_passage(index, doc_id):
    own = [p.passage for p in index.passages if p.passage.doc_id == doc_id]
    return min(own, key=lambda p: p.start)


def test_question_about_the_letter_ranks_its_opening_or_signature_first(fake_index, hashing_encoder):
    plain = Retriever(fake_index, hashing_encoder, RetrievalConfig(letter_parts=False, typed_depth=0))
    routed = Retriever(fake_index, hashing_encoder)
    when = "Op welke datum vond de bijeenkomst plaats waarop het Revolving Fund werd besloten?"
    best = plain.search(when, k=5, method="bm25")[0].passage
    results = routed.search(when, k=5, method="bm25")
    opening = _first_passage(fake_index, best.doc_id)
    assert opening.passage_id in [r.passage.passage_id for r in results[:2]]
    assert best.passage_id in [r.passage.passage_id for r in results[:2]]
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)

    who = "Welke minister stuurde het verslag over het Revolving Fund?"
    best = plain.search(who, k=5, method="bm25")[0].passage
    first = routed.search(who, k=5, method="bm25")[0].passage
    assert first.heading == SIGNATURE and first.doc_id == best.doc_id
    # a document filter is obeyed: the routed passage comes from the filtered letters only
    filtered = routed.search(who, k=3, method="bm25", doc_ids=[DOC_004])
    assert {r.doc_id for r in filtered} == {DOC_004}


@pytest.fixture
def crosslingual_encoder(make_hashing_encoder):
    return make_hashing_encoder(dim=64, name="fake-crosslingual")  # the one fake_index was built with


def test_crosslingual_scores_are_passage_plus_best_sentence_cosine(fake_index, hashing_encoder, crosslingual_encoder):
    retriever = Retriever(fake_index, hashing_encoder, crosslingual=crosslingual_encoder)
    question = "How much does the Netherlands give to the Revolving Fund?"
    scores = retriever.crosslingual_scores(question)
    query = crosslingual_encoder.encode_queries([question])[0]
    by_sentence = fake_index.crosslingual_sentence_vectors @ query
    for i in (0, 7, len(fake_index.passages) - 1):
        members = fake_index.passage_sentences(i)
        expected = fake_index.crosslingual_vectors[i] @ query + 0.75 * by_sentence[members].max()
        assert scores[i] == pytest.approx(expected, abs=1e-5)


def test_crosslingual_scores_are_fused_with_the_weight_for_the_question_language(
    fake_index, hashing_encoder, crosslingual_encoder
):
    english, dutch = "Which allies signed the Letter of Intent?", "Welke bondgenoten tekenden de Letter of Intent?"
    default = Retriever(fake_index, hashing_encoder, crosslingual=crosslingual_encoder)
    assert "crosslingual" in default.scores(english, "hybrid") and "crosslingual" in default.scores(dutch, "hybrid")
    assert "crosslingual" not in default.scores(english, "dense")  # only the hybrid fuses it
    english_only = Retriever(
        fake_index, hashing_encoder, RetrievalConfig(crosslingual_weight=0.0), crosslingual=crosslingual_encoder
    )
    assert "crosslingual" in english_only.scores(english, "hybrid")
    assert "crosslingual" not in english_only.scores(dutch, "hybrid")
    # it moves the fused score: the hybrid with it differs from the one without
    without = Retriever(fake_index, hashing_encoder, RetrievalConfig(english_crosslingual_weight=0.0))
    assert not np.allclose(default.scores(english, "hybrid")["hybrid"], without.scores(english, "hybrid")["hybrid"])


def test_no_crosslingual_scores_without_the_encoder_or_the_vectors(fake_index, hashing_encoder, crosslingual_encoder):
    question = "Which allies signed the Letter of Intent?"
    assert "crosslingual" not in Retriever(fake_index, hashing_encoder).scores(question, "hybrid")
    from dataclasses import replace

    bare = replace(fake_index, crosslingual_vectors=None, crosslingual_sentence_vectors=None)
    assert "crosslingual" not in Retriever(bare, hashing_encoder, crosslingual=crosslingual_encoder).scores(
        question, "hybrid"
    )


@pytest.mark.parametrize(
    ("question", "months"),
    [
        ("Wat besloten de ministers in juni 2020?", {(2020, 6)}),
        ("What was said at the video conference of October 2020?", {(2020, 10)}),
        ("Vergeleken: APRIL 2020 en 17 en 18 juni 2021", {(2020, 4), (2021, 6)}),
        ("What did NATO agree in spring 2020?", {(2020, 3), (2020, 4), (2020, 5)}),  # a season's months
        ("Wat besloot de NAVO in het najaar van 2020?", {(2020, 9), (2020, 10), (2020, 11)}),
        ("Wat gebeurde er in juni?", set()),  # no year: June 2020 or 2021
        ("Wat staat er in Kamerstuk 28676 van 2020?", set()),
    ],
)
def test_months_named(question, months):
    from qa.letter_parts import months_named

    assert months_named(question) == months


@pytest.mark.parametrize(
    ("question", "months"),
    [
        ("After ministers endorsed the advice in June 2020, when were they to discuss it?", set()),
        ("Nadat de ministers in juni 2020 instemden, wat volgde in oktober 2020?", {(2020, 10)}),
        ("Wat besloten de ministers in juni 2020?", {(2020, 6)}),
    ],
)
def test_answer_months_leave_out_an_earlier_clause(question, months):
    from qa.letter_parts import answer_months

    assert answer_months(question) == months


def test_a_named_month_favours_the_letters_of_that_month(fake_index, hashing_encoder):
    from qa.letter_parts import letter_months

    question = "Wat zeiden de ministers over Irak in oktober 2020?"
    searched_whole = RetrievalConfig(dates_as_filter=False)  # (with the date taken out: below)
    plain = Retriever(fake_index, hashing_encoder, replace(searched_whole, month_weight=0.0)).scores(question, "hybrid")
    boosted = Retriever(fake_index, hashing_encoder, searched_whole).scores(question, "hybrid")
    in_month = np.array([(2020, 10) in letter_months(p) for p in fake_index.passages])
    assert in_month.any() and not in_month.all()
    bonus = boosted["hybrid"] - plain["hybrid"]
    np.testing.assert_allclose(bonus[~in_month], 0.0)
    np.testing.assert_allclose(bonus[in_month], 0.15 * plain["hybrid"].max(), rtol=1e-6)
    assert {p.passage.doc_id for p, hit in zip(fake_index.passages, in_month, strict=True) if hit} == {DOC_001}
    # October 2020 holds a meeting: the question is searched without the date, and its letter gains more
    stripped = Retriever(fake_index, hashing_encoder, RetrievalConfig(month_weight=0.0)).scores(question, "hybrid")
    dated = Retriever(fake_index, hashing_encoder).scores(question, "hybrid")
    np.testing.assert_allclose(
        (dated["hybrid"] - stripped["hybrid"])[in_month], 0.2 * stripped["hybrid"].max(), rtol=1e-6
    )
    # a question naming no month is ranked as before
    other = "Wat zeiden de ministers over Irak?"
    np.testing.assert_array_equal(
        Retriever(fake_index, hashing_encoder).scores(other, "hybrid")["hybrid"],
        Retriever(fake_index, hashing_encoder, RetrievalConfig(month_weight=0.0)).scores(other, "hybrid")["hybrid"],
    )


def test_the_opening_formula_counts_for_less(fake_index, hashing_encoder):
    retriever = Retriever(fake_index, hashing_encoder)
    formulas = [s.text for s, flagged in zip(fake_index.sentences, retriever.opening_formulas, strict=True) if flagged]
    openings = [text for text in formulas if "Hierbij" in text]
    assert len(openings) == 4  # four letters open with one
    assert all(text.startswith("Den Haag,") for text in formulas if text not in openings)  # the rest: date lines
    question = openings[0]  # the opening sentence itself: its passage's best sentence is the formula
    full = Retriever(fake_index, hashing_encoder, RetrievalConfig(formula_weight=1.0)).dense_scores(question)
    discounted = retriever.dense_scores(question)
    assert discounted.max() < full.max()
    assert (discounted <= full + 1e-6).all()  # nothing else gains


def test_dutch_neighbours_are_remembered_per_question_and_config(fake_index, hashing_encoder):
    retriever = Retriever(fake_index, hashing_encoder)
    question = "Which allies signed the letter of intent?"
    first = retriever.dutch_neighbours(question)
    first.append("changed by the caller")  # a copy: the remembered list stays as it was
    assert retriever.dutch_neighbours(question) == first[:-1]
    retriever.config = RetrievalConfig(english_expansion=0)  # an evaluation swaps the config in place
    assert retriever.dutch_neighbours(question) == []


def test_meeting_dates_are_taken_out_of_the_searched_question():
    from datetime import date

    from qa.retrieval import without_dates

    days = {date(2020, 4, 2), date(2021, 6, 1)}
    assert without_dates("Wat werd op 2 april 2020 over de Sahel besloten?", days) == "Wat werd over de Sahel besloten?"
    assert without_dates("What did allies say about China in June 2021?", days) == "What did allies say about China?"
    # 7 May 2020 was no meeting: there the date is what the passage must say
    assert without_dates("Wat nam de NAVO-Raad op 7 mei 2020 aan?", days) == "Wat nam de NAVO-Raad op 7 mei 2020 aan?"
    assert without_dates("Op 2 april 2020?", days) == "Op 2 april 2020?"  # too little would be left


def test_a_letter_part_question_is_read_without_its_meeting_clause(fake_index, hashing_encoder):
    # "At the meeting where X, when ...?": the clause names the meeting; the rest asks when of something else,
    # so the letter's opening is not put first.
    question = "At the meeting where ministers discussed the Revolving Fund, when is a decision on Iraq expected?"
    routed = Retriever(fake_index, hashing_encoder).search(question, k=3, method="bm25")
    unrouted = Retriever(fake_index, hashing_encoder, RetrievalConfig(letter_parts=False))
    plain = unrouted.search(question, k=3, method="bm25")
    assert [r.passage.passage_id for r in routed] == [r.passage.passage_id for r in plain]


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Wat zijn volgens de geannoteerde agenda de drie kerntaken van de NAVO?", {"geannoteerde agenda"}),
        ("Hoe willen de bondgenoten volgens het verslag van juni 2021 de cyberveiligheid versterken?", {"verslag"}),
        ("According to the April 2020 report, how should arms control be kept alive?", {"verslag"}),
        ("Why is it useful, according to the April 2020 defence agenda?", {"geannoteerde agenda"}),
        ("Which report's recommendations did ministers endorse?", set()),
        ("What does the Defence Capability Review Report say?", set()),  # a report's name, not a letter's kind
        ("How did the SG put the reports about US troops into perspective?", set()),
    ],
)
def test_kinds_named(question, kinds):
    from qa.letter_parts import kinds_named

    assert kinds_named(question) == kinds


def test_the_kind_of_letter_named_favours_those_letters(fake_index, hashing_encoder):
    from qa.letter_parts import letter_kind

    question = "Wat zegt de geannoteerde agenda over Irak?"
    plain = Retriever(fake_index, hashing_encoder, RetrievalConfig(kind_weight=0.0)).scores(question, "hybrid")
    boosted = Retriever(fake_index, hashing_encoder).scores(question, "hybrid")
    agenda = np.array([letter_kind(p.title) == "geannoteerde agenda" for p in fake_index.passages])
    assert agenda.any() and not agenda.all()
    bonus = boosted["hybrid"] - plain["hybrid"]
    np.testing.assert_allclose(bonus[~agenda], 0.0)
    np.testing.assert_allclose(bonus[agenda], 0.3 * plain["hybrid"].max(), rtol=1e-6)


@pytest.mark.parametrize(
    ("sentence", "frame"),
    [
        ("Den Haag, 9 april 2020 Hierbij ontvangt u de geannoteerde agenda", True),
        ("Den Haag, 9 april 2020", True),  # a date line alone
        ("Hierbij informeer ik u over de bijeenkomst", True),
        ("Den Haag, 9 april 2020 was het toneel van een overleg", False),
        ("De ministers spraken over Irak.", False),
    ],
)
def test_opening_formula(sentence, frame):
    from qa.letter_parts import OPENING_FORMULA

    assert bool(OPENING_FORMULA.search(sentence)) is frame


def test_a_passage_holding_the_kind_asked_for_goes_first_and_keeps_its_similarity_rank(fake_index, hashing_encoder):
    question = "Welke bondgenoten tekenden samen met Nederland de Letter of Intent voor grondgebonden luchtverdediging?"
    plain = Retriever(fake_index, hashing_encoder, RetrievalConfig(typed_depth=0)).search(question, k=5)
    typed = Retriever(fake_index, hashing_encoder).search(question, k=5)
    assert [r.passage.passage_id for r in plain] != [r.passage.passage_id for r in typed]
    assert "België" in typed[0].passage.text and typed[0].similarity_rank > 1
    assert {r.passage.passage_id for r in plain} == {r.passage.passage_id for r in typed}  # only the order moves
    assert [r.score for r in typed] == sorted((r.score for r in typed), reverse=True)
    assert all(r.similarity_rank == r.rank for r in plain)
