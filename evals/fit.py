"""Fit the reranker's and the reader's feature weights on the bundled question sets: `python -m evals.fit`.

Writes qa/data/weights.json. The letters-dev set and the user sets are never fitted on: they check the fit.
Logistic regression (L2, Newton's method) on standardised features; labels from each question's evidence.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from evals.dataset import HELDOUT_SETS, QUESTIONS_FILE, contains_answer, evidence_spans, is_relevant, load_questions
from qa.features import PASSAGE_FEATURES, SENTENCE_FEATURES
from qa.weights import WEIGHTS_FILE, LinearModel

RERANK_DEPTH = 30
READ_K = 8
FALSE_REFUSAL_TARGET = 0.03  # the answer floor refuses at most this share of the training set's answerable questions


def fit_logistic(x: np.ndarray, y: np.ndarray, features: tuple[str, ...], l2: float = 1.0) -> LinearModel:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return LinearModel(features, w[:-1], float(w[-1]), mean, scale)


def sentence_label(question, sentence, spans) -> bool:
    if sentence.doc_id not in question.doc_ids:
        return False
    span = spans.get(sentence.doc_id)
    if span and min(sentence.end, span[1]) - max(sentence.start, span[0]) >= 0.5 * (sentence.end - sentence.start):
        return True
    return contains_answer(sentence.text, question.answers)


def collect(assistant, questions, rerank_model: LinearModel | None):
    """Passage rows and labels; with a rerank model, also sentence rows and labels of its top READ_K."""
    from qa.analyse import analyse
    from qa.read import candidates
    from qa.rerank import FeatureReranker, passage_arrays

    px, py, sx, sy, best = [], [], [], [], []
    for q in questions:
        spans = evidence_spans(assistant.corpus, q)
        retrieved = assistant.retriever.retrieve(analyse(q.question), depth=RERANK_DEPTH)
        if q.answerable:
            px.append(passage_arrays(retrieved, assistant.index))
            py += [is_relevant(q, p.doc_id, p.passage.start, p.passage.end, p.passage.text, spans) for p in retrieved.passages]
        if rerank_model is None:
            continue
        ranked = FeatureReranker(rerank_model).rerank(retrieved, assistant.index)[:READ_K]
        found = candidates(retrieved, ranked, assistant.index)
        rows = np.array([c.features for c in found]) if found else np.zeros((0, len(SENTENCE_FEATURES)))
        labels = [q.answerable and sentence_label(q, assistant.index.sentences[c.index], spans) for c in found]
        if q.answerable:
            sx.append(rows)
            sy += labels
        best.append((q.answerable, rows))
    return px, py, sx, sy, best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.fit", description=__doc__.splitlines()[0])
    parser.add_argument("--index", metavar="DIR", help="index root (default: $QA_INDEX_DIR or the user data folder)")
    parser.add_argument("--out", default=str(WEIGHTS_FILE), help="where to write the weights")
    args = parser.parse_args(argv)
    from qa.assistant import Assistant

    started = time.perf_counter()
    questions = [q for f in (QUESTIONS_FILE, *HELDOUT_SETS.values()) for q in load_questions(f)]
    assistant = Assistant.load(index_dir=args.index, progress=False)
    print(f"{len(questions)} questions; collecting passage features", file=sys.stderr)
    px, py, _, _, _ = collect(assistant, questions, None)
    rerank = fit_logistic(np.vstack(px), np.array(py, dtype=float), PASSAGE_FEATURES)
    print("collecting sentence features", file=sys.stderr)
    _, _, sx, sy, best = collect(assistant, questions, rerank)
    reader = fit_logistic(np.vstack(sx), np.array(sy, dtype=float), SENTENCE_FEATURES)
    confidence = [(answerable, float(reader.probability(rows).max()) if len(rows) else 0.0) for answerable, rows in best]
    answerable = sorted(c for a, c in confidence if a)
    floor = float(np.quantile(answerable, FALSE_REFUSAL_TARGET)) if answerable else 0.0
    refused = np.mean([c < floor for a, c in confidence if not a]) if any(not a for a, _ in confidence) else 0.0
    payload = {
        "fitted_on": [QUESTIONS_FILE.name, *(p.name for p in HELDOUT_SETS.values())],
        "questions": len(questions),
        "rerank": rerank.to_dict(),
        "reader": reader.to_dict(),
        "answer_floor": round(floor, 6),
        "training_unanswerable_refused": round(float(refused), 4),
    }
    out = Path(args.out)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    tmp.replace(out)  # atomic: a reader never sees half a file
    for name, model in (("rerank", rerank), ("reader", reader)):
        print(f"{name}: " + ", ".join(f"{f} {w:+.2f}" for f, w in zip(model.features, model.weights, strict=True)))
    print(f"answer floor {floor:.3f}: refuses {refused:.0%} of the training set's unanswerable questions")
    print(f"wrote {out} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
