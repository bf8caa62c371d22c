"""Scale benchmark for the vector stores: `python -m evals.bench_scale --sizes 100000,1000000 --queries 200`.

Synthetic clustered 384-d vectors (fixed seed) stand in for passage embeddings at sizes the letters will not
reach for years. For each index: build time, memory (bytes of the index and the process's RSS growth), p50/p95
latency of one query at a time at k=10, and recall@10 against exact search, without and with a letter filter
(every vector belongs to one of 500 letters; the filter keeps 10% of them). Not part of the tests.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import math
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from embeddings.vector_store import FaissVectorStore, faiss_module

DIM = 384
K = 10
LETTERS = 500
FILTER_FRACTION = 0.1
SEED = 20


def rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def clustered_vectors(n: int, rng: np.random.Generator, centers: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Points around 1000 topic centers; the spread lies mostly in a 64-d subspace, as sentence embeddings'
    does (isotropic noise in 384-d would make every neighbour equally far, which real text never is)."""
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        c = centers[rng.integers(0, len(centers), m)]
        local = rng.standard_normal((m, basis.shape[0]), dtype=np.float32) @ basis
        iso = rng.standard_normal((m, DIM), dtype=np.float32) / math.sqrt(DIM)
        x = c + 1.0 * local / math.sqrt(basis.shape[0]) + 0.3 * iso
        out[start : start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def dataset(n: int, queries: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    centers = rng.standard_normal((1000, DIM), dtype=np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    basis = np.linalg.qr(rng.standard_normal((DIM, 64)))[0].T.astype(np.float32)  # (64, DIM), orthonormal rows
    xb = clustered_vectors(n, rng, centers, basis)
    xq = clustered_vectors(queries, rng, centers, basis)
    letters = rng.integers(0, LETTERS, n).astype(np.int32)
    wanted = rng.choice(LETTERS, int(LETTERS * FILTER_FRACTION), replace=False)
    return xb, xq, letters, np.isin(letters, wanted)


def exact_top_k(xb: np.ndarray, xq: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    out = np.empty((len(xq), K), dtype=np.int64)
    for i in range(0, len(xq), 20):
        scores = xq[i : i + 20] @ xb.T
        if mask is not None:
            scores[:, ~mask] = -np.inf
        top = np.argpartition(-scores, K, axis=1)[:, :K]
        order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
        out[i : i + 20] = np.take_along_axis(top, order, axis=1)
    return out


def measure(search: Callable[[np.ndarray], np.ndarray], xq: np.ndarray, truth: np.ndarray) -> dict:
    search(xq[0])  # warm-up
    times, hits = [], 0
    for q, t in zip(xq, truth, strict=True):
        start = time.perf_counter()
        got = search(q)
        times.append((time.perf_counter() - start) * 1000)
        hits += len(set(got.tolist()) & set(t.tolist()))
    return {"p50_ms": float(np.percentile(times, 50)), "p95_ms": float(np.percentile(times, 95)),
            "recall": hits / truth.size}  # fmt: skip


def faiss_rows(xb, xq, mask, truth, truth_f, hnsw_m: int, ef_search: list[int], nprobes: list[int]) -> list[dict]:
    faiss = faiss_module()
    n = len(xb)
    rows = []
    bitmap = np.packbits(mask, bitorder="little")
    sel = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))

    def run(name, build, variants):
        gc.collect()
        rss0, start = rss_bytes(), time.perf_counter()
        index, nbytes = build()
        build_s, rss = time.perf_counter() - start, rss_bytes() - rss0
        for label, plain, filtered in variants(index):
            row = {"index": name, "params": label, "n": n, "build_s": build_s, "index_bytes": nbytes,
                   "rss_delta_bytes": rss, "ratio_to_raw": nbytes / xb.nbytes}  # fmt: skip
            row.update(measure(plain, xq, truth))
            row.update({f"filtered_{k}": v for k, v in measure(filtered, xq, truth_f).items()})
            rows.append(row)
            print(row, flush=True)
        del index

    def flat():
        index = faiss.IndexFlatIP(DIM)
        index.add(xb)
        return index, xb.nbytes

    def flat_variants(index):
        params = faiss.SearchParameters(sel=sel)
        yield ("exact", lambda q: index.search(q[None], K)[1][0],
               lambda q: index.search(q[None], K, params=params)[1][0])  # fmt: skip

    run("faiss flat", flat, flat_variants)

    def hnsw():
        index = faiss.IndexHNSWFlat(DIM, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.add(xb)
        links = index.hnsw.neighbors.size() * 4 + index.hnsw.offsets.size() * 8 + index.hnsw.levels.size() * 4
        return index, xb.nbytes + links

    def searchers(index, params):
        """Unfiltered and letter-filtered top-K search with the same index parameters."""
        plain, filtered = params(), params(sel=sel)
        return (lambda q: index.search(q[None], K, params=plain)[1][0],
                lambda q: index.search(q[None], K, params=filtered)[1][0])  # fmt: skip

    def hnsw_variants(index):
        for ef in ef_search:
            params = functools.partial(faiss.SearchParametersHNSW, efSearch=ef)
            yield (f"M={hnsw_m} efC=80 ef={ef}", *searchers(index, params))

    run("faiss HNSW", hnsw, hnsw_variants)

    nlist = int(4 * math.sqrt(n))

    def ivf():
        quantizer = faiss.IndexFlatIP(DIM)
        index = faiss.IndexIVFFlat(quantizer, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(SEED)
        index.train(xb[rng.choice(n, min(n, 40 * nlist), replace=False)])  # faiss asks >= 39 per list
        index.add(xb)
        return index, nlist * DIM * 4 + n * (DIM * 4 + 8)

    def ivf_variants(index):
        for nprobe in nprobes:
            params = functools.partial(faiss.SearchParametersIVF, nprobe=nprobe)
            yield (f"nlist={nlist} nprobe={nprobe}", *searchers(index, params))

    run("faiss IVF-flat", ivf, ivf_variants)
    return rows


def store_row(name: str, open_store, xb, xq, letters, mask, truth, truth_f) -> dict:
    """A VectorStore end to end: adds in batches of 10,000 (one letter library update at a time)."""
    gc.collect()
    rss0, start = rss_bytes(), time.perf_counter()
    store = open_store()
    names = np.array([f"L{i:03d}" for i in range(LETTERS)])
    for i in range(0, len(xb), 10_000):
        ids = np.arange(i, min(i + 10_000, len(xb)))
        store.add(ids, xb[ids], names[letters[ids]].tolist(), [None] * len(ids))
    store.save()
    build_s, rss = time.perf_counter() - start, rss_bytes() - rss0
    wanted = set(names[np.unique(letters[mask])].tolist())
    row = {"index": name, "params": getattr(store, "description", ""), "n": len(xb), "build_s": build_s,
           "index_bytes": getattr(store, "index_bytes", lambda: 0)(), "rss_delta_bytes": rss}  # fmt: skip
    row["ratio_to_raw"] = row["index_bytes"] / xb.nbytes
    row.update(measure(lambda q: np.array([i for i, _ in store.search(q, K)]), xq, truth))
    plain = measure(lambda q: np.array([i for i, _ in store.search(q, K, doc_ids=wanted)]), xq, truth_f)
    row.update({f"filtered_{k}": v for k, v in plain.items()})
    store.close()
    print(row, flush=True)
    return row


def real_rows(folder: Path, args) -> list[dict]:
    """The sanity row: an index folder's real passage vectors (FAISS store), its sentence vectors as queries, the
    first letter's passages as the filter."""
    faiss = faiss_module()
    index = faiss.read_index(str(folder / "vectors.faiss"))
    xb = index.reconstruct_n(0, index.ntotal).astype(np.float32)
    sentences = np.load(folder / "sentences.npy", allow_pickle=False).astype(np.float32)
    xq = sentences[np.random.default_rng(SEED).choice(len(sentences), min(args.queries, len(sentences)), False)]
    with (folder / "passages.jsonl").open(encoding="utf-8") as f:
        letters = [json.loads(line)["doc_id"] for line in f if line.strip()]
    mask = np.array([d == letters[0] for d in letters])
    truth, truth_f = exact_top_k(xb, xq, None), exact_top_k(xb, xq, mask)
    rows = faiss_rows(xb, xq, mask, truth, truth_f, args.hnsw_m, [int(v) for v in args.ef_search.split(",")],
                      [int(v) for v in args.nprobe.split(",")])  # fmt: skip
    for row in rows:
        row["index"] = f"real ({len(xb)} passages): {row['index']}"
    return rows


def markdown(rows: list[dict]) -> str:
    head = ("| n | index | params | build s | index MB | x raw | RSS +MB | p50 ms | p95 ms | recall@10 "
            "| filtered p50 ms | filtered p95 ms | filtered recall@10 |")  # fmt: skip
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['index']} | {r['params']} | {r['build_s']:.1f} | {r['index_bytes'] / 2**20:,.0f} "
            f"| {r['ratio_to_raw']:.2f} | {r['rss_delta_bytes'] / 2**20:,.0f} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} "
            f"| {r['recall']:.3f} | {r['filtered_p50_ms']:.2f} | {r['filtered_p95_ms']:.2f} "
            f"| {r['filtered_recall']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--hnsw-m", type=int, default=32)
    parser.add_argument("--ef-search", default="32,64,128")
    parser.add_argument("--nprobe", default="8,16,32,64")
    parser.add_argument("--milvus-lite-max", type=int, default=100_000, help="largest size run on milvus-lite")
    parser.add_argument("--milvus-uri", default="", help="also run a Milvus server at this URI (http://host:19530)")
    parser.add_argument("--skip-raw", action="store_true", help="only the stores, not the raw FAISS sweep")
    parser.add_argument("--skip-stores", action="store_true", help="only the raw FAISS sweep, not the stores")
    parser.add_argument("--real", type=Path, help="also a sanity row on this index folder's real passage vectors")
    parser.add_argument("--out", type=Path, default=Path("bench_scale.json"))
    args = parser.parse_args(argv)
    faiss_module().omp_set_num_threads(args.threads)
    rows = real_rows(args.real, args) if args.real else []
    for n in (int(s) for s in args.sizes.split(",") if s):
        xb, xq, letters, mask = dataset(n, args.queries)
        truth, truth_f = exact_top_k(xb, xq, None), exact_top_k(xb, xq, mask)
        if not args.skip_raw:
            ef, nprobe = [int(v) for v in args.ef_search.split(",")], [int(v) for v in args.nprobe.split(",")]
            rows += faiss_rows(xb, xq, mask, truth, truth_f, args.hnsw_m, ef, nprobe)
        if args.skip_stores:
            continue
        tmp = Path(tempfile.mkdtemp(prefix="bench_scale_"))
        try:
            rows.append(store_row("FaissVectorStore (default)", lambda t=tmp: FaissVectorStore(t / "faiss", dim=DIM),
                                  xb, xq, letters, mask, truth, truth_f))  # fmt: skip
            stores = []
            if n <= args.milvus_lite_max:
                stores.append(("MilvusVectorStore (milvus-lite)", str(tmp / "lite.db")))
            if args.milvus_uri:
                stores.append(("MilvusVectorStore (server)", args.milvus_uri))
            for label, uri in stores:
                from embeddings.milvus_store import MilvusVectorStore

                def open_milvus(uri=uri, n=n):
                    return MilvusVectorStore(uri, name=f"bench_{n}", dim=DIM, recreate=True)

                rows.append(store_row(label, open_milvus, xb, xq, letters, mask, truth, truth_f))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        del xb
    table = markdown(rows)
    print(table)
    args.out.write_text(json.dumps({"rows": rows, "table": table}, indent=1) + "\n")


if __name__ == "__main__":
    main()
