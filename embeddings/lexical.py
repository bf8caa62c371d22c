"""BM25 with Dutch stemming and accent folding; scoring as plain functions over arrays."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

K1 = 1.2
B = 0.75
TOKEN = re.compile(r"[a-z0-9]+")
# Function words of Dutch and English questions; the content words carry the match.
STOPWORDS = frozenset(
    """de het een en of van in op te ten ter voor met aan bij door over om tot uit naar als dan dat die dit
    deze er is zijn was waren wordt werd worden werden heeft hebben had hadden zal zullen zou zouden kan
    kunnen moet moeten niet ook nog wel al wat wie welke welk waar wanneer waarom hoe hoeveel hoe veel
    ik je jij u hij zij ze we wij hun hen zich haar hem mijn zijn onze uw dus maar want of toch the a an
    and or of in on at to for with by from about as than that which who whom what when where why how
    many much is are was were be been being has have had will would shall should can could do does did
    not no this these those it its their there they he she his her we our you your i me my mee""".split()
)


@lru_cache(maxsize=1)
def _stemmers():
    try:
        import snowballstemmer
    except ImportError as exc:
        from corpus.errors import MissingExtraError

        raise MissingExtraError("snowballstemmer", "all") from exc
    return snowballstemmer.stemmer("dutch"), snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lowercase and strip accents: 'Oekraïne' and 'oekraine' meet."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return _stemmers()[0].stemWord(word)


def tokenize(text: str) -> list[str]:
    return [stem(w) for w in TOKEN.findall(fold(text)) if w not in STOPWORDS]


@dataclass(frozen=True)
class BM25Index:
    """Term-document matrix in CSR form (indptr/indices/tf) plus per-document lengths."""

    vocab: dict[str, int]
    indptr: np.ndarray  # per term: slice into doc_ids / tfs
    doc_ids: np.ndarray
    tfs: np.ndarray
    doc_lengths: np.ndarray

    @property
    def n_docs(self) -> int:
        return len(self.doc_lengths)


def build_bm25(texts: list[str]) -> BM25Index:
    postings: dict[str, dict[int, int]] = {}
    lengths = np.zeros(len(texts), dtype=np.float32)
    for doc, text in enumerate(texts):
        tokens = tokenize(text)
        lengths[doc] = len(tokens)
        for tok in tokens:
            postings.setdefault(tok, {}).setdefault(doc, 0)
            postings[tok][doc] += 1
    vocab = {term: i for i, term in enumerate(sorted(postings))}
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    doc_ids, tfs = [], []
    for term, i in vocab.items():
        docs = sorted(postings[term].items())
        doc_ids.extend(d for d, _ in docs)
        tfs.extend(c for _, c in docs)
        indptr[i + 1] = len(doc_ids)
    return BM25Index(vocab, indptr, np.array(doc_ids, dtype=np.int32), np.array(tfs, dtype=np.float32), lengths)


def bm25_scores(index: BM25Index, query: str) -> np.ndarray:
    """BM25 (Lucene variant) of every document for the query's stemmed terms."""
    scores = np.zeros(index.n_docs, dtype=np.float32)
    if index.n_docs == 0:
        return scores
    avg_len = max(float(index.doc_lengths.mean()), 1.0)
    for term in set(tokenize(query)):
        i = index.vocab.get(term)
        if i is None:
            continue
        lo, hi = index.indptr[i], index.indptr[i + 1]
        docs, tf = index.doc_ids[lo:hi], index.tfs[lo:hi]
        idf = np.log(1.0 + (index.n_docs - len(docs) + 0.5) / (len(docs) + 0.5))
        norm = tf + K1 * (1 - B + B * index.doc_lengths[docs] / avg_len)
        scores[docs] += idf * tf * (K1 + 1) / norm
    return scores


def save_bm25(index: BM25Index, folder: Path) -> None:
    (folder / "bm25_vocab.json").write_text(json.dumps(index.vocab, ensure_ascii=False), encoding="utf-8")
    np.savez(
        folder / "bm25.npz", indptr=index.indptr, doc_ids=index.doc_ids, tfs=index.tfs, doc_lengths=index.doc_lengths
    )


def load_bm25(folder: Path) -> BM25Index:
    vocab = json.loads((folder / "bm25_vocab.json").read_text(encoding="utf-8"))
    with np.load(folder / "bm25.npz", allow_pickle=False) as arrays:
        return BM25Index(vocab, arrays["indptr"], arrays["doc_ids"], arrays["tfs"], arrays["doc_lengths"])
