"""English words of the NATO and parliamentary domain, with the Dutch words the letters use for them.

The encoder's nearest Dutch words (embeddings/crosslingual.py) miss the domain's own terms: "summit" lands on
"commitment", "allies" on "alliantie", "burden" on nothing, where the letters say "Top", "bondgenoten" and
"lastenverdeling". A dictionary is the classic remedy in cross-language retrieval; this one holds the terms
that carry the letters' subjects. Keys are folded English words (embeddings.lexical.fold); values are folded
Dutch words as the letters write them.
"""

from __future__ import annotations

GLOSSARY: dict[str, tuple[str, ...]] = {
    "summit": ("top",),
    "ally": ("bondgenoot",),
    "allies": ("bondgenoten",),
    "alliance": ("bondgenootschap",),
    "burden": ("lastenverdeling",),
    "parliament": ("kamer",),
    "ministerial": ("ministeriele", "bijeenkomst"),
    "government": ("kabinet",),
    "cabinet": ("kabinet",),
    "letter": ("brief",),
    "deterrence": ("afschrikking",),
    "resilience": ("weerbaarheid",),
    "disinformation": ("desinformatie",),
    "common": ("gemeenschappelijk", "gemeenschappelijke"),
    "contribution": ("bijdrage",),
    "contributions": ("bijdragen",),
    "contribute": ("bijdragen",),
    "spending": ("uitgaven",),
    "expenditure": ("uitgaven",),
    "troops": ("troepen",),
    "personnel": ("personeel",),
    "withdrawal": ("terugtrekking",),
    "treaty": ("verdrag",),
    "nuclear": ("nucleaire",),
    "partnership": ("partnerschappen",),
    "partnerships": ("partnerschappen",),
    "cooperation": ("samenwerking",),
    "pandemic": ("pandemie", "corona"),
    "outbreak": ("uitbraak",),
    "climate": ("klimaat",),
    "threats": ("dreigingen",),
    "threat": ("dreiging",),
    "challenges": ("uitdagingen",),
    "decision": ("besluit",),
    "decided": ("besloten",),
    "approved": ("goedkeuring",),
    "expansion": ("uitbreiding", "verbreding"),
    "broadening": ("verbreding",),
    "enlargement": ("uitbreiding",),
    "violence": ("geweld",),
    "sexual": ("seksueel",),
    "technologies": ("technologieen",),
    "reflection": ("reflectiegroep",),
    "arms": ("wapenbeheersing",),
    "stockpiles": ("voorraden",),
    "medical": ("medische",),
    "people": ("inwoners", "mensen"),
    "inhabitants": ("inwoners",),
    "society": ("samenleving",),
    "interpreters": ("tolken",),
    "budget": ("budget",),
    "population": ("inwoners",),
    "exercises": ("oefeningen",),
    "exercise": ("oefening",),
    "funding": ("financiering",),
    "evacuees": ("evacues",),
    "recommendations": ("aanbevelingen",),
    "communication": ("communicatie",),
    "transport": ("transport",),
    "stability": ("stabiliteit",),
}


def translations(word: str) -> tuple[str, ...]:
    """The letters' Dutch words for a folded English word; () where the glossary has none."""
    return GLOSSARY.get(word, ())
