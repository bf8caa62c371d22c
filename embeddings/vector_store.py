"""Where passage vectors live: the VectorStore protocol and its in-process FAISS implementation.

Only vectors (and the two scalars the filters need: the letter and its date) move here; texts, sentences and BM25
stay in the index folder (embeddings/store.py). Scores are cosines, best first. `embeddings/milvus_store.py` holds
the Milvus implementation; `open_vector_store` picks one from QA_VECTOR_STORE (faiss|milvus) and QA_MILVUS_URI.
Nothing is pickled; a save writes a new generation folder, then swaps manifest.json with os.replace, so a reader
(or a crash) never sees a half-written store.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from qa.errors import QAError

# From evals/bench_scale.py (docs/scale.md): exact search stays under ~3 ms up to ~20k vectors on 2 cores;
# above it HNSW (M=32) holds recall@10 >= 0.99 at well under a millisecond for 1.18x the raw vectors' memory.
FLAT_THRESHOLD = 20_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
EXACT_FILTER_LIMIT = 20_000  # a filter passing fewer vectors than this is answered by exact search
COMPACT_FRACTION = 0.2  # rebuild an HNSW index once this share of it is deleted (HNSW cannot remove)
FORMAT = 1
UNKNOWN_DAY = -1


class VectorStoreError(QAError):
    """The vector store cannot be opened or refuses an operation; the message says why."""


class DimensionMismatchError(VectorStoreError):
    """Vectors of another dimension (or encoder) than the store was made for: refused, never mixed."""


class StoreMismatchError(VectorStoreError):
    """A folder or URI holds a store of the other kind (FAISS vs Milvus)."""


@runtime_checkable
class VectorStore(Protocol):
    name: str
    dim: int

    def add(self, ids: Sequence[int], vectors: np.ndarray, doc_ids: Sequence[str],
            dates: Sequence[date | None]) -> None: ...  # fmt: skip

    def delete_letters(self, doc_ids: Sequence[str] | set[str]) -> int: ...

    def search(self, query: np.ndarray, k: int, doc_ids: set[str] | None = None, since: date | None = None,
               until: date | None = None) -> list[tuple[int, float]]: ...  # fmt: skip

    def count(self) -> int: ...

    def save(self) -> None: ...

    def close(self) -> None: ...


def faiss_module():
    try:
        import faiss
    except ImportError as exc:
        raise VectorStoreError("faiss is not installed; install it with: pip install faiss-cpu") from exc
    return faiss


def day_number(d: date | None) -> int:
    """yyyymmdd as an integer (ordered like the dates, readable in a Milvus filter); -1 when unknown."""
    return UNKNOWN_DAY if d is None else d.year * 10_000 + d.month * 100 + d.day


def check_batch(dim: int, ids, vectors, doc_ids, dates, encoder: str = "") -> tuple[np.ndarray, np.ndarray]:
    """(ids as int64, vectors as C-contiguous float32 (n, dim)); refuses a batch that does not fit the store."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[1] != dim:
        raise DimensionMismatchError(
            f"vectors of shape {vectors.shape} do not fit this store of dimension {dim}"
            + (f" (encoder {encoder})" if encoder else "") + "; rebuild it for the new encoder"
        )
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    if not len(ids) == len(vectors) == len(doc_ids) == len(dates):
        raise ValueError(f"ids, vectors, doc_ids, dates differ in length: "
                         f"{len(ids)}, {len(vectors)}, {len(doc_ids)}, {len(dates)}")  # fmt: skip
    if len(np.unique(ids)) != len(ids):
        raise VectorStoreError("the same id appears twice in one add")
    return ids, np.ascontiguousarray(vectors)


def check_query(dim: int, query) -> np.ndarray:
    query = np.asarray(query, dtype=np.float32)
    if query.ndim == 2 and query.shape[0] == 1:
        query = query[0]
    if query.shape != (dim,):
        raise DimensionMismatchError(f"a query of shape {query.shape} does not fit this store of dimension {dim}")
    return np.ascontiguousarray(query[None])


class ReadWriteLock:
    """Many searches at once, or one add/delete alone: a search sees a letter wholly added or not at all."""

    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting_writers = 0  # readers hold back while one waits, so a stream of searches cannot starve it

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and not self._waiting_writers)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._waiting_writers += 1
            self._cond.wait_for(lambda: not self._writing and not self._readers)
            self._waiting_writers -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class FaissVectorStore:
    """Vectors in one FAISS index, searched in process.

    Exact IndexFlatIP up to FLAT_THRESHOLD vectors, HNSW above. FAISS labels are positions (0..n-1) into
    the arrays ids/letters/days/alive kept beside the index, which plays IndexIDMap2's part and also gives the
    filters O(1) lookups. Flat deletes compact at once; HNSW cannot remove, so deleted positions are masked out
    of every search (an IDSelectorBitmap) until COMPACT_FRACTION of the index is dead, and then it is rebuilt
    from its own stored vectors (IndexHNSWFlat keeps them in an IndexFlat: no second copy is needed).
    """

    def __init__(self, folder: Path | str | None, dim: int | None = None, name: str = "passages", encoder: str = "",
                 *, flat_threshold: int = FLAT_THRESHOLD, ef_search: int = HNSW_EF_SEARCH,
                 exact_filter_limit: int = EXACT_FILTER_LIMIT):  # fmt: skip
        self.folder = Path(folder) if folder is not None else None
        self.exact_filter_limit = exact_filter_limit
        self.name, self.encoder, self.flat_threshold, self.ef_search = name, encoder, flat_threshold, ef_search
        self._lock = ReadWriteLock()
        manifest = self._read_manifest(dim, encoder)
        if manifest is None:
            if dim is None:
                raise VectorStoreError(f"no vector store in {self.folder}; give its dimension to create one")
            self.dim = dim
            self._index = faiss_module().IndexFlatIP(dim)
            self._ids = np.zeros(0, np.int64)
            self._letters = np.zeros(0, np.int32)  # codes into self._letter_names
            self._days = np.zeros(0, np.int32)
            self._alive = np.zeros(0, bool)
            self._letter_names: list[str] = []
        else:
            self._load(manifest)
        self._codes = {name: i for i, name in enumerate(self._letter_names)}

    @classmethod
    def wrap(cls, index, ids, doc_ids, dates, encoder: str = "", name: str = "passages") -> FaissVectorStore:
        """An in-memory store around a faiss index that already holds the vectors (position i = ids[i]): how an
        index folder's own vectors.faiss is searched through the protocol, without copying the vectors."""
        store = cls(None, dim=index.d, name=name, encoder=encoder)
        for doc in doc_ids:
            if doc not in store._codes:
                store._codes[doc] = len(store._letter_names)
                store._letter_names.append(doc)
        store._index = index
        store._ids = np.asarray(ids, dtype=np.int64)
        store._letters = np.array([store._codes[d] for d in doc_ids], np.int32)
        store._days = np.array([day_number(d) for d in dates], np.int32)
        store._alive = np.ones(len(store._ids), bool)
        if not len(store._ids) == len(store._letters) == len(store._days) == index.ntotal:
            raise VectorStoreError(f"{index.ntotal} vectors but {len(store._ids)} ids, {len(store._letters)} letters")
        store._apply_search_params()
        return store

    # -- persistence -------------------------------------------------------------------------------------------

    def _read_manifest(self, dim: int | None, encoder: str) -> dict | None:
        if self.folder is None or not (self.folder / "manifest.json").exists():
            if self.folder is not None and ((self.folder / "LOCK").exists() or (self.folder / "collections").is_dir()):
                raise StoreMismatchError(f"{self.folder} holds a Milvus (milvus-lite) store, not a FAISS one; "
                                         "set QA_VECTOR_STORE=milvus or rebuild the index")  # fmt: skip
            return None
        manifest = json.loads((self.folder / "manifest.json").read_text())
        if manifest.get("store") != "faiss":
            raise StoreMismatchError(f"{self.folder} was written by the {manifest.get('store')} store, not FAISS; "
                                     "open it with that store or rebuild the index")  # fmt: skip
        if dim is not None and manifest["dim"] != dim:
            raise DimensionMismatchError(f"{self.folder} holds vectors of dimension {manifest['dim']}, not {dim}; "
                                         "rebuild the index for this encoder")  # fmt: skip
        if encoder and manifest.get("encoder") and manifest["encoder"] != encoder:
            raise DimensionMismatchError(f"{self.folder} holds vectors of encoder {manifest['encoder']}, "
                                         f"not {encoder}; rebuild the index for this encoder")  # fmt: skip
        return manifest

    def _load(self, manifest: dict) -> None:
        faiss = faiss_module()
        gen = self.folder / manifest["generation"]
        self.dim, self.encoder = manifest["dim"], self.encoder or manifest.get("encoder", "")
        self._index = faiss.read_index(str(gen / "vectors.faiss"))
        self._ids = np.load(gen / "ids.npy", allow_pickle=False)
        self._letters = np.load(gen / "letters.npy", allow_pickle=False)
        self._days = np.load(gen / "days.npy", allow_pickle=False)
        self._alive = np.load(gen / "alive.npy", allow_pickle=False)
        self._letter_names = json.loads((gen / "letters.json").read_text())
        self._apply_search_params()

    def save(self) -> None:
        """Writes a new generation folder, then swaps the manifest to it; the old generation is removed."""
        if self.folder is None:
            return
        faiss = faiss_module()
        with self._lock.read():
            self.folder.mkdir(parents=True, exist_ok=True)
            old = json.loads((self.folder / "manifest.json").read_text())["generation"] if (
                self.folder / "manifest.json").exists() else None  # fmt: skip
            number = int(old.split("-")[1]) + 1 if old else 1
            gen = self.folder / f"gen-{number:06d}"
            shutil.rmtree(gen, ignore_errors=True)  # a crashed save's leftovers
            gen.mkdir()
            faiss.write_index(self._index, str(gen / "vectors.faiss"))
            for name, array in (("ids", self._ids), ("letters", self._letters), ("days", self._days),
                                ("alive", self._alive)):  # fmt: skip
                np.save(gen / f"{name}.npy", array, allow_pickle=False)
            (gen / "letters.json").write_text(json.dumps(self._letter_names))
            manifest = {"store": "faiss", "format": FORMAT, "name": self.name, "dim": self.dim,
                        "encoder": self.encoder, "count": self.count(), "kind": self.kind, "generation": gen.name}
            _write_atomic(self.folder / "manifest.json", json.dumps(manifest, indent=1))  # fmt: skip
        if old and old != gen.name:
            shutil.rmtree(self.folder / old, ignore_errors=True)

    def close(self) -> None:
        self.save()

    # -- writing -----------------------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return "flat" if isinstance(self._index, faiss_module().IndexFlat) else "hnsw"

    @property
    def description(self) -> str:
        if self.kind == "flat":
            return "IndexFlatIP"
        return f"HNSW M={HNSW_M} efC={HNSW_EF_CONSTRUCTION} ef={self.ef_search}"

    def add(self, ids, vectors, doc_ids, dates) -> None:
        ids, vectors = check_batch(self.dim, ids, vectors, doc_ids, dates, self.encoder)
        with self._lock.write():
            clash = np.intersect1d(ids, self._ids[self._alive])
            if len(clash):
                raise VectorStoreError(f"{len(clash)} ids are already in the store (e.g. {clash[0]}); "
                                       "delete their letter first")  # fmt: skip
            for name in doc_ids:
                if name not in self._codes:
                    self._codes[name] = len(self._letter_names)
                    self._letter_names.append(name)
            self._ids = np.concatenate([self._ids, ids])
            self._letters = np.concatenate([self._letters, np.array([self._codes[d] for d in doc_ids], np.int32)])
            self._days = np.concatenate([self._days, np.array([day_number(d) for d in dates], np.int32)])
            self._alive = np.concatenate([self._alive, np.ones(len(ids), bool)])
            if self.kind == "flat" and self._alive.sum() > self.flat_threshold:
                self._rebuild(np.concatenate([self._stored_vectors(), vectors]))
            else:
                self._index.add(vectors)

    def delete_letters(self, doc_ids) -> int:
        with self._lock.write():
            codes = [self._codes[d] for d in set(doc_ids) if d in self._codes]
            dead = self._alive & np.isin(self._letters, codes)
            removed = int(dead.sum())
            if not removed:
                return 0
            self._alive &= ~dead
            if self.kind == "flat" or (~self._alive).mean() > COMPACT_FRACTION:
                self._rebuild(self._stored_vectors())
        return removed

    def _stored_vectors(self) -> np.ndarray:
        """A zero-copy view of every stored vector (alive or not), position by position."""
        faiss = faiss_module()
        flat = self._index if self.kind == "flat" else faiss.downcast_index(self._index.storage)
        return faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * self.dim).reshape(flat.ntotal, self.dim)

    def _rebuild(self, vectors: np.ndarray) -> None:
        """A fresh index of the living vectors only (positions renumbered), flat or HNSW by their number."""
        faiss = faiss_module()
        keep = self._alive
        vectors = np.ascontiguousarray(vectors[keep])
        self._ids, self._letters, self._days = self._ids[keep], self._letters[keep], self._days[keep]
        self._alive = np.ones(len(vectors), bool)
        if len(vectors) > self.flat_threshold:
            index = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            index = faiss.IndexFlatIP(self.dim)
        index.add(vectors)
        self._index = index
        self._apply_search_params()

    def _apply_search_params(self) -> None:
        if self.kind == "hnsw":
            self._index.hnsw.efSearch = self.ef_search

    # -- reading -----------------------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._alive.sum())

    def index_bytes(self) -> int:
        """Memory the index holds: the vectors, plus HNSW's links."""
        vectors = self._index.ntotal * self.dim * 4
        if self.kind == "flat":
            return vectors
        hnsw = self._index.hnsw
        return vectors + hnsw.neighbors.size() * 4 + hnsw.offsets.size() * 8 + hnsw.levels.size() * 4

    def _passing(self, doc_ids, since, until) -> np.ndarray | None:
        """A mask over positions of the vectors that pass the filters (None: every stored vector passes)."""
        if doc_ids is None and since is None and until is None:
            return None if self._alive.all() else self._alive
        mask = self._alive.copy()
        if doc_ids is not None:
            wanted = np.zeros(len(self._letter_names) + 1, bool)  # a lookup table beats np.isin at 1M
            wanted[[self._codes[d] for d in doc_ids if d in self._codes]] = True
            mask &= wanted[self._letters]
        if since is not None or until is not None:  # an unknown date passes no date filter
            mask &= self._days != UNKNOWN_DAY
            if since is not None:
                mask &= self._days >= day_number(since)
            if until is not None:
                mask &= self._days <= day_number(until)
        return mask

    def search(self, query, k, doc_ids=None, since=None, until=None) -> list[tuple[int, float]]:
        q = check_query(self.dim, query)
        if k <= 0:
            return []
        faiss = faiss_module()
        with self._lock.read():
            mask = self._passing(doc_ids, since, until)
            if mask is None:
                scores, labels = self._index.search(q, k)
            else:
                passing = int(mask.sum())
                if not passing:
                    return []
                bits = np.packbits(mask, bitorder="little")
                sel = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
                if self.kind == "flat" or passing <= self.exact_filter_limit:
                    # Exact over the stored vectors (HNSW's own IndexFlat), scoring only those that pass:
                    # the best k among them, whatever the index kind.
                    flat = self._index if self.kind == "flat" else faiss.downcast_index(self._index.storage)
                    scores, labels = flat.search(q, k, params=faiss.SearchParameters(sel=sel))
                else:  # a selective filter starves HNSW's beam: widen it as the share that passes falls
                    ef = int(min(4096, self.ef_search * (len(mask) / passing) ** 0.5))
                    scores, labels = self._index.search(q, k, params=faiss.SearchParametersHNSW(
                        sel=sel, efSearch=max(ef, k)))  # fmt: skip
            return [(int(self._ids[p]), float(s)) for p, s in zip(labels[0], scores[0], strict=True) if p >= 0]


def open_vector_store(folder: Path, dim: int | None, name: str = "passages", encoder: str = "",
                      kind: str | None = None, milvus_uri: str | None = None) -> VectorStore:  # fmt: skip
    """The store QA_VECTOR_STORE names (faiss, the default, or milvus at QA_MILVUS_URI / milvus_uri)."""
    kind = (kind or os.environ.get("QA_VECTOR_STORE") or "faiss").lower()
    if kind == "faiss":
        return FaissVectorStore(folder, dim=dim, name=name, encoder=encoder)
    if kind == "milvus":
        from embeddings.milvus_store import MilvusVectorStore

        uri = milvus_uri or os.environ.get("QA_MILVUS_URI") or str(Path(folder) / "milvus.db")
        return MilvusVectorStore(uri, name=name, dim=dim, encoder=encoder)
    raise VectorStoreError(f"QA_VECTOR_STORE={kind!r} is not a vector store; use faiss or milvus")
