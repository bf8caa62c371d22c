"""What kind of answer a question asks for, and whether a text holds one; the cues are in data/answer_kinds.json.

A question asking "how much money" is not answered by a sentence about the same fund that names no amount.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from qa.gazetteer import HOME, countries_in

KINDS_FILE = Path(__file__).resolve().parent / "data" / "answer_kinds.json"
NAME = re.compile(r"\b[A-Z][a-zëé]{2,}\b")


@cache
def _data() -> dict:
    data = json.loads(KINDS_FILE.read_text(encoding="utf-8"))
    fill = {"MONTHS": "|".join(data["months"]), "NUMBER_WORDS": "|".join(data["number_words"])}

    def compiled(patterns: list[str]) -> list[re.Pattern]:
        out = []
        for p in patterns:
            for key, value in fill.items():
                p = p.replace("{" + key + "}", value)
            out.append(re.compile(p, re.IGNORECASE))
        return out

    return {
        "order": data["order"],
        "yes_no": re.compile(data["yes_no"], re.IGNORECASE),
        "question": {k: compiled(v) for k, v in data["question"].items()},
        "answer": {k: compiled(v) for k, v in data["answer"].items() if v != ["@gazetteer"]},
        "strip": {k: compiled(v) for k, v in data.get("strip", {}).items()},
        "injection": re.compile(data["injection"], re.IGNORECASE),
        "outcome": re.compile(data["outcome"], re.IGNORECASE),
        "months": data["months"],
    }


def asked_kind(question: str) -> str | None:
    """The first kind in data order whose question cue matches; None for a yes/no or open question."""
    data = _data()
    if data["yes_no"].search(question):
        return None
    for kind in data["order"]:
        if any(p.search(question) for p in data["question"][kind]):
            return kind
    return None


def holds(text: str, kind: str | None, question: str = "") -> bool:
    """Whether text holds an answer of that kind that the question does not already give itself."""
    if kind is None:
        return True
    if kind == "country":
        return bool(countries_in(text) - countries_in(question) - {HOME})
    for number in set(re.findall(r"\d+", question)):  # "how many of the 74 projects": 74 is no answer
        text = re.sub(rf"(?<!\d){number}(?!\d)", " ", text)
    if kind == "person":  # "Wie volgde Stoltenberg op?" is not answered by Stoltenberg
        for name in set(NAME.findall(question[1:])):
            text = re.sub(rf"\b{name}\b", " ", text)
    for pattern in _data()["strip"].get(kind, ()):
        text = pattern.sub(" ", text)
    return any(p.search(text) for p in _data()["answer"][kind])


def asks_outcome(question: str) -> bool:
    """Whether the question asks what a meeting decided or agreed (which no mere list of papers tells)."""
    return bool(_data()["outcome"].search(question))


def is_injection(question: str) -> bool:
    return bool(_data()["injection"].search(question))
