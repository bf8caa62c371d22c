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
