"""Is a question Dutch or English? Function words decide; ties go to Dutch, the letters' language."""

from __future__ import annotations

import re

DUTCH = frozenset(
    """de het een en van op te voor met aan bij door over om tot uit naar als dat die dit deze er is zijn
    was waren wordt werd worden werden heeft hebben zal zullen wat wie welke welk waar wanneer waarom
    hoe hoeveel niet ook nog wel al zij ze wij hun zich volgens tijdens welk besproken nederland kamer""".split()
)
ENGLISH = frozenset(
    """the a an and of on to for with by from about as that which who what when where why how many much is
    are was were be been has have had will would did does do not this these those it its their there
    they he she his her we our you your according during discussed netherlands dutch""".split()
)
WORD = re.compile(r"[a-zA-Z']+")


def detect_language(text: str) -> str:
    words = [w.lower() for w in WORD.findall(text)]
    # The opening word (Wat/Hoeveel vs What/How) outweighs English names quoted in a Dutch question.
    weights = [3] + [1] * (len(words) - 1)
    dutch = sum(wt for w, wt in zip(words, weights, strict=True) if w in DUTCH)
    english = sum(wt for w, wt in zip(words, weights, strict=True) if w in ENGLISH)
    return "en" if english > dutch else "nl"
