"""Fixtures shared by the whole suite: the five bundled letters, parsed once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# pytest puts tests/ first on sys.path, and there tests/corpus/ (no __init__.py) would be found as a namespace
# package "corpus" before the editable install's finder is asked for the real one; the project root goes first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import Corpus, bundled_corpus_dir, load_corpus


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The bundled corpus as every component sees it (parsing is pure, so one copy serves all tests)."""
    return load_corpus()


@pytest.fixture(scope="session")
def raw_letters() -> dict[str, str]:
    """doc id -> the letter's raw PDF-extracted text, for checks against what the parser started from."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(bundled_corpus_dir().glob("*.txt"))}


@pytest.fixture
def letter_dir(tmp_path: Path):
    """Write letters into a fresh folder: letter_dir({"name.txt": str | bytes}) -> the folder."""

    def write(files: dict[str, str | bytes]) -> Path:
        folder = tmp_path / "letters"
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (folder / name).write_bytes(data)
        return folder

    return write


class HashingEncoder:
    """A tiny deterministic Encoder for plumbing tests: normalised bags of hashed accent-folded words, no model.

    `fail_after=n` makes the (n+1)-th encode_passages call raise, to test that a failed build changes nothing.
    """

    def __init__(self, dim: int = 256, name: str = "fake-hash", fail_after: int | None = None):
        self.name, self.dim, self.fail_after, self.calls = name, dim, fail_after, 0

    def _vectors(self, texts):
        import hashlib

        import numpy as np

        from embeddings.lexical import STOPWORDS, TOKEN, fold

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in (t for t in TOKEN.findall(fold(text)) if t not in STOPWORDS):
                h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def encode_queries(self, texts):
        return self._vectors(list(texts))

    def encode_passages(self, texts, progress=None):
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise RuntimeError("encoder crashed mid-build")
        self.calls += 1
        vectors = self._vectors(list(texts))
        if progress:
            progress(len(texts))
        return vectors


@pytest.fixture
def hashing_encoder() -> HashingEncoder:
    """A fresh fake encoder (see HashingEncoder): instant, deterministic, satisfies the Encoder protocol."""
    return HashingEncoder()


@pytest.fixture(scope="session")
def fake_index(corpus, tmp_path_factory):
    """The bundled letters indexed once with HashingEncoder, and a smaller one as the cross-lingual encoder
    (read-only: copy it before damaging it)."""
    from embeddings.store import build_index

    folder = tmp_path_factory.mktemp("fake-index") / "index"
    return build_index(folder, corpus, HashingEncoder(), progress=False, crosslingual=fake_crosslingual_encoder())


def fake_crosslingual_encoder() -> HashingEncoder:
    return HashingEncoder(dim=64, name="fake-crosslingual")


@pytest.fixture(scope="session")
def fake_assistant(corpus, fake_index):
    """An Assistant over the real letters with the fake encoders: real plumbing, no model, instant."""
    from qa.assistant import Assistant

    return Assistant(corpus, fake_index, HashingEncoder(), crosslingual=fake_crosslingual_encoder())


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory):
    """The real Assistant (default encoder, multilingual-e5-small) over an index built once per session (~25 s)."""
    from qa.assistant import Assistant

    return Assistant.load(index_dir=tmp_path_factory.mktemp("index"), progress=False)


@pytest.fixture
def make_hashing_encoder():
    """HashingEncoder itself, for tests that need one with another name, size or a planned failure."""
    return HashingEncoder


@pytest.fixture(autouse=True)
def _own_qa_home(tmp_path_factory, monkeypatch):
    """Every test gets an empty letters library (QA_HOME): never the developer's own, never another test's."""
    monkeypatch.setenv("QA_HOME", str(tmp_path_factory.mktemp("qa-home")))
