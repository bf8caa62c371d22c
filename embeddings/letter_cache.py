"""Encoded arrays kept between builds: one .npz per (encoder, letter content), one word cache per encoder.

A build asks the cache for each letter's passage and sentence vectors; only letters it has not seen (new, or
changed: the key is a hash of exactly the texts that get encoded) are encoded, all in one batch, and written
back. Words are encoded once ever per encoder: the vocabulary grows with every letter, the cache with it.
Nothing is pickled; every file is written to a temporary name and renamed into place, so a kill leaves either
the old file or the new one. A file that cannot be read is a miss, never an error: the cache only saves time.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embeddings.encoders import Encoder

CACHE_FORMAT = 1


def encoder_slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:80]


def texts_key(texts: Sequence[str]) -> str:
    digest = hashlib.sha256(f"v{CACHE_FORMAT}\0".encode())
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0\1")
    return digest.hexdigest()[:32]


def save_npz(path: Path, **arrays: np.ndarray) -> None:
    """np.savez to a temporary name, then os.replace: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        np.savez(f, **arrays)
    os.replace(tmp, path)


def load_npz(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (OSError, ValueError, KeyError, EOFError):
        return None


@dataclass
class Timings:
    """Seconds per stage and texts encoded per encoder, for evals/bench.py and `qa letters add`."""

    seconds: dict[str, float] = field(default_factory=dict)
    encoded: dict[str, int] = field(default_factory=dict)

    def add(self, stage: str, seconds: float, texts: int = 0) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds
        if texts:
            self.encoded[stage] = self.encoded.get(stage, 0) + texts


class VectorCache:
    """folder/<encoder>/<key>.npz (a letter's arrays) and folder/<encoder>/words.npz (word -> vector)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def pending(self, encoder, passage_groups, sentence_groups, words, crosslingual=None) -> int:
        """How many texts a build will encode (for its progress bar): those whose arrays are not on disk."""
        total = 0
        for enc in [encoder] + ([crosslingual] if crosslingual is not None else []):
            total += self.missing(enc, "passages", passage_groups) + self.missing(enc, "sentences", sentence_groups)
        word_encoder = crosslingual if crosslingual is not None else encoder  # as embeddings/store.py embeds them
        cached = load_npz(self.folder / encoder_slug(word_encoder.name) / "words.npz") or {}
        known = {str(w) for w in cached.get("words", ())}
        return total + sum(1 for w in words if w not in known)

    def missing(self, encoder, kind: str, groups) -> int:
        """How many of the groups' texts have no arrays on disk for this encoder."""
        folder = self.folder / encoder_slug(encoder.name)
        return sum(len(g) for g in groups if not (folder / f"{kind}-{texts_key(g)}.npz").exists())

    def prefetch(self, encoder: Encoder, *groups: Sequence[Sequence[str]]) -> None:
        prefetch_bulk(encoder, sum(self.missing(encoder, kind, g) for kind, g in zip(KINDS, groups, strict=True)))

    def encode_groups(
        self,
        encoder: Encoder,
        kind: str,
        groups: Sequence[Sequence[str]],
        progress: Callable[[int], None] | None = None,
        timings: Timings | None = None,
    ) -> list[np.ndarray]:
        """One array per group of texts (a letter's passages or sentences), encoding only the groups not cached."""
        folder = self.folder / encoder_slug(encoder.name)
        keys = [f"{kind}-{texts_key(g)}" for g in groups]
        out: list[np.ndarray | None] = []
        for key, group in zip(keys, groups, strict=True):
            cached = load_npz(folder / f"{key}.npz")
            vectors = cached.get("vectors") if cached else None
            ok = vectors is not None and vectors.shape == (len(group), encoder.dim) and vectors.dtype == np.float32
            out.append(vectors if ok else None)
        missing = [i for i, v in enumerate(out) if v is None]
        texts = [t for i in missing for t in groups[i]]
        if texts:
            started = time.perf_counter()
            vectors = encode_distinct(encoder, texts, progress)
            if timings is not None:
                timings.add(f"encode {encoder.name} {kind}", time.perf_counter() - started, len(texts))
            at = 0
            for i in missing:
                part = vectors[at : at + len(groups[i])].reshape(len(groups[i]), encoder.dim)
                at += len(groups[i])
                save_npz(folder / f"{keys[i]}.npz", vectors=part)
                out[i] = part
        elif progress:
            progress(0)
        return [v if v is not None else np.zeros((0, encoder.dim), np.float32) for v in out]

    def encode_words(
        self,
        encoder: Encoder,
        words: Sequence[str],
        progress: Callable[[int], None] | None = None,
        timings: Timings | None = None,
        batch: int = 256,
    ) -> np.ndarray:
        """Word vectors (encoded as queries, the way a question word is), each word encoded once per encoder."""
        path = self.folder / encoder_slug(encoder.name) / "words.npz"
        cached = load_npz(path) or {}
        known_words = [str(w) for w in cached.get("words", np.zeros(0, dtype="U1"))]
        known_vectors = cached.get("vectors")
        if (
            known_vectors is None
            or len(known_vectors) != len(known_words)
            or (len(known_words) and known_vectors.shape[1] != encoder.dim)
        ):
            known_words, known_vectors = [], np.zeros((0, encoder.dim), np.float32)
        row = {w: i for i, w in enumerate(known_words)}
        new = [w for w in dict.fromkeys(words) if w not in row]
        if new:
            started = time.perf_counter()
            parts = []
            for i in range(0, len(new), batch):
                parts.append(np.asarray(encoder.encode_queries(new[i : i + batch]), dtype=np.float32))
                if progress:
                    progress(len(new[i : i + batch]))
            if timings is not None:
                timings.add(f"encode {encoder.name} words", time.perf_counter() - started, len(new))
            known_vectors = np.vstack([known_vectors.astype(np.float32), *parts])
            for w in new:
                row[w] = len(row)
            known_words = known_words + new
            save_npz(path, words=np.array(known_words, dtype=str), vectors=known_vectors)
        if not words:
            return np.zeros((0, encoder.dim), np.float32)
        return known_vectors[[row[w] for w in words]].astype(np.float32)


KINDS = ("passages", "sentences")


def prefetch_bulk(encoder: Encoder, n: int) -> None:
    """Let an encoder that loads a bulk model for many texts (e5 in torch) start loading it now."""
    start = getattr(encoder, "prefetch_bulk", None)
    if start is not None and n:
        start(n)


def encode_distinct(encoder: Encoder, texts: Sequence[str], progress=None) -> np.ndarray:
    """Passage vectors of texts, each distinct text encoded once (letters repeat lines: greetings, signatures)."""
    distinct = list(dict.fromkeys(texts))
    vectors = np.asarray(encoder.encode_passages(distinct, progress=progress), dtype=np.float32)
    if len(distinct) == len(texts):
        return vectors
    if progress:
        progress(len(texts) - len(distinct))
    row = {text: i for i, text in enumerate(distinct)}
    return vectors[[row[t] for t in texts]]


def grouped(texts: list[str], doc_ids: list[str]) -> list[list[str]]:
    """Consecutive texts of one letter together: the unit the cache keeps."""
    groups: list[list[str]] = []
    last = None
    for text, doc_id in zip(texts, doc_ids, strict=True):
        if doc_id != last or not groups:
            groups.append([])
            last = doc_id
        groups[-1].append(text)
    return groups


def stacked(parts: list[np.ndarray], dim: int) -> np.ndarray:
    return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, dim), dtype=np.float32)


class NoCache:
    """The cache's interface without a folder: everything is encoded (batched across letters)."""

    def pending(self, encoder, passage_groups, sentence_groups, words, crosslingual) -> int:
        n = sum(map(len, passage_groups)) + sum(map(len, sentence_groups))
        return n * (2 if crosslingual is not None else 1) + len(words)

    def prefetch(self, encoder: Encoder, *groups: Sequence[Sequence[str]]) -> None:
        prefetch_bulk(encoder, sum(len(t) for g in groups for t in g))

    def encode_groups(self, encoder, kind, groups, progress=None, timings=None) -> list[np.ndarray]:
        flat = [t for g in groups for t in g]
        if not flat:
            return []
        started = time.perf_counter()
        vectors = encode_distinct(encoder, flat, progress)
        if timings is not None:
            timings.add(f"encode {encoder.name} {kind}", time.perf_counter() - started, len(flat))
        return [vectors]

    def encode_words(self, encoder, words, progress=None, timings=None, batch: int = 256) -> np.ndarray:
        started = time.perf_counter()
        vectors = _encode_words(encoder, words, progress, batch)
        if timings is not None and words:
            timings.add(f"encode {encoder.name} words", time.perf_counter() - started, len(words))
        return vectors


def _encode_words(encoder: Encoder, words: list[str], progress=None, batch: int = 256) -> np.ndarray:
    out = []
    for i in range(0, len(words), batch):
        out.append(encoder.encode_queries(words[i : i + batch]))
        if progress:
            progress(len(words[i : i + batch]))
    return np.vstack(out).astype(np.float32) if out else np.zeros((0, encoder.dim), dtype=np.float32)
