"""English question words mapped to the letters' own Dutch words, through a multilingual encoder.

BM25 cannot match "challenges" to "uitdagingen". An encoder can: each word of the letters is embedded once,
at index time (by USE, trained on translation pairs, where the index has it), and an English question's words
look up their nearest Dutch neighbours, which BM25 then searches for beside the question's own words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from embeddings.lexical import STOPWORDS, TOKEN, fold

MIN_WORD_LENGTH = 3


def content_words(text: str) -> list[str]:
    """The folded words that carry meaning: no function words, short words or numbers (BM25 has those)."""
    return [
        w
        for w in TOKEN.findall(fold(text))
        if w not in STOPWORDS and len(w) >= MIN_WORD_LENGTH and not any(c.isdigit() for c in w)
    ]


def vocabulary(texts: Iterable[str]) -> list[str]:
    """Every content word of the texts, sorted."""
    return sorted({w for text in texts for w in content_words(text)})


def nearest_word_groups(
    query_vectors: np.ndarray,
    word_vectors: np.ndarray,
    words: Sequence[str],
    per_word: int = 2,
    min_cosine: float = 0.88,
) -> list[list[str]]:
    """For each query word's vector, up to per_word vocabulary words at least min_cosine close to it."""
    if not len(query_vectors) or not len(words) or per_word <= 0:
        return [[] for _ in range(len(query_vectors))]
    similarity = query_vectors @ word_vectors.T  # (query words, vocabulary)
    top = np.argsort(-similarity, axis=1)[:, :per_word]
    return [[words[j] for j in candidates if similarity[row, j] >= min_cosine] for row, candidates in enumerate(top)]
