"""Bad input raises the right QAError with a message a user can act on; the CLI turns it into exit 2 + `error:`."""

from __future__ import annotations

import json

import pytest

from embeddings.encoders import load_encoder
from qa.analyse import MAX_QUESTION_CHARS, validate_question
from qa.cli import main
from qa.errors import EncoderError, QAError, QuestionError
from qa.retrieve import MAX_K, validate_k

REVOLVING = "Hoeveel draagt Nederland bij aan het Revolving Fund?"

BAD_QUESTIONS = [
    pytest.param("", "empty", id="empty"),
    pytest.param("   \n\t ", "empty", id="whitespace"),
    pytest.param("Irak" * 5000, "too long (20,000 characters; at most 2,000)", id="20000-chars"),
    pytest.param("?!… ¿¡ 🙂🚀 —", "no words", id="punctuation-emoji"),
    pytest.param(None, "empty", id="none"),
]
BAD_K = [
    pytest.param(0, id="zero"),
    pytest.param(-1, id="negative"),
    pytest.param("3", id="string"),
    pytest.param(2.0, id="float"),
    pytest.param(True, id="bool"),
    pytest.param(MAX_K + 1, id="too-many"),
]


@pytest.mark.parametrize(("question", "says"), BAD_QUESTIONS)
def test_validate_question(question, says):
    with pytest.raises(QuestionError, match=None) as info:
        validate_question(question)
    assert says in str(info.value)


def test_validate_question_accepts_and_normalizes():
    assert validate_question("  Wat   besloten\nde ministers? ") == "Wat besloten de ministers?"
    assert validate_question("x" * MAX_QUESTION_CHARS) == "x" * MAX_QUESTION_CHARS
    assert validate_question("2%?") == "2%?"  # a number is a word


@pytest.mark.parametrize("k", BAD_K)
def test_validate_k(k):
    with pytest.raises(QuestionError) as info:
        validate_k(k)
    assert f"k must be a whole number from 1 to {MAX_K}, not {k!r}" == str(info.value)


@pytest.mark.parametrize("call", ["search", "ask"])
@pytest.mark.parametrize(("question", "says"), BAD_QUESTIONS)
def test_assistant_rejects_bad_questions(fake_assistant, call, question, says):
    with pytest.raises(QuestionError) as info:
        getattr(fake_assistant, call)(question)
    assert says in str(info.value)


@pytest.mark.parametrize("call", ["search", "ask"])
@pytest.mark.parametrize("k", BAD_K)
def test_assistant_rejects_bad_k(fake_assistant, call, k):
    with pytest.raises(QuestionError, match="k must be a whole number"):
        getattr(fake_assistant, call)(REVOLVING, k=k)


@pytest.mark.parametrize("call", ["search", "ask"])
def test_assistant_rejects_unknown_doc_ids(fake_assistant, call):
    with pytest.raises(QuestionError) as info:
        getattr(fake_assistant, call)(REVOLVING, doc_ids=["000_c54184f091ec131b", "999_nope"])
    message = str(info.value)
    assert "unknown document id(s): 999_nope" in message
    assert "000_c54184f091ec131b" in message.split("known:", 1)[1]  # says which ids exist


def test_unknown_retrieval_method(fake_assistant):
    with pytest.raises(QuestionError, match="unknown retrieval method 'semantic'; use one of hybrid, dense, bm25"):
        fake_assistant.search(REVOLVING, method="semantic")


def test_unknown_encoder_name():
    with pytest.raises(EncoderError) as info:
        load_encoder("gpt-embeddings-9000")
    message = str(info.value)
    assert "unknown encoder 'gpt-embeddings-9000'" in message
    assert "multilingual-e5-small" in message and "all-MiniLM-L6-v2" in message
    assert info.value.exit_code == 2


def test_assistant_load_with_unknown_encoder(tmp_path):
    from qa.assistant import Assistant

    with pytest.raises(EncoderError, match="unknown encoder 'nope'"):
        Assistant.load(index_dir=tmp_path, encoder="nope", progress=False)
    assert not any(tmp_path.rglob("manifest.json"))  # nothing was built


def test_unknown_document_lookup(fake_assistant):
    from qa.errors import IndexError_

    with pytest.raises(IndexError_, match="unknown document id '999'"):
        fake_assistant.document("999")


def test_every_user_error_is_a_qaerror():
    for cls in (QuestionError, EncoderError):
        assert issubclass(cls, QAError)


# --- the CLI, with the fake encoder standing in for the default one (no model, fast) ---------------------


@pytest.fixture(scope="module")
def cli_index_root(tmp_path_factory):
    return tmp_path_factory.mktemp("cli-index")


@pytest.fixture
def cli(cli_index_root, monkeypatch, capsys, make_hashing_encoder):
    """Run `qa ...` in-process against a tmp index built with the fake encoder under the default's name."""
    import qa.assistant

    real_load_encoder = qa.assistant.load_encoder

    def fake_load_encoder(name=None):
        if name in (None, "multilingual-e5-small"):
            return make_hashing_encoder(name="multilingual-e5-small")
        return real_load_encoder(name)

    monkeypatch.setattr(qa.assistant, "load_encoder", fake_load_encoder)
    monkeypatch.setenv("QA_INDEX_DIR", str(cli_index_root))

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse rejects malformed options itself
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _assert_usage_error(code, err, says):
    assert code == 2
    assert err.startswith("error:") or "error:" in err.splitlines()[-1]
    assert says in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["search", "ask"])
@pytest.mark.parametrize(("question", "says"), [p for p in BAD_QUESTIONS if p.values[0] is not None])
def test_cli_bad_question_exits_2(cli, command, question, says):
    code, out, err = cli(command, question)
    if command == "ask" and question == "" and "give a question" in err:
        says = "give a question or --batch FILE"  # today `qa ask ""` counts as no question at all
    _assert_usage_error(code, err, says)
    assert out == ""


@pytest.mark.parametrize(
    ("k", "says"),
    [("0", "must be at least 1, not 0"), ("-1", "must be at least 1, not -1"), ("three", "not a whole number")],
)
@pytest.mark.parametrize("command", ["search", "ask"])
def test_cli_bad_k_exits_2(cli, command, k, says):
    code, _out, err = cli(command, REVOLVING, "--k", k)
    _assert_usage_error(code, err, says)


@pytest.mark.parametrize("command", ["search", "ask"])
def test_cli_unknown_doc_id_exits_2(cli, command):
    code, _out, err = cli(command, REVOLVING, "--doc", "999_nope")
    _assert_usage_error(code, err, "unknown document id(s): 999_nope")


@pytest.mark.parametrize("command", ["search", "ask", "index"])
def test_cli_unknown_encoder_exits_2(cli, command):
    argv = [command, REVOLVING] if command != "index" else [command]
    code, _out, err = cli(*argv, "--encoder", "nope")
    _assert_usage_error(code, err, "unknown encoder 'nope'")


def test_cli_bad_date_exits_2(cli):
    code, _out, err = cli("search", REVOLVING, "--since", "gisteren")
    _assert_usage_error(code, err, "not a date (YYYY-MM-DD)")


def test_cli_question_and_batch_together_exit_2(cli, tmp_path):
    batch = tmp_path / "q.txt"
    batch.write_text(REVOLVING + "\n", encoding="utf-8")
    _assert_usage_error(*cli("ask", REVOLVING, "--batch", str(batch))[::2], "not both")
    _assert_usage_error(*cli("ask")[::2], "give a question or --batch FILE")


def test_cli_empty_batch_file_exits_2(cli, tmp_path):
    batch = tmp_path / "empty.txt"
    batch.write_text("\n   \n\n", encoding="utf-8")
    _assert_usage_error(*cli("ask", "--batch", str(batch))[::2], "holds no questions")


def test_cli_missing_or_binary_batch_file_exits_2(cli, tmp_path):
    _assert_usage_error(*cli("ask", "--batch", str(tmp_path / "absent.txt"))[::2], "cannot read")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    _assert_usage_error(*cli("ask", "--batch", str(binary))[::2], "cannot read")


def test_cli_batch_keeps_going_past_a_bad_line(cli, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_text(f"\n{REVOLVING}\n\n???\n   \nWat besloten de ministers over Irak?\n\n", encoding="utf-8")
    code, out, _err = cli("ask", "--batch", str(batch))
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["question"] for line in lines] == [REVOLVING, "???", "Wat besloten de ministers over Irak?"]
    assert "error" in lines[1] and "no words" in lines[1]["error"]
    assert "error" not in lines[0] and "answer" in lines[0] and "error" not in lines[2]


def test_cli_batch_of_only_bad_lines_exits_1(cli, tmp_path):
    batch = tmp_path / "bad.txt"
    batch.write_text("???\n!!!\n", encoding="utf-8")
    code, out, _err = cli("ask", "--batch", str(batch))
    assert code == 1
    assert len(out.splitlines()) == 2


def test_cli_damaged_index_says_how_to_rebuild(cli, cli_index_root):
    code, _, _ = cli("search", REVOLVING, "--json")  # builds (or finds) the index
    assert code == 0
    manifest = next(cli_index_root.rglob("manifest.json"))
    saved = manifest.read_bytes()
    try:
        manifest.write_text("{broken", encoding="utf-8")
        code, _out, err = cli("search", REVOLVING)
        assert code == 1
        assert err.startswith("error:") and "qa index --rebuild" in err and "Traceback" not in err
    finally:
        manifest.write_bytes(saved)


def test_cli_search_json_shape_with_fake_encoder(cli):
    code, out, _err = cli("search", "Revolving Fund", "--json", "--k", "3")
    assert code == 0
    payload = json.loads(out)
    assert payload["query"] == "Revolving Fund"
    assert [r["rank"] for r in payload["results"]] == [1, 2, 3]
    for r in payload["results"]:
        assert {"rank", "doc_id", "passage_id", "heading", "text", "start", "end", "score"} <= set(r)
