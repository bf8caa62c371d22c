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
from qa.features import ANSWER_FEATURES, PASSAGE_FEATURES, SENTENCE_FEATURES
from qa.weights import WEIGHTS_FILE, LinearModel

USERDEV_FILES = [Path(__file__).resolve().parent / name for name in ("userdev.jsonl", "userdev_more.jsonl")]
RERANK_DEPTH = 30
READ_K = 8
OFFTOPIC_QUANTILE = 0.005  # the off-topic floors refuse at most this share of the right drafts
FALSE_REFUSAL_TARGET = 0.04  # the answer floor refuses at most this share of the training set's right drafts


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


def retrieve_all(assistant, questions) -> list:
    from qa.analyse import analyse

    return [assistant.retriever.retrieve(analyse(q.question), depth=RERANK_DEPTH) for q in questions]


def passage_rows(assistant, questions, retrieved) -> tuple[np.ndarray, np.ndarray]:
    from qa.rerank import passage_arrays

    rows, labels = [], []
    for q, r in zip(questions, retrieved, strict=True):
        if q.answerable:
            spans = evidence_spans(assistant.corpus, q)
            rows.append(passage_arrays(r, assistant.index))
            labels += [
                is_relevant(q, p.doc_id, p.passage.start, p.passage.end, p.passage.text, spans) for p in r.passages
            ]
    return np.vstack(rows), np.array(labels, dtype=float)


def sentence_rows(assistant, questions, retrieved, rerank: LinearModel) -> tuple[np.ndarray, np.ndarray]:
    from qa.read import candidates
    from qa.rerank import FeatureReranker

    rows, labels = [], []
    for q, r in zip(questions, retrieved, strict=True):
        if not q.answerable:
            continue
        spans = evidence_spans(assistant.corpus, q)
        found = candidates(r, FeatureReranker(rerank).rerank(r, assistant.index)[:READ_K], assistant.index)
        rows += [c.features for c in found]
        labels += [sentence_label(q, assistant.index.sentences[c.index], spans) for c in found]
    return np.array(rows), np.array(labels, dtype=float)


def answer_rows(assistant, questions, retrieved, rerank: LinearModel, reader: LinearModel):
    """Per question, the extractive draft's evidence; label: the draft quotes the answer."""
    from qa.read import ExtractiveReader
    from qa.rerank import FeatureReranker

    rows, labels, answerable, english = [], [], [], []
    for q, r in zip(questions, retrieved, strict=True):
        draft = ExtractiveReader(reader).read(
            r, FeatureReranker(rerank).rerank(r, assistant.index)[:READ_K], assistant.index
        )
        if not draft.evidence:
            continue
        spans = evidence_spans(assistant.corpus, q)
        right = q.answerable and any(
            sentence_label(q, s, spans)
            for quote in draft.quotes
            for s in assistant.index.sentences
            if s.doc_id == quote.doc_id and quote.start <= s.start < quote.end
        )
        rows.append(draft.evidence)
        labels.append(float(right))
        answerable.append(q.answerable)
        english.append(q.language == "en")
    return np.array(rows), np.array(labels), np.array(answerable), np.array(english)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.fit", description=__doc__.splitlines()[0])
    parser.add_argument("--index", metavar="DIR", help="index root (default: $QA_INDEX_DIR or the user data folder)")
    parser.add_argument("--out", default=str(WEIGHTS_FILE), help="where to write the weights")
    parser.add_argument(
        "--letters", action="append", default=[], metavar="DIR",
        help="letters searched beside the bundled five (repeatable): distractors from other years and kinds, which "
        "teach the time and kind features; evals/userdev*.jsonl, written on ../shared/letters-dev, are fitted on too",
    )  # fmt: skip
    args = parser.parse_args(argv)
    from corpus import bundled_corpus_dir
    from qa.assistant import Assistant

    started = time.perf_counter()
    files = [QUESTIONS_FILE, *HELDOUT_SETS.values(), *(USERDEV_FILES if args.letters else [])]
    questions = [q for f in files for q in load_questions(f, args.letters)]
    folders = [bundled_corpus_dir(), *args.letters] if args.letters else None
    assistant = Assistant.load(index_dir=args.index, corpus_dir=folders, progress=False)
    print(f"{len(questions)} questions; retrieving", file=sys.stderr)
    retrieved = retrieve_all(assistant, questions)
    rerank = fit_logistic(*passage_rows(assistant, questions, retrieved), PASSAGE_FEATURES)
    print("fitting the reader", file=sys.stderr)
    reader = fit_logistic(*sentence_rows(assistant, questions, retrieved, rerank), SENTENCE_FEATURES)
    print("fitting answerability", file=sys.stderr)
    rows, right, answerable, english = answer_rows(assistant, questions, retrieved, rerank, reader)
    # Off topic: below the closest sentence of nearly every answered question, by e5 and by USE, per language
    dense, xl = ANSWER_FEATURES.index("dense"), ANSWER_FEATURES.index("crosslingual")
    offtopic = {
        language: [
            float(np.quantile(rows[(right == 1) & (english == is_en)][:, col], OFFTOPIC_QUANTILE))
            for col in (dense, xl)
        ]
        for language, is_en in (("nl", False), ("en", True))
    }
    answerability = fit_logistic(rows, right, ANSWER_FEATURES)
    belief = answerability.probability(rows)
    # the floor refuses at most FALSE_REFUSAL_TARGET of the drafts that quote the answer
    floor = float(np.quantile(belief[right == 1], FALSE_REFUSAL_TARGET))
    refused = float(np.mean(belief[~answerable] < floor)) if (~answerable).any() else 0.0
    payload = {
        "fitted_on": [p.name for p in files],
        "letters": [Path(f).name for f in args.letters],
        "questions": len(questions),
        "encoder": assistant.encoder.name,
        "rerank": rerank.to_dict(),
        "reader": reader.to_dict(),
        "answerable": answerability.to_dict(),
        "answer_floor": round(floor, 6),
        "offtopic_floors": {k: [round(v, 6) for v in vs] for k, vs in offtopic.items()},
        "training_unanswerable_refused": round(float(refused), 4),
    }
    out = Path(args.out)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    tmp.replace(out)  # atomic: a reader never sees half a file
    for name, model in (("rerank", rerank), ("reader", reader), ("answerable", answerability)):
        print(f"{name}: " + ", ".join(f"{f} {w:+.2f}" for f, w in zip(model.features, model.weights, strict=True)))
    print(f"answer floor {floor:.3f}: refuses {refused:.0%} of the training set's unanswerable questions")
    print(f"off-topic floors (e5, USE): {offtopic}")
    print(f"wrote {out} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
