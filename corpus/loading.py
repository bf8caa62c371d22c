"""Reading letters from disk (.txt, .md, .pdf); one bad file never stops the others."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from corpus.cleaning import lexicon_of
from corpus.errors import CorpusError, DocumentError, MissingExtraError
from corpus.models import Document
from corpus.parsing import parse_letter

SUFFIXES = (".txt", ".md", ".pdf")
MAX_BYTES = 20_000_000


@dataclass(frozen=True)
class Problem:
    """Something wrong with one file; `message` names the file. `skipped`: the letter was not loaded."""

    path: str
    message: str
    skipped: bool = True


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    problems: tuple[Problem, ...] = ()

    def get(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.doc_id == doc_id:
                return doc
        raise KeyError(doc_id)

    @property
    def fingerprint(self) -> str:
        """Changes when any document's cleaned text or its passages change: a stale index is detected by it.

        Passage bounds and headings count too: a new splitter leaves the text alone but moves what is indexed.
        """
        digest = hashlib.sha256()
        for doc in sorted(self.documents, key=lambda d: d.doc_id):
            digest.update(doc.doc_id.encode() + b"\0" + doc.text.encode() + b"\0")
            for p in doc.passages:
                digest.update(f"{p.passage_id}\0{p.start}\0{p.end}\0{p.heading}\0".encode())
        return digest.hexdigest()[:16]


def bundled_corpus_dir() -> Path:
    return Path(__file__).resolve().parent


def read_text(path: Path) -> tuple[str, str | None]:
    """The text of a letter, and a warning if it needed care. Raises DocumentError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(str(path), f"cannot be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_BYTES:
        raise DocumentError(str(path), f"is too large ({len(data):,} bytes; at most {MAX_BYTES:,})")
    if path.suffix.lower() == ".pdf":
        return _pdf_text(path, data), None
    if not data.strip():
        raise DocumentError(str(path), "is empty")
    if b"\0" in data[:8192]:
        raise DocumentError(str(path), "looks like a binary file, not text")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        control = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
        if control > len(text) / 100:
            raise DocumentError(str(path), "looks like a binary file, not text") from None
        return text, "not UTF-8; read as Windows-1252 (cp1252)"


def _pdf_text(path: Path, data: bytes) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:
        raise MissingExtraError("pypdf", "pdf") from exc
    import io

    try:
        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(data))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except PdfReadError as exc:
        raise DocumentError(str(path), f"is not a readable PDF ({exc})") from exc
    except Exception as exc:  # a damaged PDF makes pypdf raise almost any type; it is still just a bad file
        raise DocumentError(str(path), f"is not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not text.strip():
        raise DocumentError(str(path), "is a PDF without extractable text (scanned?)")
    return text


@contextmanager
def _quiet_pypdf():
    """pypdf logs its repairs ("EOF marker not found") to stderr without naming the file; our message does."""
    logger = logging.getLogger("pypdf")
    previous = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(previous)


def load_corpus(
    folder: str | Path | Sequence[str | Path] | None = None, files: Sequence[tuple[str | Path, str]] = ()
) -> Corpus:
    """Parse every letter in the folder, or folders (default: the bundled five), and the (path, doc id) files
    (the letters library keeps its copies under content-hash names). Raises CorpusError if none is usable."""
    if folder is None:
        roots = [bundled_corpus_dir()]
    elif isinstance(folder, str | Path):
        roots = [Path(folder)]
    else:
        roots = [Path(f) for f in folder]
    paths: list[Path] = []
    for root in roots:
        if not root.exists():
            raise CorpusError(f"folder not found: {root}")
        if not root.is_dir():
            raise CorpusError(f"not a folder: {root}")
        found = sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        if not found:
            raise CorpusError(f"no letters (.txt, .md, .pdf) in {root}")
        paths += found
    ids = {Path(path): doc_id for path, doc_id in files}
    paths += list(ids)
    texts, problems = _read_all(paths)
    documents, parse_problems = _parse_all(texts, ids)
    problems += parse_problems
    if not documents:
        details = "; ".join(p.message for p in problems)
        raise CorpusError(f"no usable letters in {', '.join(map(str, roots))}: {details}")
    return Corpus(tuple(documents), tuple(problems))


def _read_all(paths: list[Path]) -> tuple[dict[Path, str], list[Problem]]:
    texts: dict[Path, str] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            text, warning = read_text(path)
        except DocumentError as exc:
            problems.append(Problem(str(path), str(exc)))
            continue
        except MissingExtraError as exc:
            problems.append(Problem(str(path), f"{path}: {exc}"))
            continue
        if warning:
            problems.append(Problem(str(path), f"{path}: {warning}", skipped=False))
        texts[path] = text
    return texts, problems


def _parse_all(texts: dict[Path, str], ids: dict[Path, str] | None = None) -> tuple[list[Document], list[Problem]]:
    # One lexicon over all letters: a word written whole in one letter decides a line-end hyphen in another.
    lexicon = lexicon_of(list(texts.values()))
    documents: list[Document] = []
    problems: list[Problem] = []
    for path, text in texts.items():
        try:
            doc = parse_letter(text, (ids or {}).get(path, path.stem), lexicon, source_path=str(path))
        except Exception as exc:  # a parser bug on one odd letter must not cost the user the others
            problems.append(Problem(str(path), f"{path}: could not be parsed ({type(exc).__name__}: {exc})"))
            continue
        if not doc.passages:
            problems.append(Problem(str(path), f"{path}: has no readable sentences"))
        elif any(d.doc_id == doc.doc_id for d in documents):
            # ids are file stems: "a.txt" beside "a.md" would make citations ambiguous
            problems.append(Problem(str(path), f"{path}: another letter already has the id {doc.doc_id!r}"))
        else:
            documents.append(doc)
    return documents, problems
