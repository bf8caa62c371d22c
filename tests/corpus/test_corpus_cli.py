"""`qa corpus`: the documented JSON shape, the outline, and a folder holding one Markdown letter."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qa.cli import main

DOC_KEYS = [
    "doc_id", "title", "kind", "letter_date", "meeting_dates", "ministers", "kamerstuk", "meeting", "sections",
    "passages",
]  # fmt: skip
SECTION_KEYS = ["section_id", "heading", "text", "start", "end"]
PASSAGE_KEYS = ["passage_id", "section_id", "text", "start", "end"]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def run_json(capsys, *args: str) -> dict:
    assert main(["corpus", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def qa_script() -> str:
    """The installed console script, beside this interpreter in the venv."""
    beside = Path(sys.executable).with_name("qa")
    found = str(beside) if beside.exists() else shutil.which("qa")
    if not found:
        pytest.skip("the qa console script is not installed")
    return found


def assert_documented_shape(payload: dict) -> None:
    assert list(payload) == ["documents"]
    for doc in payload["documents"]:
        assert list(doc) == DOC_KEYS
        assert isinstance(doc["title"], str) and isinstance(doc["kind"], str)
        assert doc["letter_date"] is None or ISO_DATE.match(doc["letter_date"])
        assert all(ISO_DATE.match(d) for d in doc["meeting_dates"])
        assert all(isinstance(m, str) for m in doc["ministers"])
        assert doc["kamerstuk"] is None or isinstance(doc["kamerstuk"], str)
        section_ids = set()
        for section in doc["sections"]:
            assert list(section) == SECTION_KEYS
            assert isinstance(section["start"], int) and section["end"] - section["start"] == len(section["text"])
            section_ids.add(section["section_id"])
        for passage in doc["passages"]:
            assert list(passage) == PASSAGE_KEYS
            assert passage["section_id"] in section_ids
            assert passage["end"] - passage["start"] == len(passage["text"])


def test_json_has_the_documented_shape(capsys, corpus):
    payload = run_json(capsys)
    assert_documented_shape(payload)
    assert [d["doc_id"] for d in payload["documents"]] == [d.doc_id for d in corpus.documents]


def test_json_values_are_iso_dates_and_nulls(capsys):
    docs = {d["doc_id"]: d for d in run_json(capsys)["documents"]}
    first = docs["001_42c0a636b663bd7b"]
    assert first["letter_date"] == "2020-11-06"
    assert first["meeting_dates"] == ["2020-10-22", "2020-10-23"]
    assert first["kamerstuk"] == "28 676, nr. 348"
    assert first["ministers"] == ["A.Th.B. Bijleveld-Schouten"]
    unsigned = docs["004_5bee7b7e70133a4b"]
    assert unsigned["letter_date"] is None and unsigned["kamerstuk"] is None and unsigned["ministers"] == []


def test_json_passages_quote_their_sections(capsys):
    for doc in run_json(capsys)["documents"]:
        sections = {s["section_id"]: s for s in doc["sections"]}
        for passage in doc["passages"]:
            section = sections[passage["section_id"]]
            offset = passage["start"] - section["start"]
            assert section["text"][offset : offset + len(passage["text"])] == passage["text"]


def test_installed_script_prints_the_same_json(capsys):
    in_process = run_json(capsys)
    done = subprocess.run([qa_script(), "corpus", "--json"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout) == in_process


def test_outline_is_readable(capsys, corpus):
    assert main(["corpus"]) == 0
    out = capsys.readouterr().out
    for doc in corpus.documents:
        assert f"{doc.doc_id}  {doc.title}" in out
    assert "kind: annotated_agenda   letter: 2020-04-09   meeting: 2020-04-15" in out
    assert "kamerstuk: 28 676, nr. 339   ministers: A.Th.B. Bijleveld-Schouten" in out
    assert "      - Missies en operaties > Afghanistan  [" in out
    assert "letter: ?" in out  # an unknown value reads as "?", not "None"
    assert not out.lstrip().startswith("{")


MARKDOWN_LETTER = """\
# Verslag bijeenkomst NAVO-ministers van Defensie

Hierbij ontvangt u het verslag van de bijeenkomst van de NAVO-ministers van Defensie op 3 en 4 maart 2021.

## Missies en operaties

De ministers spraken over de missies van het bondgenootschap.

### Irak

De ministers spraken over de NAVO-missie in Irak. Nederland steunde de uitbreiding.

## Cyber

Bondgenoten benadrukten het belang van cyberveiligheid.
"""


def test_a_folder_with_one_markdown_letter(capsys, letter_dir):
    folder = letter_dir({"verslag.md": MARKDOWN_LETTER})
    [doc] = run_json(capsys, "--path", str(folder))["documents"]
    assert doc["doc_id"] == "verslag"
    assert doc["meeting_dates"] == ["2021-03-03", "2021-03-04"]
    assert doc["kind"] == "meeting_report"
    assert [s["heading"] for s in doc["sections"]] == [
        "Inleiding",
        "Missies en operaties",
        "Missies en operaties > Irak",
        "Cyber",
    ]
    assert not any("#" in s["text"] for s in doc["sections"])
    assert capsys.readouterr().err == ""


def test_markdown_letter_outline(capsys, letter_dir):
    folder = letter_dir({"verslag.md": MARKDOWN_LETTER})
    assert main(["corpus", "--path", str(folder)]) == 0
    assert "      - Missies en operaties > Irak  [" in capsys.readouterr().out
