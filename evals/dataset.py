"""The evaluation questions, and what counts as finding their evidence."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus import Corpus

QUESTIONS_FILE = Path(__file__).resolve().parent / "questions.jsonl"
HELDOUT_FILE = Path(__file__).resolve().parent / "heldout.jsonl"
# The held-out sets in the order they were written, each first measured on the system as it stood (README,
# "Measured"). heldout2-16 were written from the letters alone by a helper who never ran the system. heldout2-14
# were then used to develop changes (heldout4 and heldout5 in session 5, heldout6 in session 6, heldout7 and
# heldout8 in session 7, heldout9, heldout10, heldout13 and heldout14 in session 8, heldout11 and heldout12 in
# session 9, each after its blind measurements). heldout11-16 ask in a user's own words rather than the letters';
# heldout15 and heldout16 were measured blind at the start and the end of session 9 only.
HELDOUT_SETS = {
    name: Path(__file__).resolve().parent / f"{name}.jsonl"
    for name in ("heldout", *(f"heldout{n}" for n in range(2, 19)))
}
REQUIRED = ("id", "question", "language", "answers", "doc_ids", "evidence", "category")


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    language: str
    answers: tuple[str, ...]
    doc_ids: tuple[str, ...]
    evidence: str
    category: str

    @property
    def answerable(self) -> bool:
        return bool(self.doc_ids)


def _row(row: dict, letters: Sequence[Path]) -> dict:
    """A question line in either format: ours, or letters-dev's ("q", "docs" as file names, "evidence"). An
    evidence given as a character span of the letter's file is read from that file in `letters`."""
    if "q" in row and "question" not in row:
        row = {
            "id": row["id"], "question": row["q"], "language": row["language"], "answers": row["answers"],
            "doc_ids": [Path(d).stem for d in row["docs"]], "evidence": row.get("evidence", ""),
            "category": row.get("category") or ("fact" if row["docs"] else "unanswerable"),
        }  # fmt: skip
    span = row.get("evidence_span")
    if not row.get("evidence") and span and row.get("doc_ids"):
        for folder in letters:
            path = next((p for p in Path(folder).glob(f"{row['doc_ids'][0]}.*")), None)
            if path is not None:
                row = {**row, "evidence": path.read_text(encoding="utf-8")[span[0] : span[1]]}
                break
    return row


def load_questions(path: str | Path | None = None, letters: Sequence[str | Path] = ()) -> list[EvalQuestion]:
    path = Path(path) if path else QUESTIONS_FILE
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = _row(json.loads(line), [Path(f) for f in letters])
            missing = [k for k in REQUIRED if k not in row]
            if missing:
                raise ValueError(f"missing {', '.join(missing)}")
        except ValueError as exc:
            from corpus.errors import QAError

            raise QAError(f"{path}:{n}: not a valid question line ({exc})") from exc
        out.append(
            EvalQuestion(
                row["id"],
                row["question"],
                row["language"],
                tuple(row["answers"]),
                tuple(row["doc_ids"]),
                row["evidence"],
                row["category"],
            )
        )
    return out


def normalize(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).lower()


def _normalized_with_map(text: str) -> tuple[str, list[int]]:
    """Whitespace-collapsed lowercase text, and for each of its characters the offset in text."""
    chars, offsets = [], []
    previous_space = True
    for i, c in enumerate(text):
        if c.isspace():
            if not previous_space:
                chars.append(" ")
                offsets.append(i)
            previous_space = True
        else:
            chars.append(c.lower())
            offsets.append(i)
            previous_space = False
    return "".join(chars), offsets


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of quote in text, tolerant to whitespace and case; None if absent."""
    norm, offsets = _normalized_with_map(text)
    needle = normalize(quote)
    at = norm.find(needle) if needle else -1
    if at < 0:
        return None
    return offsets[at], offsets[at + len(needle) - 1] + 1


def evidence_spans(corpus: Corpus, question: EvalQuestion) -> dict[str, tuple[int, int]]:
    if not question.doc_ids or not question.evidence:
        return {}
    try:
        doc = corpus.get(question.doc_ids[0])
    except KeyError:
        return {}
    span = locate(doc.text, question.evidence)
    return {doc.doc_id: span} if span else {}


def contains_answer(text: str, answers: tuple[str, ...]) -> bool:
    norm = normalize(re.sub(r"[«»“”\"]", "", text))
    return any(normalize(re.sub(r"[«»“”\"]", "", a)) in norm for a in answers if a.strip())


def is_relevant(
    question: EvalQuestion, doc_id: str, start: int, end: int, text: str, spans: dict[str, tuple[int, int]]
) -> bool:
    """Evidence found: the passage holds most of the evidence quote, or (in a right letter) an accepted answer."""
    if doc_id not in question.doc_ids:
        return False
    span = spans.get(doc_id)
    if span:
        overlap = min(end, span[1]) - max(start, span[0])
        if overlap >= 0.5 * (span[1] - span[0]):
            return True
    return contains_answer(text, question.answers)
