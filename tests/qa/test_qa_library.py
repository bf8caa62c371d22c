"""The letters library (qa/library.py) and `qa letters`: add, replace, duplicates, bad files, remove, kill-safety."""

from __future__ import annotations

import json

import pytest

from corpus.errors import CorpusError
from qa.cli import main
from qa.library import Library, index_builder, sanitized_id
from tests.conftest import HashingEncoder

LETTER = """Tweede Kamer der Staten-Generaal

Datum 12 maart 2024
Betreft Inzet in {place}

Geachte Voorzitter,

Hierbij informeer ik uw Kamer over de Nederlandse bijdrage aan de missie in {place}. Nederland levert
{count} militairen en twee helikopters. De missie loopt tot het einde van het jaar en wordt daarna
geëvalueerd. De kosten bedragen {cost} miljoen euro en worden gedekt uit het budget voor internationale
inzet.

De minister van Defensie
"""


def letter(place: str, count: int = 40, cost: int = 12) -> str:
    return LETTER.format(place=place, count=count, cost=cost)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def builder(library, tmp_path, encoder=None):
    return index_builder(library, tmp_path / "index", encoder or HashingEncoder(), None, progress=False)


def test_add_list_remove_and_the_manifest(home, tmp_path, letter_dir):
    folder = letter_dir({"Inzet Irak!.txt": letter("Irak"), "mali.md": letter("Mali")})
    library = Library()
    result = library.add([folder], build=builder(library, tmp_path))
    assert sorted(e.id for e in result.added) == ["Inzet-Irak", "mali"]
    entry = {e.id: e for e in library.entries()}["Inzet-Irak"]
    assert entry.source == "Inzet Irak!.txt" and entry.passages >= 1 and entry.title and entry.kind
    assert (library.letters_dir / entry.file).exists() and entry.file.startswith(entry.sha256[:16])
    manifest = json.loads((home / "library.json").read_text())
    assert {e["id"] for e in manifest["letters"]} == {"Inzet-Irak", "mali"}
    corpus = library.corpus()
    assert {"Inzet-Irak", "mali"} <= {d.doc_id for d in corpus.documents} and len(corpus.documents) == 7
    assert library.remove(["mali"], build=builder(library, tmp_path)) == ["mali"]
    assert [e.id for e in library.entries()] == ["Inzet-Irak"]
    with pytest.raises(CorpusError, match=r"no letter with id nope.*Inzet-Irak"):
        library.remove(["nope"])


def test_duplicates_add_nothing_and_a_changed_version_replaces(home, tmp_path, letter_dir):
    library = Library()
    library.add([letter_dir({"irak.txt": letter("Irak")})], build=builder(library, tmp_path))
    again = library.add([tmp_path / "letters" / "irak.txt"], build=builder(library, tmp_path))
    assert not again.added and again.duplicates == (("irak.txt", "irak"),)
    (tmp_path / "letters" / "irak.txt").write_text(letter("Irak", count=60), encoding="utf-8")
    changed = library.add([tmp_path / "letters" / "irak.txt"], build=builder(library, tmp_path))
    assert changed.replaced == ("irak",) and len(library.entries()) == 1
    assert "60 militairen" in {d.doc_id: d for d in library.corpus().documents}["irak"].text


def test_bad_files_are_named_and_change_nothing(home, tmp_path, letter_dir):
    library = Library()
    library.add([letter_dir({"irak.txt": letter("Irak")})], build=builder(library, tmp_path))
    before = (home / "library.json").read_bytes()
    bad = letter_dir({"leeg.txt": "", "binary.txt": b"\x00\x01\x02" * 100, "kapot.pdf": b"%PDF-1.4 garbage"})
    result = library.add(
        [bad / "leeg.txt", bad / "binary.txt", bad / "kapot.pdf", tmp_path / "missing.txt"],
        build=builder(library, tmp_path),
    )
    reasons = {r.source.rsplit("/", 1)[-1]: r.reason for r in result.rejected}
    assert reasons["leeg.txt"] == "is empty" and "binary" in reasons["binary.txt"]
    assert "PDF" in reasons["kapot.pdf"] and reasons["missing.txt"] == "not found"
    assert not result.added and (home / "library.json").read_bytes() == before


def test_upload_names_are_never_paths():
    assert sanitized_id("../../etc/passwd.txt") == "passwd"
    assert sanitized_id("C:\\Users\\x\\Brief over Irak (2).pdf") == "Brief-over-Irak-2"
    assert sanitized_id("....txt") == "letter"


def test_incremental_add_encodes_only_the_new_letter(home, tmp_path, letter_dir):
    encoder = HashingEncoder()
    library = Library()
    library.add([letter_dir({"irak.txt": letter("Irak")})], build=builder(library, tmp_path, encoder))
    first = encoder.calls
    result = library.add([letter_dir({"mali.txt": letter("Mali")})], build=builder(library, tmp_path, encoder))
    # passages + sentences of the new letter only: the bundled five and irak come from the cache
    encoded = {k: v for k, v in result.timings.encoded.items() if "words" not in k}
    assert sum(encoded.values()) <= 20 and encoder.calls - first == 2


def test_a_failed_build_leaves_the_previous_library_and_index(home, tmp_path, letter_dir):
    library = Library()
    library.add([letter_dir({"irak.txt": letter("Irak")})], build=builder(library, tmp_path))
    before = (home / "library.json").read_bytes()

    def crash(corpus, timings):
        raise KeyboardInterrupt  # as a kill would: the manifest never switches

    with pytest.raises(KeyboardInterrupt):
        library.add([letter_dir({"mali.txt": letter("Mali")})], build=crash)
    assert (home / "library.json").read_bytes() == before
    result = library.add([tmp_path / "letters" / "mali.txt"], build=builder(library, tmp_path))
    assert [e.id for e in result.added] == ["mali"]  # the add can be run again


def test_cli_letters_add_list_remove(home, tmp_path, letter_dir, capsys, monkeypatch):
    import embeddings.encoders as encoders

    monkeypatch.setattr(encoders, "load_encoder", lambda name=None: HashingEncoder(name="fake-" + str(name)))
    folder = letter_dir({"irak.txt": letter("Irak"), "leeg.txt": ""})
    assert main(["letters", "add", str(folder), "--index", str(tmp_path / "ix")]) == 1  # one bad file: exit 1
    out, err = capsys.readouterr()
    assert "added irak" in out and "leeg.txt: is empty; not added" in err
    assert f"QA_HOME={home} qa ask" in out and f"--index {tmp_path / 'ix'}" in out
    assert main(["letters", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [e["id"] for e in listed["letters"]] == ["irak"] and listed["letters"][0]["source"] == "irak.txt"
    assert main(["letters", "remove", "irak", "--index", str(tmp_path / "ix")]) == 0
    assert "removed irak" in capsys.readouterr().out
    assert main(["letters", "remove", "irak"]) == 1
    assert "no letter with id irak" in capsys.readouterr().err


def test_assistant_loads_the_library_and_messages_name_the_options(home, tmp_path, letter_dir, monkeypatch):
    from corpus.errors import IndexError_

    monkeypatch.delenv("QA_INDEX_DIR", raising=False)  # the command names only what this test chose
    from qa.assistant import Assistant

    library = Library()
    encoder = HashingEncoder()
    library.add([letter_dir({"irak.txt": letter("Irak")})], build=builder(library, tmp_path, encoder))
    assistant = Assistant.load(index_dir=tmp_path / "index", encoder=encoder, crosslingual=None, progress=False)
    assert "irak" in {d.doc_id for d in assistant.corpus.documents}
    folder = assistant.index.folder
    (folder / "words.json").write_text("[]", encoding="utf-8")  # damage it
    with pytest.raises(IndexError_) as caught:
        Assistant.load(index_dir=tmp_path / "index", encoder=encoder, crosslingual=None, progress=False)
    expected = f"run: QA_HOME={home} qa index --rebuild --index {tmp_path / 'index'} --encoder fake-hash"
    assert expected in str(caught.value)
