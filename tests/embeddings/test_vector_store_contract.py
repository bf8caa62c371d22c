"""One contract for every vector store: FAISS (flat, and HNSW forced with a tiny threshold), Milvus on milvus-lite,
and a real Milvus server where one can be started here (QA_MILVUS_TEST_URI, or PyPI's `milvus` package)."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from datetime import date, timedelta

import numpy as np
import pytest

from embeddings.vector_store import (
    DimensionMismatchError,
    FaissVectorStore,
    StoreMismatchError,
    VectorStore,
    VectorStoreError,
    open_vector_store,
)

DIM = 16
LETTERS = [f"brief-{i}" for i in range(10)]
START = date(2020, 1, 1)


def unit(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def data():
    """300 vectors, 30 per letter; letter i is dated START + 10*i days, except letter 9 (no date)."""
    rng = np.random.default_rng(7)
    vectors = unit(rng, 300)
    ids = np.arange(1000, 1300)
    letters = [LETTERS[i // 30] for i in range(300)]
    dates = [None if i // 30 == 9 else START + timedelta(days=10 * (i // 30)) for i in range(300)]
    return ids, vectors, letters, dates, unit(rng, 8)


def exact(data, query, k, passes=lambda i: True) -> list[int]:
    ids, vectors, *_ = data
    keep = [i for i in range(len(ids)) if passes(i)]
    sims = vectors[keep] @ query
    return [int(ids[keep[j]]) for j in np.argsort(-sims, kind="stable")[:k]]


@pytest.fixture(scope="module")
def milvus_server_uri(tmp_path_factory):
    """A Milvus server's URI: QA_MILVUS_TEST_URI, else PyPI's `milvus` (embedded Milvus 2.3) started here."""
    if os.environ.get("QA_MILVUS_TEST_URI"):
        yield os.environ["QA_MILVUS_TEST_URI"]
        return
    milvus = pytest.importorskip("milvus", reason="no Milvus server: set QA_MILVUS_TEST_URI or pip install milvus")
    server = milvus.MilvusServer()
    server.set_base_dir(str(tmp_path_factory.mktemp("milvus-server")))
    server.listen_port = _free_port()
    try:
        server.start()
    except Exception as exc:  # the embedded binary may not run on this platform
        pytest.skip(f"the milvus package's server did not start here: {exc}")
    yield f"http://127.0.0.1:{server.listen_port}"
    server.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STORES = [
    "faiss-flat",
    "faiss-hnsw",
    "milvus-lite",
    pytest.param("milvus-server", marks=pytest.mark.slow),
]


@pytest.fixture(params=STORES)
def opener(request, tmp_path):
    """opener(dim=DIM, **kw) opens (or reopens) the same store; every store opened is closed at the end."""
    kind, opened = request.param, []
    name = f"t_{uuid.uuid4().hex[:10]}"
    uri = request.getfixturevalue("milvus_server_uri") if kind == "milvus-server" else str(tmp_path / "lite.db")

    def open_store(dim: int | None = DIM, **kw) -> VectorStore:
        if kind == "faiss-flat":
            store = FaissVectorStore(tmp_path / "faiss", dim=dim, name=name, **kw)
        elif kind == "faiss-hnsw":  # HNSW from 50 vectors on, and filters through its IDSelector, not exactly
            store = FaissVectorStore(tmp_path / "faiss", dim=dim, name=name, flat_threshold=50,
                                     exact_filter_limit=0, **kw)  # fmt: skip
        else:
            from embeddings.milvus_store import MilvusVectorStore

            store = MilvusVectorStore(uri, name=name, dim=dim, **kw)
        opened.append(store)
        return store

    open_store.kind = kind
    yield open_store
    if kind == "milvus-server":
        opened[-1].drop()
    for store in opened:
        store.close()


def filled(opener, data, **kw) -> VectorStore:
    ids, vectors, letters, dates, _ = data
    store = opener(**kw)
    for letter in LETTERS:  # one add per letter, as the letters library does
        rows = [i for i, name in enumerate(letters) if name == letter]
        store.add(ids[rows], vectors[rows], [letters[i] for i in rows], [dates[i] for i in rows])
    return store


def ranked(hits) -> list[int]:
    return [i for i, _ in hits]


def test_add_count_and_top_k_equal_exact_search(opener, data):
    store = filled(opener, data)
    assert isinstance(store, VectorStore)
    assert store.count() == 300 and store.dim == DIM
    for query in data[4]:
        hits = store.search(query, 10)
        assert ranked(hits) == exact(data, query, 10)
        scores = [s for _, s in hits]
        assert scores == sorted(scores, reverse=True)
        assert scores[0] == pytest.approx(float(data[1][ranked(hits)[0] - 1000] @ query), abs=1e-5)
    assert ranked(store.search(data[4][0][None], 5)) == exact(data, data[4][0], 5)  # a (1, dim) query too


def test_delete_by_letter(opener, data):
    store = filled(opener, data)
    assert store.delete_letters({"brief-2", "brief-5", "not-a-letter"}) == 60
    assert store.count() == 240
    assert store.delete_letters(["brief-2"]) == 0
    gone = {i for i, name in zip(data[0], data[2], strict=True) if name in {"brief-2", "brief-5"}}
    for query in data[4]:
        hits = ranked(store.search(query, 50))
        assert not gone & set(hits)
        assert hits == exact(data, query, 50, lambda i: data[2][i] not in {"brief-2", "brief-5"})
    assert store.search(data[4][0], 5, doc_ids={"brief-2"}) == []
    rows = [i for i, name in enumerate(data[2]) if name == "brief-2"]  # a letter re-added after its deletion
    store.add(data[0][rows], data[1][rows], ["brief-2"] * 30, [data[3][i] for i in rows])
    assert store.count() == 270
    assert ranked(store.search(data[1][rows[0]], 1)) == [int(data[0][rows[0]])]


def test_letter_filter_gives_the_best_k_among_the_passing(opener, data):
    store = filled(opener, data)
    wanted = {"brief-1", "brief-7"}
    for query in data[4]:
        hits = store.search(query, 10, doc_ids=wanted)
        assert ranked(hits) == exact(data, query, 10, lambda i: data[2][i] in wanted)
    assert len(store.search(data[4][0], 100, doc_ids={"brief-3"})) == 30  # k above what passes: all of them
    assert store.search(data[4][0], 10, doc_ids=set()) == []
    assert store.search(data[4][0], 10, doc_ids={"no-such-letter"}) == []


def test_date_filters_are_inclusive_and_skip_unknown_dates(opener, data):
    store = filled(opener, data)
    since, until = START + timedelta(days=20), START + timedelta(days=50)  # letters 2..5
    query = data[4][1]

    def dated(i, lo=date.min, hi=date.max):
        return data[3][i] is not None and lo <= data[3][i] <= hi

    assert ranked(store.search(query, 300, since=since)) == exact(data, query, 300, lambda i: dated(i, lo=since))
    assert ranked(store.search(query, 300, until=until)) == exact(data, query, 300, lambda i: dated(i, hi=until))
    both = store.search(query, 300, since=since, until=until)
    assert len(both) == 120 and ranked(both) == exact(data, query, 300, lambda i: dated(i, since, until))
    mixed = store.search(query, 10, doc_ids={"brief-3", "brief-9"}, since=since)  # brief-9 has no date
    assert ranked(mixed) == exact(data, query, 10, lambda i: data[2][i] == "brief-3")


def test_persistence_across_close_and_reopen(opener, data):
    store = filled(opener, data)
    store.delete_letters(["brief-4"])
    before = [store.search(q, 10) for q in data[4]]
    filtered = store.search(data[4][0], 10, doc_ids={"brief-1"}, until=START + timedelta(days=15))
    store.save()
    store.close()
    again = opener(dim=None)  # the dimension comes from what was written
    assert again.dim == DIM and again.count() == 270
    for q, hits in zip(data[4], before, strict=True):
        got = again.search(q, 10)
        assert ranked(got) == ranked(hits)
        assert [s for _, s in got] == pytest.approx([s for _, s in hits], abs=1e-5)
    got = again.search(data[4][0], 10, doc_ids={"brief-1"}, until=START + timedelta(days=15))
    assert ranked(got) == ranked(filtered) and len(got) == 10


def test_concurrent_readers_during_adds_see_whole_letters(opener, data):
    store = opener()
    rng = np.random.default_rng(3)
    errors, seen = [], []
    done = threading.Event()
    query = data[4][0]
    letters = [f"letter-{i}" for i in range(12)]

    def read():
        while not done.is_set():
            try:
                for letter in letters:
                    n = len(store.search(query, 50, doc_ids={letter}))
                    seen.append(n)
                    if n not in (0, 20):
                        errors.append(f"{letter}: {n} of its 20 passages visible")
                store.search(query, 10)
            except Exception as exc:  # any error in a reader fails the test
                errors.append(repr(exc))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        for j, letter in enumerate(letters):
            store.add(range(5000 + 20 * j, 5020 + 20 * j), unit(rng, 20), [letter] * 20, [START] * 20)
            time.sleep(0.01)
    finally:
        done.set()
        for t in readers:
            t.join()
    assert not errors, errors[:5]
    assert store.count() == 240 and seen and all(len(store.search(query, 50, doc_ids={x})) == 20 for x in letters)


def test_other_dimension_or_encoder_is_refused(opener, data):
    store = filled(opener, data, encoder="multilingual-e5-small")
    rng = np.random.default_rng(1)
    with pytest.raises(DimensionMismatchError, match="dimension"):
        store.add([1], unit(rng, 1, DIM + 1), ["x"], [None])
    with pytest.raises(DimensionMismatchError):
        store.search(unit(rng, 1, DIM + 1)[0], 3)
    with pytest.raises(VectorStoreError, match="already"):
        store.add([1000], unit(rng, 1), ["x"], [None])
    assert store.count() == 300  # nothing of a refused add went in
    store.save()
    store.close()
    with pytest.raises(DimensionMismatchError, match=str(DIM)):
        opener(dim=DIM * 2)
    with pytest.raises(DimensionMismatchError, match="encoder"):
        opener(encoder="all-MiniLM-L6-v2")
    assert opener(encoder="multilingual-e5-small").count() == 300


def test_unreachable_milvus_names_the_uri():
    from embeddings.milvus_store import MilvusUnavailableError

    uri = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(MilvusUnavailableError, match=uri.replace(".", r"\.")):
        open_vector_store(None, DIM, kind="milvus", milvus_uri=uri)


def test_a_store_opened_with_the_other_kind_says_so(tmp_path, data):
    from embeddings.milvus_store import MilvusVectorStore

    faiss_folder = tmp_path / "vectors.db"
    store = FaissVectorStore(faiss_folder, dim=DIM)
    store.add(data[0][:5], data[1][:5], data[2][:5], data[3][:5])
    store.close()
    with pytest.raises(StoreMismatchError, match="FAISS"):
        MilvusVectorStore(str(faiss_folder), dim=DIM)
    lite = MilvusVectorStore(str(tmp_path / "lite.db"), dim=DIM)
    lite.close()
    with pytest.raises(StoreMismatchError, match="Milvus"):
        FaissVectorStore(tmp_path / "lite.db", dim=DIM)


def test_environment_picks_the_store(tmp_path, monkeypatch):
    from embeddings.milvus_store import MilvusVectorStore

    monkeypatch.delenv("QA_VECTOR_STORE", raising=False)
    assert isinstance(open_vector_store(tmp_path / "f", DIM), FaissVectorStore)
    monkeypatch.setenv("QA_VECTOR_STORE", "milvus")
    monkeypatch.setenv("QA_MILVUS_URI", str(tmp_path / "env.db"))
    store = open_vector_store(tmp_path / "f", DIM)
    assert isinstance(store, MilvusVectorStore) and store.uri == str(tmp_path / "env.db")
    store.close()
    monkeypatch.setenv("QA_VECTOR_STORE", "elastic")
    with pytest.raises(VectorStoreError, match="elastic"):
        open_vector_store(tmp_path / "f", DIM)


@pytest.mark.slow
def test_real_encoder_and_letters_give_the_same_top_10_in_both_stores(tmp_path):
    from corpus import load_corpus
    from embeddings.encoders import load_encoder
    from embeddings.milvus_store import MilvusVectorStore

    enc = load_encoder("multilingual-e5-small")
    passages = [(p, doc.letter_date) for doc in load_corpus().documents for p in doc.passages]
    vectors = enc.encode_passages([p.text for p, _ in passages])
    ids, letters, dates = range(len(passages)), [p.doc_id for p, _ in passages], [d for _, d in passages]
    stores = [FaissVectorStore(tmp_path / "faiss", dim=vectors.shape[1], encoder="multilingual-e5-small"),
              MilvusVectorStore(str(tmp_path / "lite.db"), dim=vectors.shape[1], encoder="multilingual-e5-small")]
    for store in stores:
        store.add(ids, vectors, letters, dates)
    questions = ["Hoeveel draagt Nederland bij aan het Revolving Fund?",
                 "What did the ministers decide about the NATO mission in Iraq?", "Wat werd er besloten over Irak?"]
    one_letter = {letters[0]}
    for q in enc.encode_queries(questions):
        faiss_hits, milvus_hits = (ranked(s.search(q, 10)) for s in stores)
        assert faiss_hits == milvus_hits
        assert faiss_hits == [int(i) for i in np.argsort(-(vectors @ q), kind="stable")[:10]]
        assert ranked(stores[0].search(q, 10, doc_ids=one_letter)) == ranked(
            stores[1].search(q, 10, doc_ids=one_letter))
    for store in stores:
        store.close()
