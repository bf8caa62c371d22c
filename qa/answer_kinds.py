"""What kind of answer a question asks for, and whether a text holds one; the cues are in data/answer_kinds.json.

A question asking "how much money" is not answered by a sentence about the same fund that names no amount.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from embeddings.lexical import tokenize
from qa.gazetteer import HOME, countries_in

KINDS_FILE = Path(__file__).resolve().parent / "data" / "answer_kinds.json"
NAMES_FILE = Path(__file__).resolve().parent / "data" / "given_names.json"
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
        "answer": {k: compiled([p for p in v if not p.startswith("@")]) for k, v in data["answer"].items()},
        "named": {k: {p for p in v if p.startswith("@")} for k, v in data["answer"].items()},  # "@given_name"
        "strip": {k: compiled(v) for k, v in data.get("strip", {}).items()},
        "injection": re.compile(data["injection"], re.IGNORECASE),
        "outcome": re.compile(data["outcome"], re.IGNORECASE),
        "procedure": re.compile(data["procedure"], re.IGNORECASE),
        "months": data["months"],
        "number_words": data["number_words"],
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
    if any(p.search(text) for p in _data()["answer"][kind]):
        return True
    return "@given_name" in _data()["named"][kind] and names_a_person(text)


FULL_NAME = re.compile(r"\b([A-Z][a-zà-ž'’-]+)\s+(?:(?:van|de|der|den|ten|ter|von|da|di|du|le|la)\s+)*[A-Z][\w'’-]+")
# a surname that starts with its particle ("Van Toor", "De Roon"), not at the start of a sentence ("De Nederlandse")
PARTICLE_SURNAME = re.compile(r"(?<=[a-z,:(] )(?:Van|De|Den|Der|Ten|Ter|Te)(?: (?:der|den|de))? [A-Z][a-zà-ž'’-]+")


def names_a_person(text: str) -> bool:
    """Whether the text names who: a full name (a given name and a capitalized word after it: "Jens Stoltenberg",
    "Herman van Rompuy"), a surname with its particle, or a body ("de Noord Atlantische Raad", "the Nuclear Planning
    Group"). "Koude Oorlog" and "Middellandse Zee" are capitalized pairs too, but name no one."""
    if any(m.group(1) in given_names() for m in FULL_NAME.finditer(text)) or PARTICLE_SURNAME.search(text):
        return True
    return any(m.group(1) in bodies() for m in BODY.finditer(text))


BODY = re.compile(r"\b[A-Z][\w-]+(?: (?:[a-z]{1,3} )?[A-Z][\w-]+)* ([A-Z][a-z]+)\b")


@cache
def given_names() -> frozenset[str]:
    return frozenset(json.loads(NAMES_FILE.read_text(encoding="utf-8"))["names"])


@cache
def bodies() -> frozenset[str]:
    return frozenset(json.loads(NAMES_FILE.read_text(encoding="utf-8"))["bodies"])


COUNT_CUE = re.compile(r"\b(?:hoeveel|hoe veel|how many|welk aantal|what number of)\s+([^?.,;:]*)", re.IGNORECASE)
COUNT_STOPS = {"van", "of", "de", "het", "the", "keer", "times", "procent", "percent", "geld", "money"}
ADJECTIVE = re.compile(r"^[a-zà-ž-]+e$|^[A-Z][a-zà-ž]+(?:se|sche)$")  # "nieuwe", "Nederlandse": the noun follows


def counted_noun(question: str, language: str = "nl") -> str | None:
    """What a count question counts: "Uit hoeveel landen ..." -> "landen", "Hoeveel Nederlandse militairen" ->
    "militairen", "How many Dutch troops" -> "troops"; None where a preposition or nothing follows the cue."""
    m = COUNT_CUE.search(question)
    words = m.group(1).split()[:3] if m else []
    for i, word in enumerate(words):
        followed = i + 1 < len(words) and words[i + 1][:1].islower()
        english_adjective = language == "en" and followed and re.fullmatch(r"[A-Z][a-z]+", word)
        # "Dutch troops"; in Dutch a noun may be capitalized too ("Kamerleden")
        if not (ADJECTIVE.match(word) or english_adjective):
            return None if word.lower() in COUNT_STOPS else word
    return None


def counts(text: str, stems: frozenset[str]) -> bool:
    """Whether a number in the text counts the noun (its stems, as embeddings.lexical.tokenize gives them): "29
    landen", "tien Kamerleden", "270 Nederlandse militairen"."""
    for m in _number_and_words().finditer(text):
        if any(t in stems or any(t.startswith(s) for s in stems if len(s) >= 4) for t in tokenize(m.group(1))):
            return True
    return False


@cache
def _number_and_words() -> re.Pattern:
    """A number (digits or a number word) and the one to three words after it."""
    number = rf"(?:\d[\d.,]*|{'|'.join(_data()['number_words'])})"
    return re.compile(rf"\b{number}((?:\s+[\w'’-]+){{1,3}})", re.IGNORECASE)


def asks_outcome(question: str) -> bool:
    """Whether the question asks what a meeting decided or agreed (which no mere list of papers tells)."""
    return bool(_data()["outcome"].search(question))


def asks_procedure(question: str) -> bool:
    """Whether the question asks about the papers' own course: questions submitted, a letter requested or sent."""
    return bool(_data()["procedure"].search(question))


def is_injection(question: str) -> bool:
    return bool(_data()["injection"].search(question))
