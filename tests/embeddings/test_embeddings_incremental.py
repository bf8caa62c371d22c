"""build_index with a VectorCache (embeddings/letter_cache.py): the same index, encoding only what is new."""

from __future__ import annotations

import numpy as np
import pytest

from corpus import bundled_corpus_dir, load_corpus
from embeddings.letter_cache import Timings, VectorCache, load_npz, save_npz
from embeddings.store import build_index, corpus_sentences, indexed_passages, load_index
from tests.conftest import HashingEncoder


class Counting(HashingEncoder):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.texts = 0

    def encode_passages(self, texts, progress=None):
        self.texts += len(texts)
        return super().encode_passages(texts, progress)

    def encode_queries(self, texts):
        self.texts += len(texts)
        return super().encode_queries(texts)


def _same(a, b):
    assert np.array_equal(a.sentence_vectors, b.sentence_vectors) and np.array_equal(a.word_vectors, b.word_vectors)
    assert a.words == b.words and [p.passage for p in a.passages] == [p.passage for p in b.passages]
    assert np.array_equal(a.crosslingual_vectors, b.crosslingual_vectors)
    assert a.vectors.ntotal == b.vectors.ntotal and a.bm25.n_docs == b.bm25.n_docs


def test_cached_build_equals_a_plain_one_and_encodes_nothing_twice(tmp_path, corpus):
    enc, xl = Counting(), Counting(dim=64, name="fake-xl")
    plain = build_index(tmp_path / "plain", corpus, enc, progress=False, crosslingual=xl)
    cache = VectorCache(tmp_path / "cache")
    first = build_index(tmp_path / "a", corpus, enc, progress=False, crosslingual=xl, cache=cache)
    _same(plain, first)
    enc.texts = xl.texts = 0
    timings = Timings()
    second = build_index(tmp_path / "b", corpus, enc, progress=False, crosslingual=xl, cache=cache, timings=timings)
    _same(first, second)
    assert enc.texts == xl.texts == 0 and not timings.encoded
    assert {"faiss", "bm25", "write"} <= set(timings.seconds)
    _same(second, load_index(tmp_path / "b"))


def test_a_changed_letter_is_encoded_alone(tmp_path, letter_dir):
    raw = {p.name: p.read_text(encoding="utf-8") for p in sorted(bundled_corpus_dir().glob("*.txt"))}
    folder = letter_dir(raw)
    enc = Counting()
    cache = VectorCache(tmp_path / "cache")
    build_index(tmp_path / "a", load_corpus(folder), enc, progress=False, cache=cache)
    name = sorted(raw)[0]
    extra = "\n\nDe minister zegt er nog iets nieuws over Groenland.\n"
    (folder / name).write_text(raw[name] + extra, encoding="utf-8")
    changed = load_corpus(folder)
    doc = changed.get(name.removesuffix(".txt"))
    enc.texts = 0
    timings = Timings()
    index = build_index(tmp_path / "b", changed, enc, progress=False, cache=cache, timings=timings)
    passages_encoded = timings.encoded["encode fake-hash passages"]
    assert passages_encoded == len(doc.passages) < len(index.passages)
    assert 0 < timings.encoded.get("encode fake-hash words", 0) <= 6  # "groenland", "nieuws", ...: new words only


def test_a_damaged_cache_file_is_a_miss_not_an_error(tmp_path, corpus):
    cache = VectorCache(tmp_path / "cache")
    enc = Counting()
    build_index(tmp_path / "a", corpus, enc, progress=False, cache=cache)
    for path in (tmp_path / "cache").rglob("*.npz"):
        path.write_bytes(b"not a zip")
    enc.texts = 0
    build_index(tmp_path / "b", corpus, enc, progress=False, cache=cache)
    assert enc.texts > 0


def test_npz_round_trip_has_no_pickle(tmp_path):
    save_npz(tmp_path / "x.npz", vectors=np.ones((2, 3), np.float32), words=np.array(["a", "bé"]))
    loaded = load_npz(tmp_path / "x.npz")
    assert loaded["words"].tolist() == ["a", "bé"] and loaded["vectors"].shape == (2, 3)
    with pytest.raises(ValueError):
        save_npz(tmp_path / "y.npz", obj=np.array([{"a": 1}], dtype=object))
        np.load(tmp_path / "y.npz", allow_pickle=False)["obj"]


LETTERS = {
    "brief-a.txt": "Toetreding\n\nDe toetreding van Finland tot de NAVO is goedgekeurd door het parlement.\n",
    "brief-b.txt": "Uitgaven\n\nDe defensie-uitgaven stijgen dit jaar naar twee procent van het bbp.\n",
}


def test_words_are_embedded_by_the_crosslingual_encoder_and_e5_only_when_the_timeline_asks(tmp_path, letter_dir):
    from qa.retrieve import Retriever

    enc, xl = Counting(), Counting(dim=64, name="fake-xl")
    cache = VectorCache(tmp_path / "cache")
    index = build_index(tmp_path / "i", load_corpus(letter_dir(LETTERS)), enc, False, crosslingual=xl, cache=cache)
    assert index.manifest["word_encoder"] == "fake-xl" and index.word_vectors.shape == (len(index.words), 64)
    assert "toetreding" in index.words
    enc.texts = xl.texts = 0
    retriever = Retriever(load_index(tmp_path / "i"), enc, xl, word_cache=cache)
    assert retriever.word_encoder is xl and retriever.word_cosine() == retriever.config.expansion_min_cosine
    retriever.neighbour_groups("accession of Finland")
    assert enc.texts == 0 and xl.texts > 0  # question words go to the encoder that embedded the letters' words
    surface = retriever.surface_word_vectors()  # e5's look-alikes: encoded now, once, and kept in the cache
    assert surface.shape == (len(index.words), enc.dim) and enc.texts == len(index.words)
    assert retriever.surface_word_vectors() is surface and enc.texts == len(index.words)
    again = Retriever(load_index(tmp_path / "i"), enc, xl, word_cache=cache).surface_word_vectors()
    assert np.array_equal(again, surface) and enc.texts == len(index.words)


def test_without_a_crosslingual_encoder_the_words_are_e5s(tmp_path, letter_dir):
    from qa.retrieve import Retriever

    enc = Counting()
    index = build_index(tmp_path / "i", load_corpus(letter_dir(LETTERS)), enc, False)
    retriever = Retriever(index, enc)
    assert index.manifest["word_encoder"] == "fake-hash" and retriever.word_encoder is enc
    assert retriever.word_cosine() == retriever.config.expansion_min_cosine_e5
    assert retriever.surface_word_vectors() is index.word_vectors


def test_a_word_cache_that_cannot_be_written_only_costs_time(tmp_path, letter_dir):
    from qa.retrieve import Retriever

    enc, xl = Counting(), Counting(dim=64, name="fake-xl")
    index = build_index(tmp_path / "i", load_corpus(letter_dir(LETTERS)), enc, False, crosslingual=xl)
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    surface = Retriever(index, enc, xl, word_cache=VectorCache(blocked)).surface_word_vectors()
    assert surface.shape == (len(index.words), enc.dim)


def test_a_text_repeated_in_the_letters_is_encoded_once():
    from embeddings.letter_cache import encode_distinct

    enc, done = Counting(), []
    texts = ["Hoogachtend,", "De NAVO spreekt over Oekraïne.", "Hoogachtend,", "Hoogachtend,"]
    vectors = encode_distinct(enc, texts, progress=done.append)
    assert enc.texts == 2 and sum(done) == len(texts)
    np.testing.assert_array_equal(vectors, enc.encode_passages(texts))


class Prefetching(Counting):
    """Records, as an e5 that loads torch for bulk calls would be asked, how many texts a build will encode."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.prefetched: list[tuple[int, int]] = []  # (texts announced, texts already encoded then)

    def prefetch_bulk(self, n):
        self.prefetched.append((n, self.texts))


def test_the_bulk_model_is_asked_to_load_before_encoding_with_what_is_left_to_encode(tmp_path, corpus):
    enc, xl = Prefetching(), Counting(dim=64, name="fake-xl")
    cache = VectorCache(tmp_path / "cache")
    build_index(tmp_path / "a", corpus, enc, progress=False, crosslingual=xl, cache=cache)
    passages, sentences = len(indexed_passages(corpus)), len(corpus_sentences(corpus))
    assert enc.prefetched == [(passages + sentences, 0)]  # announced once, before e5 encoded anything
    build_index(tmp_path / "b", corpus, enc, progress=False, crosslingual=xl, cache=cache)
    assert len(enc.prefetched) == 1  # everything cached: nothing to load the model for
