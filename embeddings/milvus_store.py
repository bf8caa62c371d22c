"""The Milvus vector store (pymilvus): a file path ending in .db is milvus-lite, embedded in this process;
http://host:19530 is a Milvus server (standalone or a cluster: nothing here changes).

One collection per index name. Schema: int64 primary id (the passage's), the float vector, the letter id
(VARCHAR) and the letter date as yyyymmdd (INT64, -1 unknown). Letter and date filters are pushed down as
Milvus boolean expressions. Reads after an unsaved add or delete are Strong-consistent (they see it); after `save`
they are Session-consistent, without Strong's wait for the server's next time tick (~200 ms) on every call. On a
server, `save` waits until the index is built and loaded for every flushed row (from 10,000 rows): until then
searches run on unindexed segments (Milvus 2.3's interim IVF index on growing segments), at low recall.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date
from pathlib import Path

from embeddings.vector_store import (
    HNSW_EF_CONSTRUCTION,
    HNSW_EF_SEARCH,
    HNSW_M,
    UNKNOWN_DAY,
    DimensionMismatchError,
    StoreMismatchError,
    VectorStoreError,
    check_batch,
    check_query,
    day_number,
)

SERVER_SCHEMES = ("http://", "https://", "tcp://", "unix:")
FIELDS = {"id", "vector", "doc_id", "day"}
BATCH = 5_000  # rows per insert call: 5,000 x 384 floats stays far below gRPC's 64 MB message limit
MAX_LIMIT = 16_384  # Milvus's largest top-k
FILTERED_EF = 2_048
DESCRIPTION = "kamerbrieven-qa passage vectors; encoder="
ENCODER_PROPERTY = "qa.encoder"
# "Strong" waits for the server's next time tick (~200 ms a call): only reads that must see this process's unsaved
# writes pay it; once saved (flushed), "Session" reads see them without the wait.
UNSAVED_CONSISTENCY, SAVED_CONSISTENCY = "Strong", "Session"
INDEX_WAIT_S = 600.0  # how long save() waits for a server to build and load the index
INDEX_WAIT_MIN_ROWS = 10_000  # below this a search of unindexed segments is exact enough and fast: no wait


class MilvusUnavailableError(VectorStoreError):
    """Milvus cannot be reached (or milvus-lite cannot open its file); the message names the URI."""


def _pymilvus():
    try:
        import pymilvus
    except ImportError as exc:
        raise VectorStoreError("pymilvus is not installed; install it with: pip install pymilvus milvus-lite") from exc
    return pymilvus


def collection_name(name: str) -> str:
    """Milvus allows letters, digits and underscores, starting with a letter or underscore."""
    clean = re.sub(r"\W", "_", name)
    return clean if re.match(r"[A-Za-z_]", clean) else f"_{clean}"


def is_server_uri(uri: str) -> bool:
    return uri.startswith(SERVER_SCHEMES)


def _check_local_path(uri: str) -> None:
    path = Path(uri)
    if path.suffix != ".db":
        raise VectorStoreError(f"a milvus-lite path must end in .db (got {uri}); or give http://host:19530")
    if (path / "manifest.json").exists():
        raise StoreMismatchError(f"{uri} holds a FAISS store, not a Milvus one; set QA_VECTOR_STORE=faiss "
                                 "or rebuild the index")  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)


class MilvusVectorStore:
    def __init__(self, uri: str, name: str = "passages", dim: int | None = None, encoder: str = "", *,
                 recreate: bool = False, ef_search: int = HNSW_EF_SEARCH, timeout: float = 30.0):  # fmt: skip
        pymilvus = _pymilvus()
        self.uri, self.name, self.encoder, self.ef_search = uri, name, encoder, ef_search
        self.collection = collection_name(name)
        self.local = not is_server_uri(uri)
        self.unsaved = False
        if self.local:
            _check_local_path(uri)
        try:
            self.client = pymilvus.MilvusClient(uri=uri, timeout=timeout)
            exists = self.client.has_collection(self.collection)
        except pymilvus.MilvusException as exc:
            raise MilvusUnavailableError(f"cannot reach Milvus at {uri}: {exc.message}") from exc
        if exists and recreate:
            self.client.drop_collection(self.collection)
            exists = False
        if exists:
            self.dim = self._check_existing(dim, encoder)
            self.client.load_collection(self.collection)
        elif dim is None:
            raise VectorStoreError(f"no collection {self.collection!r} at {uri}; give its dimension to create one")
        else:
            self.dim = dim
            self._create(pymilvus)

    @property
    def description(self) -> str:
        return f"HNSW M={HNSW_M} efC={HNSW_EF_CONSTRUCTION} ef={self.ef_search}"

    def _create(self, pymilvus) -> None:
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False,
                                           description=f"{DESCRIPTION}{self.encoder}")  # fmt: skip
        schema.add_field("id", pymilvus.DataType.INT64, is_primary=True)
        schema.add_field("vector", pymilvus.DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("doc_id", pymilvus.DataType.VARCHAR, max_length=512)
        schema.add_field("day", pymilvus.DataType.INT64)
        params = self.client.prepare_index_params()
        params.add_index(field_name="vector", index_type="HNSW", metric_type="IP",
                         params={"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION})  # fmt: skip
        self.client.create_collection(self.collection, schema=schema, index_params=params,
                                      consistency_level="Strong")  # fmt: skip
        if self.encoder:  # milvus-lite drops the description; a collection property survives on both
            self.client.alter_collection_properties(self.collection, properties={ENCODER_PROPERTY: self.encoder})

    def _check_existing(self, dim: int | None, encoder: str) -> int:
        info = self.client.describe_collection(self.collection)
        fields = {f["name"]: f for f in info["fields"]}
        if set(fields) != FIELDS:
            raise StoreMismatchError(f"collection {self.collection!r} at {self.uri} was not written by this "
                                     f"package (fields {sorted(fields)}); use another index name")  # fmt: skip
        have = int(fields["vector"]["params"]["dim"])
        if dim is not None and have != dim:
            raise DimensionMismatchError(f"collection {self.collection!r} at {self.uri} holds vectors of dimension "
                                         f"{have}, not {dim}; rebuild it for this encoder")  # fmt: skip
        written_by = (info.get("properties") or {}).get(ENCODER_PROPERTY) or info.get("description", "").removeprefix(
            DESCRIPTION
        )
        if encoder and written_by and written_by != encoder:
            raise DimensionMismatchError(f"collection {self.collection!r} at {self.uri} holds vectors of encoder "
                                         f"{written_by}, not {encoder}; rebuild it for this encoder")  # fmt: skip
        self.encoder = self.encoder or written_by
        return have

    # -- writing -----------------------------------------------------------------------------------------------

    def add(self, ids, vectors, doc_ids, dates) -> None:
        ids, vectors = check_batch(self.dim, ids, vectors, doc_ids, dates, self.encoder)
        for start in range(0, len(ids), 1_000):  # Milvus would keep both rows of a duplicate primary key
            chunk = ids[start : start + 1_000].tolist()
            clash = self.client.query(self.collection, filter=f"id in {chunk}", output_fields=["id"],
                                      consistency_level=self._consistency())  # fmt: skip
            if clash:
                raise VectorStoreError(f"{len(clash)} ids are already in the store (e.g. {clash[0]['id']}); "
                                       "delete their letter first")  # fmt: skip
        rows = [{"id": int(i), "vector": v, "doc_id": d, "day": day_number(t)}
                for i, v, d, t in zip(ids, vectors.tolist(), doc_ids, dates, strict=True)]  # fmt: skip
        self.unsaved = True
        for start in range(0, len(rows), BATCH):
            self.client.insert(self.collection, rows[start : start + BATCH])

    def delete_letters(self, doc_ids) -> int:
        doc_ids = sorted(set(doc_ids))
        if not doc_ids:
            return 0
        expr = f"doc_id in {_strings(doc_ids)}"
        n = self._count(expr)
        if n:
            self.unsaved = True
            self.client.delete(self.collection, filter=expr)
        return n

    def save(self) -> None:
        self.client.flush(self.collection)
        if not self.local:
            self._wait_for_index()
        self.unsaved = False

    def _consistency(self) -> str:
        return UNSAVED_CONSISTENCY if self.unsaved else SAVED_CONSISTENCY

    def _wait_for_index(self, wait_s: float = INDEX_WAIT_S) -> None:
        """Until the server has built the HNSW index on every flushed row and the query node serves the indexed
        segments (the index's `state` says Finished long before: `indexed_rows` and the loaded segments tell).
        Past `wait_s` it returns anyway: searches stay correct, only slower and of lower recall for a while."""
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            info = self.client.describe_index(self.collection, "vector")
            indexed, total = int(info.get("indexed_rows", 0)), int(info.get("total_rows", 0))
            if total < INDEX_WAIT_MIN_ROWS:  # the hand-off of small segments takes ~15 s and gains nothing
                return
            if int(info.get("pending_index_rows", 0)) == 0 and indexed >= total:
                segments = self.client.list_loaded_segments(self.collection)
                if all(s.index_name for s in segments) and sum(s.num_rows for s in segments) >= indexed:
                    return
            time.sleep(0.5)

    def close(self) -> None:
        self.client.close()
        if self.local:  # stop the embedded server too: it holds the data folder's lock until then
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(self.uri)

    def drop(self) -> None:
        self.client.drop_collection(self.collection)

    # -- reading -----------------------------------------------------------------------------------------------

    def _count(self, expr: str = "") -> int:
        rows = self.client.query(self.collection, filter=expr, output_fields=["count(*)"],
                                 consistency_level=self._consistency())  # fmt: skip
        return int(rows[0]["count(*)"])

    def count(self) -> int:
        return self._count()

    def search(self, query, k, doc_ids=None, since=None, until=None) -> list[tuple[int, float]]:
        q = check_query(self.dim, query)
        if k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        k = min(k, MAX_LIMIT)
        expression = filter_expression(doc_ids, since, until)
        # Milvus 2.3's HNSW walks the whole graph and drops the rows a filter rejects, so a filter passing ~10% of
        # the rows starves the beam (recall@10 0.90 at ef 128, 0.99 at 2048 on the 100k bench, 16 ms a search);
        # under ~7% passing the server searches those rows exactly by itself.
        ef = min(FILTERED_EF, self.ef_search * 16) if expression else self.ef_search
        try:
            hits = self.client.search(
                self.collection, data=q.tolist(), limit=k, filter=expression,
                output_fields=["id"], search_params={"metric_type": "IP", "params": {"ef": max(ef, k)}},
                consistency_level=self._consistency(),
            )  # fmt: skip
        except Exception as exc:  # a server gone, restarted, or without the collection: said in the user's words
            detail = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            raise MilvusUnavailableError(
                f"Milvus at {self.uri} did not answer: the search failed ({detail}); check that Milvus is running "
                f"and holds collection {self.collection!r}, or rebuild the index (qa index --rebuild --store milvus)"
            ) from exc
        return [(int(h["id"]), float(h["distance"])) for h in hits[0]]


def _strings(values) -> str:
    # A JSON list of strings is a valid Milvus list literal, quotes and backslashes escaped.
    return json.dumps([str(v) for v in values], ensure_ascii=False)


def filter_expression(doc_ids: set[str] | None, since: date | None, until: date | None) -> str:
    """The letter/date filter as a Milvus boolean expression; an unknown date passes no date filter."""
    parts = []
    if doc_ids is not None:
        parts.append(f"doc_id in {_strings(sorted(doc_ids))}")
    if since is not None or until is not None:
        parts.append(f"day != {UNKNOWN_DAY}")
    if since is not None:
        parts.append(f"day >= {day_number(since)}")
    if until is not None:
        parts.append(f"day <= {day_number(until)}")
    return " and ".join(parts)
