"""The seam between an index folder and the vector store that holds its passage vectors.

FAISS (the default): the passage vectors stay in the index folder as `vectors.faiss` (exact IndexFlatIP up to
FLAT_THRESHOLD passages, HNSW above), checksummed by the index manifest and swapped into place with the rest of the
folder; at load they are wrapped in a FaissVectorStore (ids = passage positions), so retrieval talks to the same
VectorStore protocol as with Milvus, and its scores are the very floats the faiss index returns.

Milvus: the vectors go to one collection per index build, named in the index manifest
(`{"vector_store": {"kind": "milvus", "uri": ..., "collection": ...}}`); passage texts, sentences, words and BM25
stay in the folder. A rebuild writes a new collection and drops the old one once the new folder is in place, so a
reader of the old index (or a build that was killed) never sees a half-written collection.

Choosing: `--store faiss|milvus` / QA_VECTOR_STORE, and `--milvus-uri` / QA_MILVUS_URI (a path ending in .db is
milvus-lite; http://host:19530 a server; unset: `milvus.db` in the index root).
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from corpus.errors import IndexError_
from embeddings.vector_store import (
    FLAT_THRESHOLD,
    HNSW_EF_CONSTRUCTION,
    HNSW_EF_SEARCH,
    HNSW_M,
    FaissVectorStore,
    VectorStore,
    VectorStoreError,
    faiss_module,
)

STORE_ENV = "QA_VECTOR_STORE"
URI_ENV = "QA_MILVUS_URI"
TIMEOUT_ENV = "QA_MILVUS_TIMEOUT"  # seconds to wait for a Milvus server before saying it cannot be reached
KINDS = ("faiss", "milvus")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreChoice:
    """Which vector store an index's passage vectors go to (and, for Milvus, where)."""

    kind: str = "faiss"
    milvus_uri: str | None = None

    @classmethod
    def resolve(cls, kind: str | None = None, milvus_uri: str | None = None, root: Path | str | None = None):
        """The explicit choice, else QA_VECTOR_STORE / QA_MILVUS_URI, else FAISS; milvus-lite in root by default."""
        kind = (kind or os.environ.get(STORE_ENV) or "faiss").strip().lower()
        if kind not in KINDS:
            raise VectorStoreError(f"{kind!r} is not a vector store; use one of {', '.join(KINDS)} "
                                   f"(--store or {STORE_ENV})")  # fmt: skip
        if kind == "faiss":
            return cls("faiss")
        uri = milvus_uri or os.environ.get(URI_ENV) or (str(Path(root) / "milvus.db") if root else None)
        if not uri:
            raise VectorStoreError(f"the Milvus store needs a URI: --milvus-uri or {URI_ENV} "
                                   "(a path ending in .db for milvus-lite, or http://host:19530)")  # fmt: skip
        return cls("milvus", uri)

    def options(self, explicit_uri: bool = True) -> str:
        """The `--store ...` options that choose this store on the command line ('' for the default)."""
        if self.kind == "faiss":
            return ""
        import shlex

        return " --store milvus" + (f" --milvus-uri {shlex.quote(self.milvus_uri)}" if explicit_uri else "")


def passage_dates(items) -> list[date | None]:
    return [item.letter_date for item in items]


def vector_index(vectors: np.ndarray, threshold: int = FLAT_THRESHOLD):
    """Exact inner product up to threshold vectors, HNSW above (the parameters docs/scale.md chose)."""
    faiss = faiss_module()
    n, dim = vectors.shape
    if n > threshold:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    index.add(vectors)
    return index


def _milvus_timeout() -> float:
    try:
        return float(os.environ.get(TIMEOUT_ENV, "10"))
    except ValueError:
        raise VectorStoreError(f"{TIMEOUT_ENV} must be a number of seconds") from None


def open_milvus(uri: str, collection: str, dim: int | None, encoder: str, recreate: bool = False):
    from embeddings.milvus_store import MilvusVectorStore

    return MilvusVectorStore(uri, name=collection, dim=dim, encoder=encoder, recreate=recreate,
                             timeout=_milvus_timeout())  # fmt: skip


def probe(choice: StoreChoice) -> None:
    """Fail fast, before any encoding, when a Milvus server cannot be reached (MilvusUnavailableError, naming it)."""
    if choice.kind != "milvus":
        return
    from embeddings.milvus_store import MilvusUnavailableError, _pymilvus, is_server_uri

    if not is_server_uri(choice.milvus_uri):
        return  # milvus-lite: a file here, opened (and its errors reported) when the index is
    pymilvus = _pymilvus()
    try:
        client = pymilvus.MilvusClient(uri=choice.milvus_uri, timeout=_milvus_timeout())
    except Exception as exc:  # pymilvus raises MilvusException, grpc errors or ValueError (a malformed URI)
        detail = getattr(exc, "message", None) or str(exc)
        raise MilvusUnavailableError(f"cannot reach Milvus at {choice.milvus_uri}: {detail}") from exc
    client.close()


def write_vectors(folder: Path, tmp: Path, vectors: np.ndarray, items: Sequence, encoder, choice: StoreChoice,
                  threshold: int = FLAT_THRESHOLD) -> tuple[dict, VectorStore, object]:  # fmt: skip
    """Put a build's passage vectors into the chosen store: (manifest record, the store, the faiss index or None).

    FAISS writes tmp/vectors.faiss (the caller checksums and swaps the folder); Milvus writes a new collection."""
    doc_ids = [item.passage.doc_id for item in items]
    dates = passage_dates(items)
    ids = np.arange(len(items), dtype=np.int64)
    if choice.kind == "faiss":
        raw = vector_index(vectors, threshold)
        faiss_module().write_index(raw, str(tmp / "vectors.faiss"))
        store = FaissVectorStore.wrap(raw, ids, doc_ids, dates, encoder=encoder.name)
        return {"kind": "faiss"}, store, raw
    digest = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:10]
    collection = f"qa_{digest}_{uuid.uuid4().hex[:8]}"  # a new one per build: readers of the old index keep theirs
    store = open_milvus(choice.milvus_uri, collection, encoder.dim, encoder.name, recreate=True)
    store.add(ids, vectors, doc_ids, dates)
    store.save()
    return {"kind": "milvus", "uri": choice.milvus_uri, "collection": collection}, store, None


def store_record(manifest: dict) -> dict:
    """The manifest's vector_store entry; an index written before the seam existed kept its vectors in FAISS."""
    return manifest.get("vector_store") or {"kind": "faiss"}


def check_choice(manifest: dict, folder: Path, choice: StoreChoice | None) -> None:
    """An index written for one store, opened with the other (or another Milvus): IndexError_ with the fix."""
    if choice is None:
        return
    record = store_record(manifest)
    built = record["kind"]
    if built != choice.kind:
        where = f" at {record['uri']}" if built == "milvus" else " in the index folder"
        raise IndexError_(f"the index at {folder} keeps its passage vectors in {built}{where}, not in {choice.kind}; "
                          f"open it with --store {built} ({STORE_ENV}={built}), "
                          "or run: qa index --rebuild")  # fmt: skip
    if built == "milvus" and record["uri"] != choice.milvus_uri:
        raise IndexError_(f"the index at {folder} keeps its passage vectors in Milvus at {record['uri']}, not at "
                          f"{choice.milvus_uri}; open it with --milvus-uri {record['uri']}, "
                          "or run: qa index --rebuild")  # fmt: skip


def open_vectors(folder: Path, manifest: dict, passages: Sequence) -> tuple[VectorStore, object]:
    """The store an index was written with: (the store, the faiss index or None)."""
    record = store_record(manifest)
    encoder = manifest["encoder"]
    if record["kind"] == "faiss":
        try:
            raw = faiss_module().read_index(str(folder / "vectors.faiss"))
        except RuntimeError as exc:
            raise IndexError_(f"the index at {folder} cannot be read ({exc}); run: qa index --rebuild") from exc
        if raw.ntotal != len(passages):
            raise IndexError_(f"the index at {folder} is inconsistent (counts differ); run: qa index --rebuild")
        ids = np.arange(raw.ntotal, dtype=np.int64)
        doc_ids = [item.passage.doc_id for item in passages]
        return FaissVectorStore.wrap(raw, ids, doc_ids, passage_dates(passages), encoder=encoder["name"]), raw
    store = open_milvus(record["uri"], record["collection"], encoder["dim"], encoder["name"])
    return store, None


def drop_collection(manifest: dict | None) -> None:
    """Drop a Milvus collection an index no longer uses (best effort: a leftover costs space, not answers)."""
    record = store_record(manifest or {})
    if record["kind"] != "milvus":
        return
    try:
        from embeddings.milvus_store import MilvusVectorStore

        store = MilvusVectorStore(record["uri"], name=record["collection"], timeout=_milvus_timeout())
        store.drop()
    except Exception as exc:
        log.warning("could not drop the old Milvus collection %s at %s: %s", record["collection"], record["uri"], exc)


def dense_scores(store: VectorStore, query: np.ndarray, n: int) -> np.ndarray:
    """Every passage's cosine with the query (-1 where the store returned none), by passage position."""
    dense = np.full(n, -1.0, dtype=np.float32)
    if n == 0:
        return dense
    for i, score in store.search(query, n):
        if 0 <= i < n:
            dense[i] = score
    return dense
