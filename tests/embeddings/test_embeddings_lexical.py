"""BM25: accent folding, Dutch stemming, stopwords, scoring, and the array round trip."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.lexical import K1, STOPWORDS, B, bm25_scores, build_bm25, fold, load_bm25, save_bm25, tokenize


def test_fold_strips_accents_and_case():
    assert fold("Oekraïne") == "oekraine"
    assert fold("ÉÉN Café Noël") == "een cafe noel"


def test_tokenize_folds_accents():
    assert tokenize("Oekraïne") == tokenize("oekraine") == tokenize("OEKRAÏNE")
    assert tokenize("België") == tokenize("belgie")


@pytest.mark.parametrize(
    ("a", "b"),
    [("bondgenoten", "bondgenoot"), ("missies", "missie"), ("ministers", "minister"), ("landen", "land")],
)
def test_dutch_inflections_share_a_stem(a, b):
    assert tokenize(a) == tokenize(b)
    assert len(tokenize(a)) == 1


def test_stopwords_are_dropped_and_content_words_kept():
    tokens = tokenize("Wat is de bijdrage van Nederland aan het Revolving Fund?")
    assert tokenize("de het een van wat is aan") == []
    assert all(t not in STOPWORDS for t in tokens)
    assert tokenize("Nederland")[0] in tokens and tokenize("Revolving")[0] in tokens
    assert len(tokens) == 4  # bijdrage, nederland, revolving, fund


def test_tokenize_splits_on_punctuation_and_keeps_numbers():
    assert tokenize("2%-norm, 1 miljoen") == tokenize("2 % norm 1 miljoen")
    assert "2" in tokenize("2%-norm") and "1" in tokenize("1 miljoen")
    assert tokenize("?!… 🙂") == []


DOCS = [
    "De ministers spraken over de missie in Irak en de training van Iraakse strijdkrachten.",
    "Nederland draagt 1 miljoen euro bij aan het Revolving Fund voor medische artikelen.",
    "Bondgenoten bespraken afschrikking en verdediging, en de rol van Rusland.",
    "De bijeenkomst werd virtueel gehouden vanwege COVID-19.",
]


def test_bm25_ranks_the_exact_term_document_first():
    index = build_bm25(DOCS)
    for query, best in [("Revolving Fund", 1), ("Irak", 0), ("bondgenoot Rusland", 2), ("covid", 3)]:
        scores = bm25_scores(index, query)
        assert int(np.argmax(scores)) == best, query
        assert scores[best] > 0
        assert (np.delete(scores, best) < scores[best]).all()


def test_bm25_scores_are_zero_without_a_shared_term():
    index = build_bm25(DOCS)
    np.testing.assert_array_equal(bm25_scores(index, "kernwapens Noorwegen"), np.zeros(len(DOCS)))
    np.testing.assert_array_equal(bm25_scores(index, "de het een"), np.zeros(len(DOCS)))


def test_bm25_matches_the_lucene_formula_by_hand():
    index = build_bm25(["appel peer", "appel appel appel kers", "kers"])
    lengths = np.array([2, 4, 1], dtype=np.float64)
    avg = lengths.mean()
    # "appel" in docs 0 (tf 1) and 1 (tf 3) of 3
    idf = np.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    expected = [idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[d] / avg)) for d, tf in ((0, 1), (1, 3))]
    scores = bm25_scores(index, "appel")
    np.testing.assert_allclose(scores[:2], expected, rtol=1e-6)
    assert scores[2] == 0


def test_bm25_on_no_documents():
    index = build_bm25([])
    assert index.n_docs == 0
    assert bm25_scores(index, "Irak").shape == (0,)


def test_bm25_save_load_round_trip(tmp_path):
    index = build_bm25(DOCS)
    save_bm25(index, tmp_path)
    loaded = load_bm25(tmp_path)
    assert loaded.vocab == index.vocab
    for name in ("indptr", "doc_ids", "tfs", "doc_lengths"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(index, name))
    np.testing.assert_array_equal(bm25_scores(loaded, "Revolving Fund"), bm25_scores(index, "Revolving Fund"))


def test_load_bm25_refuses_pickled_arrays(tmp_path):
    index = build_bm25(DOCS)
    save_bm25(index, tmp_path)
    np.savez(tmp_path / "bm25.npz", indptr=np.array([object()], dtype=object), doc_ids=index.doc_ids,
             tfs=index.tfs, doc_lengths=index.doc_lengths)  # fmt: skip
    with pytest.raises(ValueError, match="allow_pickle"):
        load_bm25(tmp_path)
