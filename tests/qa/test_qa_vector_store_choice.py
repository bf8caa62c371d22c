"""Passage vectors through the VectorStore seam: FAISS (default) or Milvus (milvus-lite here), chosen by --store /
QA_VECTOR_STORE and --milvus-uri / QA_MILVUS_URI; the faults the issue names, through qa.cli.main."""

from __future__ import annotations

import json

import numpy as np
import pytest

from embeddings.passage_store import StoreChoice
from embeddings.store import build_index, load_index
from embeddings.vector_store import FaissVectorStore, VectorStoreError
from qa.assistant import Assistant
from qa.cli import main
from qa.errors import IndexError_

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")


@pytest.fixture
def no_store_env(monkeypatch):
    for name in ("QA_VECTOR_STORE", "QA_MILVUS_URI"):
        monkeypatch.delenv(name, raising=False)


def _queries(encoder):
    return encoder.encode_queries(["Revolving Fund Oekraïne", "stikstof", "NAVO top Vilnius"])


def test_faiss_index_searches_through_the_store_with_the_same_scores(tmp_path, corpus, hashing_encoder):
    index = build_index(tmp_path / "i", corpus, hashing_encoder, progress=False)
    assert isinstance(index.store, FaissVectorStore) and index.manifest["vector_store"] == {"kind": "faiss"}
    loaded = load_index(tmp_path / "i")
    n = len(index.passages)
    for q in _queries(hashing_encoder):
        found, ids = loaded.vectors.search(q[None], n)  # what retrieval did before the seam
        before = np.full(n, -1.0, dtype=np.float32)
        before[ids[0][ids[0] >= 0]] = found[0][ids[0] >= 0]
        np.testing.assert_array_equal(loaded.dense_scores(q[None]), before)  # bit-identical


def test_milvus_lite_index_gives_the_same_dense_scores_and_ranking(tmp_path, corpus, hashing_encoder):
    faiss_index = build_index(tmp_path / "f", corpus, hashing_encoder, progress=False)
    choice = StoreChoice("milvus", str(tmp_path / "m.db"))
    built = build_index(tmp_path / "m", corpus, hashing_encoder, progress=False, store=choice)
    record = built.manifest["vector_store"]
    assert record["kind"] == "milvus" and record["uri"] == choice.milvus_uri
    assert not (tmp_path / "m" / "vectors.faiss").exists() and "vectors.faiss" not in built.manifest["files"]
    loaded = load_index(tmp_path / "m", choice)
    assert loaded.store.count() == len(loaded.passages) and loaded.vectors is None
    for q in _queries(hashing_encoder):
        a, b = faiss_index.dense_scores(q[None]), loaded.dense_scores(q[None])
        np.testing.assert_allclose(a, b, atol=1e-5)
        assert list(np.argsort(-a, kind="stable")[:10]) == list(np.argsort(-b, kind="stable")[:10])
    # a rebuild writes a new collection and drops the one the folder named before
    again = build_index(tmp_path / "m", corpus, hashing_encoder, progress=False, store=choice)
    assert again.manifest["vector_store"]["collection"] != record["collection"]
    assert not again.store.client.has_collection(record["collection"])


def test_an_index_for_one_store_opened_with_the_other_names_the_fix(tmp_path, hashing_encoder, no_store_env):
    Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=None)
    with pytest.raises(IndexError_) as caught:
        Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, store="milvus",
                       milvus_uri=str(tmp_path / "m.db"))  # fmt: skip
    message = str(caught.value)
    assert "keeps its passage vectors in faiss" in message and "not in milvus" in message
    assert f"qa index --rebuild --index {tmp_path} --encoder fake-hash --store milvus --milvus-uri" in message
    rebuilt = Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, store="milvus",
                             milvus_uri=str(tmp_path / "m.db"), rebuild=True)  # fmt: skip
    assert rebuilt.index.manifest["vector_store"]["kind"] == "milvus"
    with pytest.raises(IndexError_, match=r"keeps its passage vectors in milvus at .*m\.db, not in faiss"):
        Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False)
    with pytest.raises(IndexError_, match="open it with --milvus-uri"):
        Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, store="milvus",
                       milvus_uri=str(tmp_path / "other.db"))  # fmt: skip


def test_store_choice_from_options_and_environment(tmp_path, monkeypatch, no_store_env):
    assert StoreChoice.resolve() == StoreChoice("faiss")
    assert StoreChoice.resolve("milvus", root=tmp_path) == StoreChoice("milvus", str(tmp_path / "milvus.db"))
    monkeypatch.setenv("QA_VECTOR_STORE", "milvus")
    monkeypatch.setenv("QA_MILVUS_URI", "http://db:19530")
    assert StoreChoice.resolve() == StoreChoice("milvus", "http://db:19530")
    assert StoreChoice.resolve("faiss") == StoreChoice("faiss")
    monkeypatch.setenv("QA_VECTOR_STORE", "pinecone")
    with pytest.raises(VectorStoreError, match="'pinecone' is not a vector store"):
        StoreChoice.resolve()


def test_cli_store_options_are_offered(capsys):
    for command in ("ask", "search", "serve", "index"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        assert "--store {faiss,milvus}" in out and "--milvus-uri URI" in out


def test_cli_unreachable_milvus_at_start_is_one_clear_line(tmp_path, capsys, monkeypatch, no_store_env):
    monkeypatch.setenv("QA_MILVUS_TIMEOUT", "2")
    code = main(["search", "stikstof", "--index", str(tmp_path), "--store", "milvus",
                 "--milvus-uri", "http://127.0.0.1:1"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: cannot reach Milvus at http://127.0.0.1:1") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_cli_index_for_the_other_store_prints_the_command(tmp_path, capsys, monkeypatch, hashing_encoder):
    monkeypatch.setattr("qa.assistant.load_encoder", lambda name: hashing_encoder)
    monkeypatch.setenv("QA_VECTOR_STORE", "faiss")
    assert main(["index", "--index", str(tmp_path), "--encoder", "fake-hash"]) == 0
    assert "in faiss (the index folder)" in capsys.readouterr().out
    code = main(["search", "stikstof", "--index", str(tmp_path), "--encoder", "fake-hash", "--store", "milvus",
                 "--milvus-uri", str(tmp_path / "m.db")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert f"qa index --rebuild --index {tmp_path} --encoder fake-hash --store milvus --milvus-uri " in err


def test_collection_of_another_dimension_is_refused(tmp_path, corpus, hashing_encoder):
    choice = StoreChoice("milvus", str(tmp_path / "m.db"))
    build_index(tmp_path / "i", corpus, hashing_encoder, progress=False, store=choice)
    manifest_path = tmp_path / "i" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["encoder"] = {"name": "fake-other", "dim": 32}  # as if another encoder's build named this collection
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(VectorStoreError, match="holds vectors of dimension 256, not 32"):
        load_index(tmp_path / "i", choice)


def test_milvus_failing_during_a_question_says_so(tmp_path, corpus, hashing_encoder):
    from embeddings.milvus_store import MilvusUnavailableError
    from qa.app import error_text

    choice = StoreChoice("milvus", str(tmp_path / "m.db"))
    index = build_index(tmp_path / "i", corpus, hashing_encoder, progress=False, store=choice)
    index.store.drop()  # the collection vanishes under a running app (a server restarted empty, say)
    with pytest.raises(MilvusUnavailableError) as caught:
        index.dense_scores(hashing_encoder.encode_queries(["stikstof"]))
    text = error_text(caught.value)
    assert text.startswith("Milvus at ") and str(tmp_path / "m.db") in text and "search failed" in text
