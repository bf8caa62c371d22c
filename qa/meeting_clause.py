"""Questions that name their meeting by something else that happened there.

"At the defence ministerial where the Secretary General spoke about his visit to Volkel, what did ministers agree
on Iraq?" asks about Iraq; the Volkel clause only says which letter to read. Searched whole, the Volkel passage
outranks the answer. So the clause picks the letter, and the rest of the question is what is searched for in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_EVENT_EN = r"(?:ministerials?|meetings?|video ?conferences?|summits?|sessions?|conferences?|gatherings?)"
_EVENT_NL = (
    r"(?:[\w-]*bijeenkomst(?:en)?|[\w-]*ministeri[eë]len?|[\w-]*vergadering(?:en)?|videoconferenties?|[\w-]*top"
    r"|sessies?|[\w-]*overleg|[\w-]*beraad)"
)
_WHERE_EN = r"(?:where|at which|in which|during which|on which|after which|before which|that|when)"
_WHERE_NL = r"(?:waar|waarop|waarin|waarbij|waartijdens|waaraan|waarna|waarvoor|waarover|die|dat|toen)"
_LEAD_IN = r"(?:[\w ]{0,30}?\b)?"  # "A few days before the ..."
_WORDS = r"(?:[\w'-]+ ){0,5}?"  # "NATO defence", "eerste"
_AT_EN = r"(?:at|during|in|on|before|after|from) the"
_AT_NL = r"(?:tijdens|op|bij|in|na|voor|vóór) (?:de|het)"
# "At the ministerial where X, Y?", "Tijdens de bijeenkomst waar X: Y?" and "Y, en marge van de bijeenkomst waarin X?"
# ... and, before a colon, any clause after the meeting ("Op de eerste ministeriële met Noord-Macedonië als
# bondgenoot: ...").
LEADING = re.compile(
    rf"^{_LEAD_IN}{_AT_EN} {_WORDS}{_EVENT_EN} {_WHERE_EN} (?P<en>[^,:?]{{8,}})[,:]"
    rf"|^{_LEAD_IN}{_AT_NL} {_WORDS}{_EVENT_NL} {_WHERE_NL} (?P<nl>[^,:?]{{8,}})[,:]"
    rf"|^{_LEAD_IN}{_AT_EN} {_WORDS}{_EVENT_EN} (?P<en_colon>[^,:?]{{8,}}):"
    rf"|^{_LEAD_IN}{_AT_NL} {_WORDS}{_EVENT_NL} (?P<nl_colon>[^,:?]{{8,}}):",
    re.I,
)
TRAILING = re.compile(
    rf",? (?:at|during|in|on) the {_WORDS}{_EVENT_EN} {_WHERE_EN} (?P<en>[^?]{{8,}})\??$"
    rf"|,? (?:tijdens|op|bij|in|van) (?:de|het) {_WORDS}{_EVENT_NL} {_WHERE_NL} (?P<nl>[^?]{{8,}})\??$",
    re.I,
)
MIN_MAIN_CHARS = 8


@dataclass(frozen=True)
class MeetingClause:
    identifier: str  # what happened at the meeting: picks the letter
    main: str  # what the question asks about it


def split_meeting_clause(question: str) -> MeetingClause | None:
    """The clause naming the meeting and the rest of the question, where the question has such a clause."""
    question = question.strip()
    if match := LEADING.match(question):
        main = question[match.end() :].strip()
    elif match := TRAILING.search(question):
        main = question[: match.start()].strip() + "?"
    else:
        return None
    groups = match.groupdict()
    identifier = next(value for value in groups.values() if value).strip()
    return MeetingClause(identifier, main) if len(main) > MIN_MAIN_CHARS else None


def letter_bonus(identifier_scores: np.ndarray, doc_index: np.ndarray) -> np.ndarray:
    """Per passage, in [0, 1]: how well its letter matches the clause naming the meeting (its best passage's
    score, min-max scaled over the letters). Soft, so that a letter nearly as good is not shut out."""
    best = np.full(int(doc_index.max()) + 1, -np.inf) if len(doc_index) else np.zeros(0)
    np.maximum.at(best, doc_index, identifier_scores)
    present = best[np.isfinite(best)]
    lo, hi = (float(present.min()), float(present.max())) if len(present) else (0.0, 0.0)
    scaled = (best - lo) / (hi - lo) if hi > lo else np.zeros_like(best)
    return scaled[doc_index] if len(doc_index) else np.zeros(0)


def doc_indices(doc_ids: Sequence[str]) -> np.ndarray:
    """Each passage's letter as a small integer."""
    numbers: dict[str, int] = {}
    return np.array([numbers.setdefault(d, len(numbers)) for d in doc_ids], dtype=np.int64)
