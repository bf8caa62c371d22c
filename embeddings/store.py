"""The index on disk: FAISS vectors, passages as JSONL, BM25 arrays, and a manifest that guards them.

A build writes into a sibling temporary folder and renames it into place, so a crash never leaves a half-written
index where a reader would use it. Nothing is pickled."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np

from corpus import Corpus, Passage
from corpus.errors import IndexError_, MissingExtraError
from corpus.passages import said_text, sentence_spans
from embeddings.crosslingual import vocabulary
from embeddings.encoders import Encoder
from embeddings.letter_cache import NoCache, Timings, VectorCache, grouped, stacked
from embeddings.lexical import BM25Index, build_bm25, load_bm25, save_bm25
from embeddings.passage_store import (
    StoreChoice,
    check_choice,
    dense_scores,
    drop_collection,
    open_vectors,
    store_record,
    write_vectors,
)
from embeddings.vector_store import FLAT_THRESHOLD

# 2: the vocabulary and its word vectors; 3: cross-lingual vectors; 4: document kinds; 5: words by USE where it ran
FORMAT_VERSION = 6  # 6: passages are embedded without their letterhead and questions
HNSW_THRESHOLD = FLAT_THRESHOLD  # above this many passages exact search stops being cheap (docs/scale.md)
FILES = (
    "passages.jsonl", "vectors.faiss", "bm25.npz", "bm25_vocab.json", "sentences.jsonl", "sentences.npy",
    "words.json", "words.npy",
)  # fmt: skip
CROSSLINGUAL_FILES = ("crosslingual_passages.npy", "crosslingual_sentences.npy")  # where a second encoder ran


@dataclass(frozen=True)
class IndexedPassage:
    """A passage with the letter-level facts retrieval filters and citations need."""

    passage: Passage
    title: str
    letter_date: date | None
    meeting_dates: tuple[date, ...]

    @property
    def index_text(self) -> str:
        # Title and heading travel with the text: "oktober 2020" or "Irak" in a question finds them.
        return f"{self.title}. {self.passage.heading}. {said_text(self.passage.text)}"


@dataclass(frozen=True)
class Sentence:
    """A sentence of a letter, embedded on its own so answers can be picked sentence by sentence."""

    doc_id: str
    start: int
    end: int
    text: str
    heading: str


@dataclass
class Index:
    folder: Path
    manifest: dict
    passages: list[IndexedPassage]
    vectors: object  # the faiss.Index of a FAISS-stored index (None when the vectors live in Milvus)
    bm25: BM25Index
    sentences: list[Sentence]
    sentence_vectors: np.ndarray
    words: list[str]  # the letters' vocabulary (embeddings/crosslingual.py)
    word_vectors: np.ndarray
    crosslingual_vectors: np.ndarray | None = None  # passages by the cross-lingual encoder, if one ran
    crosslingual_sentence_vectors: np.ndarray | None = None
    store: object = None  # the VectorStore holding the passage vectors (embeddings/passage_store.py)

    def dense_scores(self, query: np.ndarray) -> np.ndarray:
        """Every passage's cosine with the query vector, by position (-1 where the store returned none)."""
        if self.store is None:  # an Index put together by hand around a faiss index
            from embeddings.vector_store import FaissVectorStore

            n = self.vectors.ntotal
            self.store = FaissVectorStore.wrap(self.vectors, range(n), ["?"] * n, [None] * n)
        return dense_scores(self.store, query, len(self.passages))

    @property
    def store_choice(self) -> StoreChoice:
        record = store_record(self.manifest)
        return StoreChoice(record["kind"], record.get("uri"))

    @property
    def crosslingual_encoder(self) -> dict | None:
        """{"name", "dim"} of the second encoder the passages were embedded with, or None."""
        return self.manifest.get("crosslingual_encoder")

    @cached_property
    def _sentences_by_passage(self) -> dict[str, list[int]]:
        """passage_id -> indices into `sentences` of the sentences inside it; computed once per index."""
        by_doc, starts = self._sentences_by_letter, [s.start for s in self.sentences]
        return {
            (p := item.passage).passage_id: [j for j in by_doc.get(p.doc_id, ()) if p.start <= starts[j] < p.end]
            for item in self.passages
        }

    @cached_property
    def _sentences_by_letter(self) -> dict[str, list[int]]:
        by_doc: dict[str, list[int]] = {}  # doc_id -> its sentences' indices, in order
        for j, s in enumerate(self.sentences):
            by_doc.setdefault(s.doc_id, []).append(j)
        return by_doc

    def sentences_of_letter(self, doc_id: str) -> list[int]:
        return self._sentences_by_letter.get(doc_id, [])

    def sentences_of(self, passage_id: str) -> list[int]:
        return self._sentences_by_passage.get(passage_id, [])

    def passage_text(self, i: int) -> str:
        return self.passages[i].passage.text

    def passage_sentences(self, i: int) -> list[int]:
        """Indices into `sentences` of the sentences inside passage i."""
        return self.sentences_of(self.passages[i].passage.passage_id)


def faiss_module():
    try:
        import faiss
    except ImportError as exc:
        raise MissingExtraError("faiss-cpu", "all") from exc
    return faiss


def indexed_passages(corpus: Corpus) -> list[IndexedPassage]:
    return [
        IndexedPassage(p, doc.title, doc.letter_date, doc.meeting_dates)
        for doc in corpus.documents
        for p in doc.passages
    ]


def corpus_sentences(corpus: Corpus) -> list[Sentence]:
    out = []
    for doc in corpus.documents:
        for section in doc.sections:
            for start, end in sentence_spans(doc.text, section.start, section.end):
                out.append(Sentence(doc.doc_id, start, end, doc.text[start:end], section.heading))
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _passage_record(item: IndexedPassage) -> dict:
    p = item.passage
    return {
        "doc_id": p.doc_id, "passage_id": p.passage_id, "section_id": p.section_id, "heading": p.heading,
        "text": p.text, "start": p.start, "end": p.end, "title": item.title,
        "letter_date": item.letter_date.isoformat() if item.letter_date else None,
        "meeting_dates": [d.isoformat() for d in item.meeting_dates],
    }  # fmt: skip


def _from_record(r: dict) -> IndexedPassage:
    passage = Passage(r["doc_id"], r["passage_id"], r["section_id"], r["heading"], r["text"], r["start"], r["end"])
    letter_date = date.fromisoformat(r["letter_date"]) if r["letter_date"] else None
    return IndexedPassage(passage, r["title"], letter_date, tuple(date.fromisoformat(d) for d in r["meeting_dates"]))


def build_index(
    folder: Path,
    corpus: Corpus,
    encoder: Encoder,
    progress: bool = True,
    crosslingual: Encoder | None = None,
    cache: VectorCache | None = None,
    timings: Timings | None = None,
    store: StoreChoice | None = None,
) -> Index:
    """Encode every passage and write the index to folder atomically (replacing what was there).

    With a crosslingual encoder, passages and sentences are embedded by it too (qa/retrieve.py fuses both), and
    the words by it alone. With a cache (embeddings/letter_cache.py), only what it has not seen is encoded.
    store: where the passage vectors go (default FAISS, in the folder; embeddings/passage_store.py).
    """
    choice, started = store or StoreChoice(), time.perf_counter()
    timings = timings if timings is not None else Timings()
    items = indexed_passages(corpus)
    texts = [item.index_text for item in items]
    sentences = corpus_sentences(corpus)
    sentence_texts = [f"{s.heading}. {s.text}" for s in sentences]
    words = vocabulary(texts)
    passage_groups = grouped(texts, [item.passage.doc_id for item in items])
    sentence_groups = grouped(sentence_texts, [s.doc_id for s in sentences])
    store = cache if cache is not None else NoCache()
    bar = None
    if progress:
        from tqdm import tqdm

        total = store.pending(encoder, passage_groups, sentence_groups, words, crosslingual)
        names = f"{encoder.name}, {crosslingual.name}" if crosslingual is not None else encoder.name
        bar = tqdm(total=total, desc=f"Embedding passages, sentences, words ({names})", unit="text", leave=False)
    update = bar.update if bar else None
    xl_vectors = xl_sentence_vectors = None
    try:
        store.prefetch(encoder, passage_groups, sentence_groups)  # e5's torch model loads while USE encodes
        if (xl := crosslingual) is not None:
            xl_vectors = stacked(store.encode_groups(xl, "passages", passage_groups, update, timings), xl.dim)
            xl_sentences = store.encode_groups(xl, "sentences", sentence_groups, update, timings)
            xl_sentence_vectors = stacked(xl_sentences, xl.dim)
        vectors = stacked(store.encode_groups(encoder, "passages", passage_groups, update, timings), encoder.dim)
        sentence_parts = store.encode_groups(encoder, "sentences", sentence_groups, update, timings)
        sentence_vectors = stacked(sentence_parts, encoder.dim)
        # words last (short texts, mostly Python, would wait on the model load for the GIL), as queries, by USE where
        # it runs: "accession" -> "toetreding" (e5: "aanpassing"), at a tenth of the time
        word_vectors = store.encode_words(crosslingual or encoder, words, update, timings)
    finally:
        if bar:
            bar.close()
    stage = time.perf_counter()
    bm25 = build_bm25(texts)
    timings.add("bm25", time.perf_counter() - stage)
    stage = time.perf_counter()

    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    for stale in folder.parent.glob(f".{folder.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a build that was killed
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
    tmp.mkdir()
    record = None
    try:
        stage = time.perf_counter()
        record, vector_store, vector_index = write_vectors(folder, tmp, vectors, items, encoder, choice, HNSW_THRESHOLD)
        timings.add(choice.kind, time.perf_counter() - stage)
        stage = time.perf_counter()
        with (tmp / "passages.jsonl").open("w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps(_passage_record(item), ensure_ascii=False) + "\n")
        save_bm25(bm25, tmp)
        with (tmp / "sentences.jsonl").open("w", encoding="utf-8") as f:
            for sent in sentences:
                f.write(json.dumps(sent.__dict__, ensure_ascii=False) + "\n")
        np.save(tmp / "sentences.npy", sentence_vectors.astype(np.float32), allow_pickle=False)
        (tmp / "words.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
        np.save(tmp / "words.npy", word_vectors.astype(np.float32), allow_pickle=False)
        files = stored_files(record)
        if crosslingual is not None:
            np.save(tmp / CROSSLINGUAL_FILES[0], xl_vectors.astype(np.float32), allow_pickle=False)
            np.save(tmp / CROSSLINGUAL_FILES[1], xl_sentence_vectors.astype(np.float32), allow_pickle=False)
            files = files + CROSSLINGUAL_FILES
        manifest = {
            "format_version": FORMAT_VERSION,
            "encoder": {"name": encoder.name, "dim": encoder.dim},
            "crosslingual_encoder": (
                {"name": crosslingual.name, "dim": crosslingual.dim} if crosslingual is not None else None
            ),
            "corpus_fingerprint": corpus.fingerprint,
            "documents": [doc.doc_id for doc in corpus.documents],
            "kinds": {doc.doc_id: doc.kind for doc in corpus.documents},
            "passage_count": len(items),
            "sentence_count": len(sentences),
            "word_count": len(words),
            "word_encoder": (crosslingual or encoder).name,
            "vector_index": type(vector_index).__name__ if vector_index is not None else "Milvus HNSW",
            "vector_store": record,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - started, 3),
            "files": {name: _sha256(tmp / name) for name in files},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        previous = _previous_manifest(folder)
        _swap_into_place(tmp, folder)
        timings.add("write", time.perf_counter() - stage)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # never leave a half-written build behind
        drop_collection({"vector_store": record} if record else None)
        raise
    if previous and store_record(previous) != record:
        drop_collection(previous)  # the folder no longer names it: nobody opens it again
    return Index(
        folder, manifest, items, vector_index, bm25, sentences, sentence_vectors, words, word_vectors,
        xl_vectors, xl_sentence_vectors, vector_store,
    )  # fmt: skip


def stored_files(record: dict) -> tuple[str, ...]:
    """The files an index folder holds for its store: vectors.faiss only where FAISS keeps the vectors."""
    return FILES if record["kind"] == "faiss" else tuple(f for f in FILES if f != "vectors.faiss")


def _previous_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _swap_into_place(tmp: Path, folder: Path) -> None:
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)


def read_manifest(folder: Path) -> dict:
    """The manifest, or IndexError_ saying why the folder is not a usable index."""
    path = Path(folder) / "manifest.json"
    if not path.exists():
        raise IndexError_(f"no index at {folder} (missing manifest.json); build it with: qa index --rebuild")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["encoder"]["name"], manifest["passage_count"], store_record(manifest)["kind"]
        [manifest["files"][name] for name in stored_files(store_record(manifest))]
        if manifest.get("crosslingual_encoder"):
            manifest["crosslingual_encoder"]["name"], [manifest["files"][name] for name in CROSSLINGUAL_FILES]
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise IndexError_(f"the index at {folder} is damaged (manifest unreadable); run: qa index --rebuild") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexError_(
            f"the index at {folder} has format {manifest.get('format_version')}, this version reads "
            f"{FORMAT_VERSION}; run: qa index --rebuild"
        )
    return manifest


def built_by_older_version(folder: Path) -> bool:
    """Whether the folder holds an index in an older format: a cache of ours to rebuild, not damage to report."""
    try:
        version = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8")).get("format_version")
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(version, int) and not isinstance(version, bool) and 0 < version < FORMAT_VERSION


def check_compatible(manifest: dict, folder: Path, encoder_name: str, fingerprint: str) -> None:
    built_with = manifest["encoder"]["name"]
    if built_with != encoder_name:
        raise IndexError_(
            f"the index at {folder} was built with encoder {built_with!r}, not {encoder_name!r}; "
            f"run: qa index --rebuild --encoder {encoder_name}"
        )
    if manifest.get("corpus_fingerprint") != fingerprint:
        raise IndexError_(f"the letters changed since the index at {folder} was built; run: qa index --rebuild")


def load_index(folder: Path, store: StoreChoice | None = None) -> Index:
    """Load and verify every file against the manifest; a damaged index is reported, never used.

    store: the store the caller means to use; an index written for another is refused with the fixing command."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    check_choice(manifest, folder, store)
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.exists() or _sha256(path) != digest:
            raise IndexError_(f"the index at {folder} is damaged ({name} missing or altered); run: qa index --rebuild")
    try:
        with (folder / "passages.jsonl").open(encoding="utf-8") as f:
            passages = [_from_record(json.loads(line)) for line in f if line.strip()]
        bm25 = load_bm25(folder)
        with (folder / "sentences.jsonl").open(encoding="utf-8") as f:
            sentences = [Sentence(**json.loads(line)) for line in f if line.strip()]
        sentence_vectors = np.load(folder / "sentences.npy", allow_pickle=False)
        words = json.loads((folder / "words.json").read_text(encoding="utf-8"))
        word_vectors = np.load(folder / "words.npy", allow_pickle=False)
        xl_vectors = xl_sentence_vectors = None
        if manifest.get("crosslingual_encoder"):
            xl_vectors = np.load(folder / CROSSLINGUAL_FILES[0], allow_pickle=False)
            xl_sentence_vectors = np.load(folder / CROSSLINGUAL_FILES[1], allow_pickle=False)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexError_(f"the index at {folder} cannot be read ({exc}); run: qa index --rebuild") from exc
    vector_store, vectors = open_vectors(folder, manifest, passages)
    counts_agree = len(passages) == vector_store.count() == bm25.n_docs == manifest["passage_count"]
    if xl_vectors is not None:
        counts_agree = counts_agree and len(xl_vectors) == len(passages) and len(xl_sentence_vectors) == len(sentences)
    if not counts_agree or len(sentences) != len(sentence_vectors) or len(words) != len(word_vectors):
        raise IndexError_(f"the index at {folder} is inconsistent (counts differ); run: qa index --rebuild")
    return Index(
        folder, manifest, passages, vectors, bm25, sentences, sentence_vectors, words, word_vectors,
        xl_vectors, xl_sentence_vectors, vector_store,
    )  # fmt: skip
