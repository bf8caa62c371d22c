"""Cross-lingual term expansion: plain functions over arrays, and the real encoder's neighbours."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.crosslingual import content_words, nearest_word_groups, vocabulary


def test_content_words_drop_function_words_numbers_and_short_words():
    assert content_words("Which two countries pose new challenges in 2021, op de 15e?") == [
        "two", "countries", "pose", "new", "challenges",
    ]  # fmt: skip


def test_vocabulary_is_sorted_folded_and_unique():
    assert vocabulary(["Oekraïne en de NAVO", "navo steunt Oekraine"]) == ["navo", "oekraine", "steunt"]


def test_nearest_words_respects_count_and_floor():
    words = ["uitdagingen", "landen", "eenheid"]
    word_vectors = np.eye(3, dtype=np.float32)
    query = np.array([[0.95, 0.3, 0.0], [0.0, 0.0, 0.5]], dtype=np.float32)
    assert nearest_word_groups(query, word_vectors, words, per_word=1, min_cosine=0.9) == [["uitdagingen"], []]
    assert nearest_word_groups(query, word_vectors, words, per_word=2, min_cosine=0.25) == [
        ["uitdagingen", "landen"],
        ["eenheid"],
    ]
    assert nearest_word_groups(query, word_vectors, words, per_word=0) == [[], []]
    assert nearest_word_groups(np.zeros((0, 3)), word_vectors, words) == []


@pytest.mark.slow
def test_real_encoder_maps_english_words_to_the_letters_dutch(real_assistant):
    groups = real_assistant.retriever.neighbour_groups("Which two countries pose new challenges to the alliance?")
    neighbours = [w for _, group in groups for w in group]
    assert "uitdagingen" in neighbours and "landen" in neighbours
