"""The Python API: `Assistant.load()` once, then `search` and `ask` as often as you like."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shlex
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from corpus import Corpus, Document, bundled_corpus_dir, load_corpus
from corpus.errors import IndexError_, QuestionError
from embeddings.encoders import ALIASES, CROSSLINGUAL_ENCODER, DEFAULT_ENCODER, Encoder, LazyEncoder, load_encoder
from embeddings.letter_cache import VectorCache
from embeddings.passage_store import StoreChoice, probe
from embeddings.store import (
    Index,
    build_index,
    built_by_older_version,
    check_compatible,
    indexed_passages,
    load_index,
    read_manifest,
)
from qa.analyse import analyse
from qa.models import Answer, ScoredPassage
from qa.read import ExtractiveReader, Reader
from qa.render import render
from qa.rerank import FeatureReranker, Reranker, answerable_first
from qa.retrieve import RetrievalConfig, Retriever, validate_k
from qa.verify import Floors, coverage, verify
from qa.weights import fitted

INDEX_ENV = "QA_INDEX_DIR"
APP_NAME = "kamerbrieven-qa"


def default_index_root() -> Path:
    """$QA_INDEX_DIR, else QA_HOME/index ($QA_HOME defaults to the per-user data directory)."""
    if os.environ.get(INDEX_ENV):
        return Path(os.environ[INDEX_ENV]).expanduser()
    from qa.library import default_home

    return default_home() / "index"


def rebuild_command(index_dir, corpus_dir, encoder_name: str, store: StoreChoice | None = None) -> str:
    """`qa index --rebuild` with the options and environment that chose this index, ready to paste."""
    from qa.library import home_prefix

    env = home_prefix() + (f"{INDEX_ENV}={shlex.quote(os.environ[INDEX_ENV])} " if os.environ.get(INDEX_ENV) else "")
    cmd = f"{env}qa index --rebuild"
    if corpus_dir:
        folders = [corpus_dir] if isinstance(corpus_dir, str | Path) else list(corpus_dir)
        cmd += "".join(f" --path {shlex.quote(str(f))}" for f in folders[:1])
    if index_dir:
        cmd += f" --index {shlex.quote(str(index_dir))}"
    if encoder_name != DEFAULT_ENCODER:
        cmd += f" --encoder {shlex.quote(encoder_name)}"
    return cmd + (store.options() if store else "")


def with_command(message: str, command: str) -> str:
    """The message with its bare `qa index --rebuild [--encoder X]` replaced by the full command."""
    return re.sub(r"qa index --rebuild(?: --encoder \S+)?", lambda m: command, message, count=1)


def index_folder(root: Path, corpus_dir: Path | Sequence[Path], encoder_name: str) -> Path:
    """One folder per (corpus folders, encoder): switching either never reads the wrong vectors."""
    folders = [Path(corpus_dir)] if isinstance(corpus_dir, str | Path) else [Path(d) for d in corpus_dir]
    resolved = [d.resolve() for d in folders]
    if resolved == [bundled_corpus_dir().resolve()]:
        corpus_key = "bundled"
    else:
        digest = hashlib.sha256("\0".join(map(str, resolved)).encode()).hexdigest()[:8]
        corpus_key = f"{'+'.join(d.name for d in resolved)[:60]}-{digest}"
    return root / corpus_key / re.sub(r"[^A-Za-z0-9_.-]+", "_", encoder_name)


class Assistant:
    """The stages wired together: analyse -> retrieve -> rerank -> read -> verify -> render."""

    def __init__(
        self,
        corpus: Corpus,
        index: Index,
        encoder: Encoder | None,
        config: RetrievalConfig | None = None,
        crosslingual: Encoder | None = None,
        reranker: Reranker | None = None,
        reader: Reader | None = None,
        word_cache: VectorCache | None = None,
    ):
        self.corpus = corpus
        self.index = index
        self.encoder = encoder
        crosslingual = crosslingual or _crosslingual_for(index.manifest)
        self.retriever = Retriever(index, encoder, crosslingual, config, word_cache)
        self.reranker: Reranker = reranker or FeatureReranker()
        self.reader: Reader = reader or ExtractiveReader()
        # cosines are not comparable across encoders: the answerability floor holds for the encoder it was fitted on
        weights = fitted()
        same = weights["encoder"] == getattr(encoder, "name", None)
        self.floors = Floors(weights["answer_floor"], weights["offtopic_floors"]) if same else Floors()
        self.documents = {d.doc_id: d for d in corpus.documents}
        self.coverage = coverage(index)

    @classmethod
    def load(
        cls,
        index_dir: str | Path | None = None,
        corpus_dir: str | Path | None = None,
        encoder: str | Encoder | None = None,
        rebuild: bool = False,
        progress: bool = True,
        config: RetrievalConfig | None = None,
        crosslingual: str | Encoder | None = CROSSLINGUAL_ENCODER,
        home: str | Path | None = None,
        store: str | None = None,
        milvus_uri: str | None = None,
    ) -> Assistant:
        """Open the index, building it (with a progress bar) when there is none yet.

        Without corpus_dir: the bundled five plus the letters library in home (default $QA_HOME or the user
        data folder, qa/library.py); a library index missing for its letters is built, encoding only what the
        library's cache lacks. With corpus_dir: that folder (or folders) alone.

        One written by an older version of this package is rebuilt. A stale (other letters, other encoder) or
        damaged index raises IndexError_ with the command that rebuilds it, unless rebuild=True.
        crosslingual: the second encoder a new index is embedded with (None: none); an existing index keeps
        the one it was built with.
        store, milvus_uri: where the passage vectors live: "faiss" (default, in the index folder) or "milvus"
        (default QA_VECTOR_STORE, QA_MILVUS_URI; embeddings/passage_store.py). An index written for the other store
        raises IndexError_ with the command that rebuilds it for this one.
        """
        enc = encoder if encoder is not None and not isinstance(encoder, str) else None
        name = enc.name if enc else ALIASES.get(encoder or DEFAULT_ENCODER, encoder or DEFAULT_ENCODER)
        root = Path(index_dir) if index_dir else default_index_root()
        choice = StoreChoice.resolve(store, milvus_uri, root)
        probe(choice)  # an unreachable Milvus is said before the letters are read or encoded
        try:
            return cls._open(index_dir, corpus_dir, enc, name, rebuild, progress, config, crosslingual, home, choice)
        except IndexError_ as exc:  # the fixing command as it works here: with --path, --index, QA_HOME, --store
            raise IndexError_(with_command(str(exc), rebuild_command(index_dir, corpus_dir, name, choice))) from exc

    @classmethod
    def _open(cls, index_dir, corpus_dir, enc, name, rebuild, progress, config, crosslingual, home, choice):
        from qa.library import Library, prune_generations

        root = Path(index_dir) if index_dir else default_index_root()
        library = Library(home)
        entries = [] if corpus_dir else library.entries()
        corpus_path = corpus_dir if corpus_dir else bundled_corpus_dir()
        corpus = library.corpus(entries) if entries else None
        # the library's index is named by its letters' fingerprint: a changed library never opens a stale one
        if corpus is not None:
            folder = library.index_folder(root, name, corpus.fingerprint)
        else:
            folder = index_folder(root, corpus_path, name)
        fresh = rebuild or not (folder / "manifest.json").exists() or built_by_older_version(folder)
        # An existing index's cross-lingual encoder loads in the background while the rest of this runs.
        manifest = None if fresh else read_manifest(folder)
        built = (manifest or {}).get("crosslingual_encoder")
        if built and not isinstance(crosslingual, str | None) and crosslingual.name == built["name"]:
            prefetched = crosslingual  # a reload keeps the encoder it has
        else:
            prefetched = _crosslingual_for(manifest) if manifest else None
        corpus = corpus or load_corpus(corpus_path)
        if enc is None:
            enc = load_encoder(name)
            name = enc.name
        if fresh:  # an older version's index is rebuilt; the cross-lingual encoder embeds the passages too
            if isinstance(crosslingual, str):
                crosslingual = load_encoder(crosslingual)
            with library.writing() if entries else contextlib.nullcontext():
                if entries and not rebuild and (folder / "manifest.json").exists():  # built while we waited
                    built_now = load_index(folder, choice)
                    xl = _crosslingual_for(built_now.manifest)
                    return cls(corpus, built_now, enc, config, xl, word_cache=library.cache)
                index = build_index(
                    folder, corpus, enc, progress=progress, crosslingual=crosslingual, cache=library.cache, store=choice
                )
                if entries:
                    prune_generations(folder.parent, {folder.name})
            return cls(corpus, index, enc, config, crosslingual, word_cache=library.cache)
        check_compatible(manifest, folder, name, corpus.fingerprint)
        index = load_index(folder, choice)
        if not same_metadata(index, corpus):  # this version reads a kind, title or date anew: rebuild, from the cache
            with library.writing() if entries else contextlib.nullcontext():
                index = build_index(
                    folder, corpus, enc, progress=progress, crosslingual=prefetched, cache=library.cache, store=choice
                )
        return cls(corpus, index, enc, config, prefetched, word_cache=library.cache)

    def document(self, doc_id: str) -> Document:
        try:
            return self.corpus.get(doc_id)
        except KeyError:
            raise IndexError_(f"unknown document id {doc_id!r}") from None

    def search(
        self,
        question: str,
        k: int = 10,
        doc_ids: Sequence[str] | None = None,
        since: date | None = None,
        until: date | None = None,
        method: str | None = None,
    ) -> list[ScoredPassage]:
        """The passages for a question, best first: retrieved, then reranked (a bare method is not reranked)."""
        self._check_doc_ids(doc_ids)
        k = validate_k(k)
        query = analyse(question)
        retrieved = self.retriever.retrieve(query, doc_ids, since, until, method=method)
        if method:
            return list(retrieved.passages[:k])
        return list(answerable_first(self.reranker.rerank(retrieved, self.index)[:k], query, self.index))

    def ask(
        self,
        question: str,
        k: int = 8,
        doc_ids: Sequence[str] | None = None,
        since: date | None = None,
        until: date | None = None,
        history: Sequence[tuple[str, str]] = (),
    ) -> Answer:
        started = time.perf_counter()
        self._check_doc_ids(doc_ids)
        k = validate_k(k)
        query = analyse(question, history)
        retrieved = self.retriever.retrieve(query, doc_ids, since, until)
        ranked = answerable_first(self.reranker.rerank(retrieved, self.index)[:k], query, self.index)
        searched = time.perf_counter()
        draft = self.reader.read(retrieved, ranked, self.index)
        read = time.perf_counter()
        refused = verify(query, retrieved, draft, self.coverage, self.floors)
        text, citations = render(draft, refused, query.language, self.documents)
        done = time.perf_counter()
        return Answer(
            question=query.text,
            language=query.language,
            answer=text,
            abstained=refused is not None,
            citations=citations,
            passages=tuple(ranked),
            timings_ms={
                "retrieve": (searched - started) * 1000,
                "read": (read - searched) * 1000,
                "verify_render": (done - read) * 1000,
                "total": (done - started) * 1000,
            },
            refusal_reason=refused,
        )

    def timeline(
        self,
        topic: str,
        since: date | None = None,
        until: date | None = None,
        doc_ids: Sequence[str] | None = None,
        per_letter: int = 3,
    ):
        """What the letters said about a topic, letter by letter, by meeting date (qa/timeline.py)."""
        from qa.timeline import build_timeline

        return build_timeline(self.retriever, self.documents, topic, since, until, doc_ids, per_letter)

    def _check_doc_ids(self, doc_ids: Sequence[str] | None) -> None:
        known = {d.doc_id for d in self.corpus.documents}
        unknown = [d for d in doc_ids or () if d not in known]
        if unknown:
            raise QuestionError(f"unknown document id(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def same_metadata(index: Index, corpus: Corpus) -> bool:
    """Whether the index holds the kinds, titles and dates this version reads from the letters (the letters' text
    is checked by the fingerprint; a better reader of their metadata leaves the text alone)."""
    if index.manifest.get("kinds", {}) != {doc.doc_id: doc.kind for doc in corpus.documents}:
        return False
    stored = [(p.title, p.letter_date, tuple(p.meeting_dates)) for p in index.passages]
    return stored == [(p.title, p.letter_date, tuple(p.meeting_dates)) for p in indexed_passages(corpus)]


def _crosslingual_for(manifest: dict) -> Encoder | None:
    """The encoder that embedded an index's cross-lingual vectors, starting to load in the background."""
    built = manifest.get("crosslingual_encoder")
    if not built:
        return None
    encoder = LazyEncoder(built["name"], built["dim"], lambda: load_encoder(built["name"]))
    encoder.prefetch()  # ~0.5 s of loading that overlaps the rest of a cold start
    return encoder
