"""The Python API: `Assistant.load()` once, then `search` and `ask` as often as you like."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from corpus import Corpus, Document, bundled_corpus_dir, load_corpus
from embeddings.encoders import ALIASES, CROSSLINGUAL_ENCODER, DEFAULT_ENCODER, Encoder, LazyEncoder, load_encoder
from embeddings.store import Index, build_index, built_by_older_version, check_compatible, load_index, read_manifest
from qa.compose import Composer, ComposerConfig, ExtractiveComposer, answer_question
from qa.errors import IndexError_, QuestionError
from qa.models import Answer, ScoredPassage
from qa.retrieval import RetrievalConfig, Retriever

INDEX_ENV = "QA_INDEX_DIR"
APP_NAME = "kamerbrieven-qa"


def default_index_root() -> Path:
    """$QA_INDEX_DIR, else the per-user data directory."""
    if os.environ.get(INDEX_ENV):
        return Path(os.environ[INDEX_ENV]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME)) / "index"


def index_folder(root: Path, corpus_dir: Path, encoder_name: str) -> Path:
    """One folder per (corpus folder, encoder): switching either never reads the wrong vectors."""
    corpus_dir = corpus_dir.resolve()
    if corpus_dir == bundled_corpus_dir().resolve():
        corpus_key = "bundled"
    else:
        corpus_key = f"{corpus_dir.name}-{hashlib.sha256(str(corpus_dir).encode()).hexdigest()[:8]}"
    return root / corpus_key / re.sub(r"[^A-Za-z0-9_.-]+", "_", encoder_name)


class Assistant:
    def __init__(
        self,
        corpus: Corpus,
        index: Index,
        encoder: Encoder | None,
        config: RetrievalConfig | None = None,
        crosslingual: Encoder | None = None,
    ):
        self.corpus = corpus
        self.index = index
        self.encoder = encoder
        self.retriever = Retriever(index, encoder, config, crosslingual or _crosslingual_for(index.manifest))
        self.composer: Composer = ExtractiveComposer()

    @property
    def composer_config(self) -> ComposerConfig:
        return getattr(self.composer, "config", ComposerConfig())

    @composer_config.setter
    def composer_config(self, config: ComposerConfig) -> None:
        self.composer = ExtractiveComposer(config)

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
    ) -> Assistant:
        """Open the index, building it (with a progress bar) when there is none yet.

        One written by an older version of this package is rebuilt. A stale (other letters, other encoder) or
        damaged index raises IndexError_ with the command that rebuilds it, unless rebuild=True.
        crosslingual: the second encoder a new index is embedded with (None: none); an existing index keeps
        the one it was built with.
        """
        corpus_path = Path(corpus_dir) if corpus_dir else bundled_corpus_dir()
        enc = encoder if encoder is not None and not isinstance(encoder, str) else None
        name = enc.name if enc else ALIASES.get(encoder or DEFAULT_ENCODER, encoder or DEFAULT_ENCODER)
        folder = index_folder(Path(index_dir) if index_dir else default_index_root(), corpus_path, name)
        fresh = rebuild or not (folder / "manifest.json").exists() or built_by_older_version(folder)
        # An existing index's cross-lingual encoder loads in the background while the rest of this runs.
        manifest = None if fresh else read_manifest(folder)
        prefetched = _crosslingual_for(manifest) if manifest else None
        corpus = load_corpus(corpus_path)
        if enc is None:
            enc = load_encoder(name)
            name = enc.name
        if fresh:  # an older version's index is rebuilt; the cross-lingual encoder embeds the passages too
            if isinstance(crosslingual, str):
                crosslingual = load_encoder(crosslingual)
            index = build_index(folder, corpus, enc, progress=progress, crosslingual=crosslingual)
            return cls(corpus, index, enc, config, crosslingual)
        check_compatible(manifest, folder, name, corpus.fingerprint)
        return cls(corpus, load_index(folder), enc, config, prefetched)

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
        self._check_doc_ids(doc_ids)
        return self.retriever.search(question, k=k, doc_ids=doc_ids, since=since, until=until, method=method)

    def ask(
        self,
        question: str,
        k: int = 8,
        doc_ids: Sequence[str] | None = None,
        since: date | None = None,
        until: date | None = None,
        history: Sequence[tuple[str, str]] = (),
    ) -> Answer:
        self._check_doc_ids(doc_ids)
        return answer_question(self, question, k=k, doc_ids=doc_ids, since=since, until=until, history=history)

    def _check_doc_ids(self, doc_ids: Sequence[str] | None) -> None:
        known = {d.doc_id for d in self.corpus.documents}
        unknown = [d for d in doc_ids or () if d not in known]
        if unknown:
            raise QuestionError(f"unknown document id(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def _crosslingual_for(manifest: dict) -> Encoder | None:
    """The encoder that embedded an index's cross-lingual vectors, starting to load in the background."""
    built = manifest.get("crosslingual_encoder")
    if not built:
        return None
    encoder = LazyEncoder(built["name"], built["dim"], lambda: load_encoder(built["name"]))
    encoder.prefetch()  # ~0.5 s of loading that overlaps the rest of a cold start
    return encoder
