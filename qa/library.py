"""Your own letters: a library beside the bundled five, in QA_HOME (default: the per-user data folder).

    QA_HOME/letters/<sha256[:16]>.<txt|md|pdf>   copies of the added letters (never named by the upload)
    QA_HOME/library.json                          the manifest: one entry per letter, written atomically
    QA_HOME/cache/<encoder>/...                   encoded arrays per letter and per word (embeddings/letter_cache.py)
    QA_HOME/index/library/<encoder>/<fingerprint>/  one index generation per set of letters

library.json is the one switch: a reader parses the letters it lists and opens the generation named by their
fingerprint. An add copies the files, builds the new generation (encoding only what the cache lacks), and only
then replaces library.json; a kill before that leaves the previous letters and index as they were. Writers take
an fcntl lock on QA_HOME/.lock; readers take none.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpus import Corpus, bundled_corpus_dir, load_corpus
from corpus.errors import CorpusError, DocumentError, MissingExtraError
from corpus.loading import SUFFIXES, read_text
from corpus.parsing import parse_letter
from embeddings.letter_cache import Timings, VectorCache, encoder_slug

HOME_ENV = "QA_HOME"
APP_NAME = "kamerbrieven-qa"
MAX_FILE_BYTES = 20_000_000
MANIFEST = "library.json"
Builder = Callable[[Corpus, Timings], Callable[[], None]]  # builds the index of a set of letters; returns "finish"
FORMAT = 1


def default_home() -> Path:
    """$QA_HOME, else the per-user data folder."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME))


def home_prefix() -> str:
    """`QA_HOME=... ` when it is set, so a printed command works pasted into another shell."""
    return f"{HOME_ENV}={os.environ[HOME_ENV]} " if os.environ.get(HOME_ENV) else ""


@dataclass(frozen=True)
class LetterEntry:
    id: str
    title: str
    kind: str
    date: str | None
    passages: int
    source: str  # the file name it was added from: shown, never used as a path
    sha256: str  # of the letter's text
    added: str
    file: str  # its copy under letters/


@dataclass(frozen=True)
class Rejected:
    source: str
    reason: str


@dataclass(frozen=True)
class Candidate:
    source: str
    path: Path
    suffix: str
    text: str
    data: bytes  # what is stored: the PDF's bytes, or the text as UTF-8
    sha256: str
    warning: str | None = None


@dataclass(frozen=True)
class AddResult:
    added: tuple[LetterEntry, ...] = ()
    replaced: tuple[str, ...] = ()  # ids whose changed version replaced the old one
    duplicates: tuple[tuple[str, str], ...] = ()  # (source, the id that already has its text)
    rejected: tuple[Rejected, ...] = ()
    warnings: tuple[str, ...] = ()
    timings: Timings = field(default_factory=Timings)


def sanitized_id(name: str) -> str:
    stem = Path(name.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80] or "letter"


def _sha(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def candidates(
    paths: Sequence[str | Path], names: Sequence[str] | None = None
) -> tuple[list[Candidate], list[Rejected]]:
    """Read and check the files (a folder gives its letters); names: the names to show (uploads)."""
    found: list[tuple[Path, str]] = []
    rejected: list[Rejected] = []
    for i, raw in enumerate(paths):
        path = Path(raw)
        shown = names[i] if names else str(path)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not inside:
                rejected.append(Rejected(shown, "no letters (.txt, .md, .pdf) in this folder"))
            found += [(p, str(p)) for p in inside]
        elif not path.exists():
            rejected.append(Rejected(shown, "not found"))
        elif Path(shown).suffix.lower() not in SUFFIXES:
            rejected.append(Rejected(shown, "not a letter: only .txt, .md and .pdf files are added"))
        else:
            found.append((path, shown))
    out: list[Candidate] = []
    for path, shown in found:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise DocumentError(shown, f"is too large ({size:,} bytes; at most {MAX_FILE_BYTES:,})")
            text, warning = read_text(path)
        except (DocumentError, MissingExtraError, OSError) as exc:
            reason = exc.reason if isinstance(exc, DocumentError) else str(exc)
            rejected.append(Rejected(shown, reason))
            continue
        try:
            readable = bool(parse_letter(text, "check").passages)
        except Exception as exc:  # a parser bug on one odd letter must not cost the others
            rejected.append(Rejected(shown, f"could not be parsed ({type(exc).__name__}: {exc})"))
            continue
        if not readable:
            rejected.append(Rejected(shown, "has no readable sentences"))
            continue
        suffix = Path(shown).suffix.lower()
        data = path.read_bytes() if suffix == ".pdf" else text.encode("utf-8")
        out.append(Candidate(Path(shown).name, path, suffix, text, data, _sha(text), warning))
    return out, rejected


class Library:
    def __init__(self, home: str | Path | None = None):
        self.home = Path(home) if home else default_home()
        self.letters_dir = self.home / "letters"
        self.manifest_path = self.home / MANIFEST
        self.cache = VectorCache(self.home / "cache")

    # ---- reading (no lock)
    def entries(self) -> list[LetterEntry]:
        if not self.manifest_path.exists():
            return []
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            return [LetterEntry(**e) for e in data["letters"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CorpusError(
                f"the letters library manifest {self.manifest_path} is unreadable ({exc}); move it aside and add "
                f"the letters again: {home_prefix()}qa letters add {self.letters_dir}"
            ) from exc

    def files(self, entries: Sequence[LetterEntry] | None = None) -> list[tuple[Path, str]]:
        return [(self.letters_dir / e.file, e.id) for e in (self.entries() if entries is None else entries)]

    def corpus(self, entries: Sequence[LetterEntry] | None = None) -> Corpus:
        """The bundled five and the library's letters, parsed together."""
        return load_corpus([bundled_corpus_dir()], files=self.files(entries))

    def index_folder(self, index_root: Path, encoder_name: str, fingerprint: str) -> Path:
        return index_root / "library" / encoder_slug(encoder_name) / fingerprint

    # ---- writing (under the lock)
    @contextmanager
    def writing(self) -> Iterator[None]:
        import fcntl

        self.home.mkdir(parents=True, exist_ok=True)
        with (self.home / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(
        self,
        paths: Sequence[str | Path],
        names: Sequence[str] | None = None,
        build: Builder | None = None,
    ) -> AddResult:
        """Add letters: new ones are copied, a changed version replaces its letter, a known text adds nothing.

        build(corpus, timings) indexes the new set of letters before the manifest switches to it.
        """
        found, rejected = candidates(paths, names)
        with self.writing():
            old = self.entries()
            entries = list(old)
            bundled = load_corpus([bundled_corpus_dir()])
            known = {e.sha256: e.id for e in entries} | {_sha(d.text): d.doc_id for d in bundled.documents}
            bundled_ids = {d.doc_id for d in bundled.documents}
            taken_now: set[str] = set()
            added: list[Candidate] = []
            ids: dict[str, str] = {}  # sha -> id
            replaced, duplicates, warnings = [], [], []
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            for c in found:
                if c.sha256 in known or c.sha256 in ids:
                    duplicates.append((c.source, known.get(c.sha256) or ids[c.sha256]))
                    continue
                base = sanitized_id(c.source)
                doc_id, n = base, 1
                while doc_id in bundled_ids or doc_id in taken_now:
                    n += 1
                    doc_id = f"{base}-{n}"
                taken_now.add(doc_id)
                if any(e.id == doc_id for e in entries):
                    replaced.append(doc_id)
                    entries = [e for e in entries if e.id != doc_id]
                if c.warning:
                    warnings.append(f"{c.source}: {c.warning}")
                ids[c.sha256] = doc_id
                added.append(c)
                entries.append(
                    LetterEntry(doc_id, "", "", None, 0, c.source, c.sha256, stamp, f"{c.sha256[:16]}{c.suffix}")
                )
            if not added:
                return AddResult((), (), tuple(duplicates), tuple(rejected), tuple(warnings))
            self.letters_dir.mkdir(parents=True, exist_ok=True)
            for c in added:
                target = self.letters_dir / f"{c.sha256[:16]}{c.suffix}"
                if not target.exists():
                    _atomic_write(target, c.data)
            entries, timings = self._commit(old, entries, build)
            new = tuple(e for e in entries if e.id in set(ids.values()))
            return AddResult(new, tuple(replaced), tuple(duplicates), tuple(rejected), tuple(warnings), timings)

    def remove(self, ids: Sequence[str], build: Builder | None = None) -> list[str]:
        """Remove letters by id; returns the ids removed. Unknown ids raise CorpusError, naming the known ones."""
        with self.writing():
            old = self.entries()
            known = {e.id for e in old}
            unknown = [i for i in ids if i not in known]
            if unknown:
                listed = ", ".join(sorted(known)) or "none (the library is empty)"
                raise CorpusError(f"no letter with id {', '.join(unknown)} in the library; its letters: {listed}")
            entries = [e for e in old if e.id not in set(ids)]
            self._commit(old, entries, build)
            return [i for i in ids if i in known]

    def _commit(self, old: list[LetterEntry], entries: list[LetterEntry], build) -> tuple[list[LetterEntry], Timings]:
        timings = Timings()
        started = time.perf_counter()
        corpus = self.corpus(entries) if entries else load_corpus([bundled_corpus_dir()])
        timings.add("parse", time.perf_counter() - started)
        docs = {d.doc_id: d for d in corpus.documents}
        entries = [_described(e, docs[e.id]) for e in entries if e.id in docs]
        finish = build(corpus, timings) if build is not None and entries else None  # whole before the manifest names it
        payload = {"format": FORMAT, "letters": [asdict(e) for e in entries]}
        self.home.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.manifest_path, json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8"))
        referenced = {e.file for e in entries} | {e.file for e in old}
        for path in self.letters_dir.glob("*"):
            if path.name not in referenced:  # removed letters, files of an add that was killed
                path.unlink(missing_ok=True)
        if finish is not None:
            finish()
        return entries, timings


def _described(entry: LetterEntry, doc) -> LetterEntry:
    date = doc.letter_date.isoformat() if doc.letter_date else None
    return LetterEntry(
        entry.id, doc.title, doc.kind, date, len(doc.passages), entry.source, entry.sha256, entry.added, entry.file
    )


def prune_generations(folder: Path, keep: set[str], grace_s: float = 120) -> None:
    """Delete the index generations in folder other than keep (and builds that were killed); one written in the
    last grace_s seconds stays, for a reader that read the manifest just before it switched."""
    if not folder.exists():
        return
    from embeddings.passage_store import drop_collection

    for path in folder.iterdir():
        if path.name not in keep and time.time() - path.stat().st_mtime > grace_s:
            with contextlib.suppress(OSError, ValueError):  # a generation in Milvus takes its collection with it
                drop_collection(json.loads((path / "manifest.json").read_text(encoding="utf-8")))
            shutil.rmtree(path, ignore_errors=True)


class LiveAssistant:
    """An Assistant swapped for a freshly loaded one after the library changes: each call goes to the one current
    when it starts, so a question asked during an add is answered whole by the old index or whole by the new."""

    def __init__(self, assistant, library: Library, index_dir: str | Path | None = None):
        self._current = assistant
        self.library = library
        self.index_dir = index_dir

    def _root(self) -> Path:
        from qa.assistant import default_index_root

        return Path(self.index_dir) if self.index_dir else default_index_root()

    def library_builder(self) -> Builder:
        cur = self._current
        return index_builder(
            self.library,
            self._root(),
            cur.encoder,
            cur.retriever.crosslingual,
            progress=True,
            store=cur.index.store_choice,
        )

    def refresh(self) -> None:
        from qa.assistant import Assistant

        cur = self._current  # the loaded encoders are kept: a refresh reads the new index and nothing else
        self._current = Assistant.load(
            index_dir=self.index_dir,
            encoder=cur.encoder,
            crosslingual=cur.retriever.crosslingual,
            progress=False,
            home=self.library.home,
            store=cur.index.store_choice.kind,
            milvus_uri=cur.index.store_choice.milvus_uri,
        )

    @property
    def current(self):
        return self._current

    def __getattr__(self, name: str):
        return getattr(self._current, name)


def index_builder(library: Library, index_root: Path, encoder, crosslingual, progress: bool = True,
                  store=None) -> Builder:  # fmt: skip
    """The build step of an add or remove: the library's next index generation, from the cache where it can.

    Each generation is built whole from the cached arrays, its passage vectors included, and written beside the
    current one (store: the StoreChoice; Milvus gets a new collection per generation, the old one is dropped with
    its folder): library.json switches to it only once it is complete, so a reader of the current generation, or
    an add that is killed, never sees vectors of letters it does not list. The vectors' cost is a memcpy (FAISS)
    or one insert of cached arrays (Milvus); the encoding, which is the expensive part, is never repeated.
    """
    from embeddings.store import build_index

    def build(corpus: Corpus, timings: Timings) -> None:
        folder = library.index_folder(index_root, encoder.name, corpus.fingerprint)
        build_index(folder, corpus, encoder, progress, crosslingual, cache=library.cache, timings=timings, store=store)
        # once the manifest names the new letters, older generations go (after a grace period for readers)
        return lambda: prune_generations(folder.parent, {folder.name})

    return build
