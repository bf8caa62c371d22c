"""The on-disk index with a fake encoder: round trip, manifest, atomic builds, and every kind of damage."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime

import numpy as np
import pytest

import embeddings.store as store
from embeddings.store import (
    CROSSLINGUAL_FILES,
    FILES,
    FORMAT_VERSION,
    build_index,
    check_compatible,
    load_index,
    read_manifest,
)
from qa.assistant import Assistant
from qa.errors import IndexError_
from tests.conftest import HashingEncoder

REBUILD = "qa index --rebuild"

# The real cross-lingual model takes seconds to load: the plumbing tests use a fake one.
FAKE_XL = HashingEncoder(dim=64, name="fake-crosslingual")


@pytest.fixture
def built(tmp_path, fake_index):
    """A copy of the session's fake index in tmp_path/index (tests may damage it), and the index as built."""
    folder = tmp_path / "index"
    shutil.copytree(fake_index.folder, folder)
    return folder, fake_index


def _rewrite_digest(folder, name):
    """Make the manifest vouch for a file as it is now, so the reader (not the checksum) has to notice."""
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _leftovers(parent, name="index"):
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def test_round_trip_gives_back_what_was_built(built):
    folder, index = built
    loaded = load_index(folder)
    assert loaded.manifest == index.manifest
    assert loaded.passages == index.passages
    assert loaded.sentences == index.sentences
    np.testing.assert_array_equal(loaded.sentence_vectors, index.sentence_vectors)
    assert loaded.vectors.ntotal == index.vectors.ntotal == len(index.passages)
    n = index.vectors.ntotal
    np.testing.assert_array_equal(loaded.vectors.reconstruct_n(0, n), index.vectors.reconstruct_n(0, n))
    assert loaded.bm25.vocab == index.bm25.vocab
    np.testing.assert_array_equal(loaded.crosslingual_vectors, index.crosslingual_vectors)
    np.testing.assert_array_equal(loaded.crosslingual_sentence_vectors, index.crosslingual_sentence_vectors)
    assert loaded.crosslingual_vectors.shape == (len(index.passages), 64)
    assert loaded.crosslingual_sentence_vectors.shape == (len(index.sentences), 64)
    for name in ("indptr", "doc_ids", "tfs", "doc_lengths"):
        np.testing.assert_array_equal(getattr(loaded.bm25, name), getattr(index.bm25, name))
    # the passages' letter facts survive the JSON trip
    first = loaded.passages[0]
    assert first.title and first.meeting_dates and first.passage.text


def test_loaded_index_passage_sentences_lie_inside_their_passage(built):
    folder, _ = built
    index = load_index(folder)
    covered = set()
    for i, item in enumerate(index.passages):
        for j in index.passage_sentences(i):
            s = index.sentences[j]
            assert s.doc_id == item.passage.doc_id and item.passage.start <= s.start < item.passage.end
            covered.add(j)
    assert covered == set(range(len(index.sentences)))  # passages overlap, but every sentence is in one


def test_manifest_records_format_encoder_corpus_counts_time_and_checksums(built, corpus, hashing_encoder):
    folder, index = built
    m = read_manifest(folder)
    assert m["format_version"] == FORMAT_VERSION
    assert m["encoder"] == {"name": hashing_encoder.name, "dim": hashing_encoder.dim}
    assert m["corpus_fingerprint"] == corpus.fingerprint
    assert m["documents"] == [d.doc_id for d in corpus.documents]
    assert m["passage_count"] == sum(len(d.passages) for d in corpus.documents) == len(index.passages)
    assert m["sentence_count"] == len(index.sentences)
    assert m["vector_index"] == "IndexFlatIP"
    assert datetime.strptime(m["built_at"], "%Y-%m-%dT%H:%M:%S%z")
    assert m["crosslingual_encoder"] == {"name": "fake-crosslingual", "dim": 64}
    assert set(m["files"]) == set(FILES) | set(CROSSLINGUAL_FILES)
    for name, digest in m["files"].items():
        assert digest == hashlib.sha256((folder / name).read_bytes()).hexdigest(), name


def test_build_leaves_no_temporary_folders_and_rebuild_replaces(built, tmp_path, corpus, make_hashing_encoder):
    folder, first = built
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]
    second = build_index(folder, corpus, make_hashing_encoder(dim=64, name="other"), progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]
    assert read_manifest(folder)["encoder"] == {"name": "other", "dim": 64} == second.manifest["encoder"]
    assert load_index(folder).sentence_vectors.shape[1] == 64 != first.sentence_vectors.shape[1]


def test_encoder_failing_mid_build_leaves_previous_index_intact(built, tmp_path, corpus, make_hashing_encoder):
    folder, _ = built
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    failing = make_hashing_encoder(fail_after=1)  # passages encode, then the sentences crash
    with pytest.raises(RuntimeError, match="mid-build"):
        build_index(folder, corpus, failing, progress=False)
    assert failing.calls == 1
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert load_index(folder).manifest["encoder"]["name"] == "fake-hash"
    assert _leftovers(tmp_path) == []


def test_failure_while_writing_leaves_previous_index_intact(built, tmp_path, corpus, hashing_encoder, monkeypatch):
    folder, _ = built
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "save_bm25", disk_full)
    with pytest.raises(OSError):
        build_index(folder, corpus, hashing_encoder, progress=False)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert load_index(folder).passages


def test_failure_while_writing_leaves_no_temporary_folder(built, tmp_path, corpus, hashing_encoder, monkeypatch):
    folder, _ = built

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "save_bm25", disk_full)
    with pytest.raises(OSError):
        build_index(folder, corpus, hashing_encoder, progress=False)
    assert _leftovers(tmp_path) == []


def _missing_manifest(folder):
    (folder / "manifest.json").unlink()


def _garbage_manifest(folder):
    (folder / "manifest.json").write_text("{this is not json", encoding="utf-8")


def _manifest_without_files(folder):
    (folder / "manifest.json").write_text(json.dumps({"format_version": FORMAT_VERSION}), encoding="utf-8")


def _edit_manifest(folder, edit):
    manifest = json.loads((folder / "manifest.json").read_text())
    edit(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _manifest_files_not_a_mapping(folder):
    _edit_manifest(folder, lambda m: m.update(files=[]))


def _manifest_without_passage_count(folder):
    _edit_manifest(folder, lambda m: m.pop("passage_count"))


def _manifest_skips_a_checksum_of_a_damaged_file(folder):
    _edit_manifest(folder, lambda m: m["files"].pop("vectors.faiss"))
    _truncated_vectors(folder)


def _binary_manifest(folder):
    (folder / "manifest.json").write_bytes(b"\xff\xfe\x00garbage")


def _old_format(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = 0
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _truncated_vectors(folder):
    path = folder / "vectors.faiss"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _truncated_vectors_with_matching_checksum(folder):
    _truncated_vectors(folder)
    _rewrite_digest(folder, "vectors.faiss")


def _altered_passages(folder):
    path = folder / "passages.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("NAVO", "NATO", 1), encoding="utf-8")


def _unparseable_passages_with_matching_checksum(folder):
    path = folder / "passages.jsonl"
    path.write_text(path.read_text(encoding="utf-8")[:-40] + "\n", encoding="utf-8")
    _rewrite_digest(folder, "passages.jsonl")


def _dropped_passage_with_matching_checksum(folder):
    path = folder / "passages.jsonl"
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[1:]), encoding="utf-8")
    _rewrite_digest(folder, "passages.jsonl")


def _missing_bm25(folder):
    (folder / "bm25.npz").unlink()


def _missing_sentences(folder):
    (folder / "sentences.npy").unlink()


def _missing_crosslingual_vectors(folder):
    (folder / "crosslingual_passages.npy").unlink()


def _crosslingual_manifest_without_its_files(folder):
    _edit_manifest(folder, lambda m: m["files"].pop("crosslingual_sentences.npy"))


def _crosslingual_vectors_short_with_matching_checksum(folder):
    path = folder / "crosslingual_sentences.npy"
    np.save(path, np.load(path)[:-1], allow_pickle=False)
    _rewrite_digest(folder, "crosslingual_sentences.npy")


def _pickled_bm25(folder):
    """An object array in bm25.npz is stored pickled; loading it would run code, so it must be refused."""
    with np.load(folder / "bm25.npz") as arrays:
        saved = {name: arrays[name] for name in arrays.files}
    saved["doc_ids"] = np.array([{"payload": "not an array"}, None], dtype=object)
    np.savez(folder / "bm25.npz", **saved)
    _rewrite_digest(folder, "bm25.npz")


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (_missing_manifest, "missing manifest.json"),
        (_garbage_manifest, "manifest unreadable"),
        (_manifest_without_files, "manifest unreadable"),
        (_binary_manifest, "manifest unreadable"),
        (_manifest_files_not_a_mapping, "manifest unreadable"),
        (_manifest_without_passage_count, "manifest unreadable"),
        (_manifest_skips_a_checksum_of_a_damaged_file, "manifest unreadable"),
        (_old_format, "has format 0"),
        (_truncated_vectors, "vectors.faiss missing or altered"),
        (_truncated_vectors_with_matching_checksum, "cannot be read"),
        (_altered_passages, "passages.jsonl missing or altered"),
        (_unparseable_passages_with_matching_checksum, "cannot be read"),
        (_dropped_passage_with_matching_checksum, "inconsistent"),
        (_missing_bm25, "bm25.npz missing or altered"),
        (_missing_sentences, "sentences.npy missing or altered"),
        (_pickled_bm25, "cannot be read"),
        (_missing_crosslingual_vectors, "crosslingual_passages.npy missing or altered"),
        (_crosslingual_manifest_without_its_files, "manifest unreadable"),
        (_crosslingual_vectors_short_with_matching_checksum, "inconsistent"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_damaged_index_is_refused_with_the_rebuild_command(built, damage, says):
    folder, _ = built
    damage(folder)
    with pytest.raises(IndexError_) as info:
        load_index(folder)
    message = str(info.value)
    assert says in message
    assert REBUILD in message
    assert str(folder) in message


def test_index_without_a_crosslingual_encoder_round_trips(tmp_path, corpus, hashing_encoder):
    built = build_index(tmp_path / "plain", corpus, hashing_encoder, progress=False)
    loaded = load_index(tmp_path / "plain")
    assert built.crosslingual_encoder is None and loaded.manifest["crosslingual_encoder"] is None
    assert loaded.crosslingual_vectors is None and loaded.crosslingual_sentence_vectors is None
    assert set(loaded.manifest["files"]) == set(FILES)
    assert not any((tmp_path / "plain" / name).exists() for name in CROSSLINGUAL_FILES)


def test_pickled_object_array_is_rejected_not_unpickled(built):
    folder, _ = built
    _pickled_bm25(folder)
    with pytest.raises(IndexError_, match="allow_pickle=False") as info:
        load_index(folder)
    assert isinstance(info.value.__cause__, ValueError)


def test_assistant_load_reports_damage_instead_of_using_it(tmp_path, hashing_encoder):
    assistant = Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=FAKE_XL)
    folder = assistant.index.folder
    _altered_passages(folder)
    with pytest.raises(IndexError_, match="qa index --rebuild"):
        Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=FAKE_XL)
    repaired = Assistant.load(
        index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=FAKE_XL, rebuild=True
    )
    assert load_index(repaired.index.folder).passages == assistant.index.passages


def test_assistant_load_rebuilds_an_index_an_older_version_wrote(tmp_path, hashing_encoder):
    first = Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=FAKE_XL)
    _edit_manifest(first.index.folder, lambda m: m.update(format_version=FORMAT_VERSION - 1))
    again = Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=FAKE_XL)
    assert again.index.manifest["format_version"] == FORMAT_VERSION
    assert read_manifest(first.index.folder)["format_version"] == FORMAT_VERSION
    # a newer version's index is not ours to overwrite: reported, left as it is
    _edit_manifest(first.index.folder, lambda m: m.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(IndexError_, match="qa index --rebuild"):
        Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=FAKE_XL)


def test_assistant_load_rebuilds_an_index_whose_kinds_this_version_reads_otherwise(tmp_path, hashing_encoder):
    first = Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=None)
    kinds = first.index.manifest["kinds"]
    doc_id = sorted(kinds)[0]
    # as an older reader of the letters' kinds would have left it: same text, another kind
    other = "news" if kinds[doc_id] != "news" else "letter"
    _edit_manifest(first.index.folder, lambda m: m["kinds"].update({doc_id: other}))
    again = Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=None)
    assert again.index.manifest["kinds"] == kinds
    assert read_manifest(first.index.folder)["kinds"] == kinds


def test_assistant_load_reuses_an_existing_index(tmp_path, hashing_encoder, monkeypatch):
    first = Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=None)
    monkeypatch.setattr("qa.assistant.build_index", lambda *a, **kw: pytest.fail("rebuilt a good index"))
    second = Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=FAKE_XL)
    assert second.index.manifest == first.index.manifest
    assert second.retriever.crosslingual is None  # built without one: the default is not forced onto it
    assert first.index.folder == tmp_path / "bundled" / "fake-hash"


def test_check_compatible_names_the_encoder_to_rebuild_with(built, corpus):
    folder, index = built
    with pytest.raises(IndexError_) as info:
        check_compatible(index.manifest, folder, "all-MiniLM-L6-v2", corpus.fingerprint)
    message = str(info.value)
    assert "built with encoder 'fake-hash', not 'all-MiniLM-L6-v2'" in message
    assert "qa index --rebuild --encoder all-MiniLM-L6-v2" in message
    check_compatible(index.manifest, folder, "fake-hash", corpus.fingerprint)  # no complaint


def test_check_compatible_notices_changed_letters(built):
    folder, index = built
    with pytest.raises(IndexError_, match=r"letters changed since the index .* qa index --rebuild"):
        check_compatible(index.manifest, folder, "fake-hash", "0" * 64)


def test_assistant_load_notices_an_edited_letter(tmp_path, corpus, hashing_encoder):
    from corpus import bundled_corpus_dir

    letters = tmp_path / "letters"
    shutil.copytree(bundled_corpus_dir(), letters, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    Assistant.load(
        index_dir=tmp_path / "idx", corpus_dir=letters, encoder=hashing_encoder, progress=False, crosslingual=FAKE_XL
    )
    path = next(iter(sorted(letters.glob("*.txt"))))
    path.write_text(path.read_text(encoding="utf-8").replace("Nederland", "Nederlanden", 1), encoding="utf-8")
    with pytest.raises(IndexError_, match="letters changed"):
        Assistant.load(
            index_dir=tmp_path / "idx",
            corpus_dir=letters,
            encoder=hashing_encoder,
            progress=False,
            crosslingual=FAKE_XL,
        )


def test_assistant_load_with_another_encoder_uses_another_folder(tmp_path, hashing_encoder, make_hashing_encoder):
    a = Assistant.load(index_dir=tmp_path, encoder=hashing_encoder, progress=False, crosslingual=FAKE_XL)
    b = Assistant.load(
        index_dir=tmp_path,
        encoder=make_hashing_encoder(name="fake/other", dim=32),
        progress=False,
        crosslingual=FAKE_XL,
    )
    assert a.index.folder != b.index.folder
    assert b.index.folder.name == "fake_other"  # unsafe characters are replaced
    assert b.index.sentence_vectors.shape[1] == 32


def test_hnsw_above_threshold_flat_below(tmp_path, corpus, hashing_encoder, monkeypatch):
    flat = build_index(tmp_path / "flat", corpus, hashing_encoder, progress=False)
    assert type(flat.vectors).__name__ == "IndexFlatIP" and flat.manifest["vector_index"] == "IndexFlatIP"

    monkeypatch.setattr(store, "HNSW_THRESHOLD", 10)
    hnsw = build_index(tmp_path / "hnsw", corpus, hashing_encoder, progress=False)
    assert hnsw.manifest["vector_index"] == "IndexHNSWFlat"
    loaded = load_index(tmp_path / "hnsw")
    assert type(loaded.vectors).__name__ == "IndexHNSWFlat"
    assert loaded.vectors.ntotal == len(loaded.passages)
    # the approximate index finds the same best passage as the exact one
    results = {}
    for name, index in (("flat", flat), ("hnsw", loaded)):
        assistant = Assistant(corpus, index, hashing_encoder)
        results[name] = [r.passage.passage_id for r in assistant.search("Revolving Fund medische artikelen", k=3)]
    assert results["hnsw"][0] == results["flat"][0]


def test_threshold_boundary_is_exclusive(tmp_path, corpus, hashing_encoder, monkeypatch):
    n = sum(len(d.passages) for d in corpus.documents)
    monkeypatch.setattr(store, "HNSW_THRESHOLD", n)
    at = build_index(tmp_path / "at", corpus, hashing_encoder, progress=False)
    monkeypatch.setattr(store, "HNSW_THRESHOLD", n - 1)
    above = build_index(tmp_path / "above", corpus, hashing_encoder, progress=False)
    assert (at.manifest["vector_index"], above.manifest["vector_index"]) == ("IndexFlatIP", "IndexHNSWFlat")


def test_assistant_over_fake_index_searches_and_answers(fake_assistant, corpus):
    results = fake_assistant.search("Revolving Fund", k=3)
    assert [r.rank for r in results] == [1, 2, 3]
    assert "Revolving Fund" in results[0].passage.text
    assert results[0].doc_id == "000_c54184f091ec131b"
    assert set(results[0].scores) == {"bm25", "dense", "crosslingual", "hybrid", "rerank"}
    assert results[0].score >= results[1].score >= results[2].score
    answer = fake_assistant.ask("Hoeveel draagt Nederland bij aan het Revolving Fund?")
    assert answer.language == "nl"
    texts = {d.doc_id: d.text for d in corpus.documents}
    for c in answer.citations:
        assert texts[c.doc_id][c.start : c.end] == c.quote


def test_encoder_protocol_is_satisfied_by_the_fake(hashing_encoder):
    from embeddings.encoders import Encoder

    assert isinstance(hashing_encoder, Encoder)
    v = hashing_encoder.encode_passages(["Nederland draagt bij", "Irak missie"])
    assert v.shape == (2, hashing_encoder.dim)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)


def test_a_passage_is_embedded_without_its_letterhead_but_a_letterhead_alone_is_kept():
    from corpus.passages import said_text

    head = "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal\nDen Haag, 3 maart 2031"
    said = "Nederland stuurt twee fregatten naar de Oostzee."
    assert said_text(f"{head}\n\n{said}") == said  # the letterhead would match any question about the letter
    assert said_text(head) == head  # nothing else to embed: the passage keeps its text
    asked = "Klopt het dat Nederland fregatten stuurt?"
    assert said_text(f"{asked}\n\n{said}") == said  # the question it answers is not what the passage says
    opening = "De vaste commissie voor Defensie heeft op 2 maart 2031 overleg gevoerd met de Minister van Defensie."
    assert said_text(f"{opening}\n\n{said}") == f"{opening}\n\n{said}"  # an opening says when and who: kept
