"""Bad input: each bad file is named in a clear message, never a traceback, and never costs the good letters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from corpus import bundled_corpus_dir, load_corpus, parse_letter
from qa.cli import main

GOOD_ID = "001_42c0a636b663bd7b"
NO_HEADINGS = "Een korte notitie zonder koppen. Er staat alleen lopende tekst in.\nNog een zin op de volgende regel.\n"


def minimal_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF showing `lines` in Helvetica, built by hand (no PDF writer is installed)."""
    escaped = [ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for ln in lines]
    shown = "".join(f"({ln}) Tj T*\n" for ln in escaped)
    stream = f"BT /F1 11 Tf 14 TL 72 760 Td\n{shown}ET".encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PDF_LINES = [
    "Hierbij ontvangt u het verslag van de bijeenkomst van de NAVO-ministers van",
    "Defensie op 17 en 18 juni 2020.",
    "Irak",
    "De ministers spraken over de rol van de NAVO in Irak. Nederland steunt de missie.",
]

# name -> bytes of a file that cannot be a letter, and a phrase the message about it must contain
BAD_FILES = {
    "leeg.txt": (b"", "is empty"),
    "spaties.md": (b"  \n\n\t \n", "is empty"),
    "plaatje.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)), "binary"),
    "kapot.pdf": (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R", "not a readable PDF"),
    "geen-pdf.pdf": (b"this is not a PDF at all", "not a readable PDF"),
    "scan.pdf": (minimal_pdf([]), "without extractable text"),
    "leestekens.txt": (b"... --- ...\n\n-\n", "no readable sentences"),
}


def good_letter() -> bytes:
    return (bundled_corpus_dir() / f"{GOOD_ID}.txt").read_bytes()


def run_cli(capsys, folder: Path) -> tuple[int, str, str]:
    code = main(["corpus", "--path", str(folder)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_alone_is_a_clear_error(capsys, letter_dir, name):
    content, reason = BAD_FILES[name]
    folder = letter_dir({name: content})
    code, out, err = run_cli(capsys, folder)
    assert code != 0
    assert out == ""
    assert name in err and reason in err
    assert err.startswith("error: ")
    assert "Traceback" not in err


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_does_not_stop_a_good_letter(capsys, letter_dir, name):
    content, reason = BAD_FILES[name]
    folder = letter_dir({name: content, f"{GOOD_ID}.txt": good_letter()})
    code, out, err = run_cli(capsys, folder)
    assert code == 1  # a script must notice the skipped file ...
    assert f"{GOOD_ID}  Verslag NAVO-Ministers van Defensie, 22 en 23 oktober 2020" in out  # ... and still get the rest
    assert f"error: {folder / name}: " in err and reason in err
    assert "Traceback" not in err


def test_all_bad_files_together_beside_a_good_letter(letter_dir):
    files = {name: content for name, (content, _) in BAD_FILES.items()}
    folder = letter_dir({**files, f"{GOOD_ID}.txt": good_letter()})
    loaded = load_corpus(folder)
    assert [d.doc_id for d in loaded.documents] == [GOOD_ID]
    assert sorted(Path(p.path).name for p in loaded.problems) == sorted(BAD_FILES)
    assert all(p.skipped and Path(p.path).name in p.message for p in loaded.problems)


def test_a_cp1252_letter_parses_with_a_warning_naming_it(capsys, letter_dir):
    raw = (bundled_corpus_dir() / "000_c54184f091ec131b.txt").read_text(encoding="utf-8")
    folder = letter_dir({"oud.txt": raw.encode("cp1252")})
    code, _, err = run_cli(capsys, folder)
    assert code == 0
    assert err.strip() == f"warning: {folder / 'oud.txt'}: not UTF-8; read as Windows-1252 (cp1252)"
    [doc] = load_corpus(folder).documents
    assert doc.text == parse_letter(raw, "oud").text  # the accents came through: "Oekraïne", "coördineren"
    assert "Oekraïne" in doc.text and "“in together" in doc.text


def test_a_letter_without_headings_is_one_untitled_section(capsys, letter_dir):
    folder = letter_dir({"notitie.txt": NO_HEADINGS})
    [doc] = load_corpus(folder).documents
    [section] = doc.sections
    assert section.heading == ""
    assert section.text == " ".join(NO_HEADINGS.split())
    assert doc.passages and all(p.section_id == section.section_id for p in doc.passages)
    code, out, _ = run_cli(capsys, folder)
    assert code == 0 and "- (untitled)  [" in out


def test_a_small_real_pdf_is_parsed(capsys, letter_dir):
    folder = letter_dir({"brief.pdf": minimal_pdf(PDF_LINES)})
    code, _, err = run_cli(capsys, folder)
    assert (code, err) == (0, "")
    [doc] = load_corpus(folder).documents
    assert doc.doc_id == "brief"
    assert doc.meeting_dates[0].isoformat() == "2020-06-17"
    assert [s.heading for s in doc.sections] == ["Inleiding", "Irak"]
    assert "De ministers spraken over de rol van de NAVO in Irak." in doc.sections[1].text


def test_a_missing_folder(capsys, tmp_path):
    code, out, err = run_cli(capsys, tmp_path / "bestaat-niet")
    assert code != 0 and out == ""
    assert err == f"error: folder not found: {tmp_path / 'bestaat-niet'}\n"


def test_a_folder_without_letters(capsys, letter_dir):
    folder = letter_dir({"notities.docx": b"PK\x03\x04", "README": "geen brief"})
    code, out, err = run_cli(capsys, folder)
    assert code != 0 and out == ""
    assert err.startswith("error: no letters (.txt, .md, .pdf) in ") and str(folder) in err


def test_a_file_instead_of_a_folder(capsys, letter_dir):
    path = letter_dir({"brief.txt": NO_HEADINGS}) / "brief.txt"
    code, _, err = run_cli(capsys, path)
    assert code != 0 and err == f"error: not a folder: {path}\n"


def test_two_letters_with_the_same_id(capsys, letter_dir):
    folder = letter_dir({"brief.md": NO_HEADINGS, "brief.txt": NO_HEADINGS})
    code, out, err = run_cli(capsys, folder)
    assert code == 1 and out.count("brief  ") == 1
    assert "brief.txt: another letter already has the id 'brief'" in err


def test_the_installed_script_reports_without_a_traceback(tmp_path, letter_dir):
    folder = letter_dir({"leeg.txt": b"", "kapot.pdf": BAD_FILES["kapot.pdf"][0]})
    script = Path(sys.executable).with_name("qa")
    if not script.exists():
        pytest.skip("the qa console script is not installed")
    for path in (tmp_path / "bestaat-niet", folder):
        command = [str(script), "corpus", "--path", str(path)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 1
        assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    # pypdf's own log lines ("EOF marker not found") name no file: they must not reach the user
    assert all(line.startswith("error: ") for line in done.stderr.splitlines())


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "\n\n",
        "-",
        "1",
        "1 De voetnoot.",
        "# ",
        "####### te diep",
        "Nr. 5",
        "DE MINISTER VAN DEFENSIE",
        "Den Haag, 31 februari 2020",
        "Op 31 en 32 mei 2020.",
        "kst-1-2\nISSN 0921 - 7371",
        "a-\n",
        "\x00\x01",
        "«»",
    ],
)
def test_parse_letter_never_raises(raw):
    doc = parse_letter(raw, "x")
    for section in doc.sections:
        assert doc.text[section.start : section.end] == section.text
