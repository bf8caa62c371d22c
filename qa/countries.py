"""Country names as the letters (Dutch) and their readers (English) write them.

"Welke bondgenoten hielpen bij de repatriëring?" is not answered by a sentence that names no ally, and
"Samen met welk buurland ...?" not by the Netherlands that the question names itself.
"""

from __future__ import annotations

import re
from functools import cache

from embeddings.lexical import tokenize

# Dutch name: other forms (Dutch adjectives, English name and adjective), comma-separated. "+" marks NATO's 30
# members of 2020-2021, the allies the letters speak of.
_TABLE = """
+Albanië: albanees, albanese, albania, albanian
+België: belgisch, belgische, belgium, belgian
+Bulgarije: bulgaars, bulgaarse, bulgaria, bulgarian
+Canada: canadees, canadese, canadian
+Denemarken: deens, deense, denmark, danish
+Duitsland: duits, duitse, germany, german
+Estland: estisch, estische, estonia, estonian
+Frankrijk: frans, franse, france, french
+Griekenland: grieks, griekse, greece, greek
+Hongarije: hongaars, hongaarse, hungary, hungarian
+IJsland: ijslands, ijslandse, iceland, icelandic
+Italië: italiaans, italiaanse, italy, italian
+Kroatië: kroatisch, kroatische, croatia, croatian
+Letland: letse, latvia, latvian
+Litouwen: litouws, litouwse, lithuania, lithuanian
+Luxemburg: luxemburgs, luxemburgse, luxembourg
+Montenegro: montenegrijns, montenegrijnse, montenegrin
+Nederland: nederlands, nederlandse, netherlands, dutch, holland
+Noord-Macedonië: noord-macedonisch, noord-macedonische, north macedonia, macedonian
+Noorwegen: noors, noorse, norway, norwegian
+Polen: pools, poolse, poland, polish
+Portugal: portugees, portugese, portuguese
+Roemenië: roemeens, roemeense, romania, romanian
+Slovenië: sloveens, sloveense, slovenia, slovenian
+Slowakije: slowaaks, slowaakse, slovakia, slovak, slovakian
+Spanje: spaans, spaanse, spain, spanish
+Tsjechië: tsjechisch, tsjechische, czechia, czech
+Turkije: turks, turkse, turkey, turkish
+Verenigd Koninkrijk: brits, britse, united kingdom, britain, british, uk
+Verenigde Staten: amerikaans, amerikaanse, united states, america, american, vs, us, usa
Afghanistan: afghaans, afghaanse, afghan
Belarus: wit-rusland, belarussisch, belarussische, belarusian
China: chinees, chinese
Egypte: egyptisch, egyptische, egypt, egyptian
Finland: fins, finse, finnish
Georgië: georgisch, georgische, georgia, georgian
Irak: iraaks, iraakse, iraq, iraqi
Iran: iraans, iraanse, iranian
Jordanië: jordaans, jordaanse, jordan, jordanian
Libië: libisch, libische, libya, libyan
Moldavië: moldavisch, moldavische, moldova, moldovan
Oekraïne: oekraïens, oekraïense, ukraine, ukrainian
Rusland: russisch, russische, russia, russian
Syrië: syrisch, syrische, syria, syrian
Tunesië: tunesisch, tunesische, tunisia, tunisian
Zweden: zweeds, zweedse, sweden, swedish
"""


@cache
def _forms() -> tuple[dict[str, str], frozenset[str], re.Pattern]:
    by_form: dict[str, str] = {}
    allies = set()
    for line in _TABLE.strip().splitlines():
        name, _, rest = line.partition(":")
        ally, name = name.startswith("+"), name.lstrip("+")
        allies |= {name} if ally else set()
        for form in (name, *rest.split(",")):
            by_form.setdefault(form.strip().lower(), name)
    words = sorted(by_form, key=len, reverse=True)  # "noord-macedonië" before "macedonian"
    # Case matters for "VS"/"US" only ("us" is a pronoun); the rest is matched in any case.
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in words if w not in ("us", "vs")) + r")(?!\w)|(?-i:\b(US|VS)\b)",
        re.I,
    )
    return by_form, frozenset(allies), pattern


def countries_in(text: str, allies_only: bool = False) -> set[str]:
    """The countries text names (as Dutch names), in any of their forms."""
    by_form, allies, pattern = _forms()
    found = {by_form[(m.group(1) or m.group(2)).lower()] for m in pattern.finditer(text)}
    return found & allies if allies_only else found


_ASKED_ADJECTIVE = re.compile(r"\b(?:which|what|welke|welk)\s+([\w-]+)", re.I)


def countries_required(question: str) -> set[str]:
    """The countries an answer must name: those the question names, less an adjective in what it asks for ("From
    which Chinese city ...?" is answered by "Wuhan", not by a sentence naming China)."""
    by_form, _, _ = _forms()
    asked = {by_form[m.group(1).lower()] for m in _ASKED_ADJECTIVE.finditer(question) if m.group(1).lower() in by_form}
    return countries_in(question) - (asked - countries_in(_ASKED_ADJECTIVE.sub(" ", question)))


# Capitals that stand for their country's government ("Waarvoor kreeg Ankara waardering?"): the letters name the
# country. Only in questions: in the letters a capital is a place ("Den Haag, 9 april 2020", "in Bagdad").
CAPITALS = {
    "ankara": "Turkije", "moskou": "Rusland", "moscow": "Rusland", "athene": "Griekenland", "athens": "Griekenland",
    "kyiv": "Oekraïne", "kiev": "Oekraïne", "kiew": "Oekraïne", "washington": "Verenigde Staten",
    "den haag": "Nederland", "the hague": "Nederland", "berlijn": "Duitsland", "berlin": "Duitsland",
    "parijs": "Frankrijk", "paris": "Frankrijk", "londen": "Verenigd Koninkrijk", "london": "Verenigd Koninkrijk",
    "warschau": "Polen", "warsaw": "Polen", "ottawa": "Canada", "tbilisi": "Georgië", "minsk": "Belarus",
    "peking": "China", "beijing": "China", "teheran": "Iran", "tehran": "Iran", "skopje": "Noord-Macedonië",
    "stockholm": "Zweden", "helsinki": "Finland", "kabul": "Afghanistan", "bagdad": "Irak", "baghdad": "Irak",
    "rome": "Italië", "madrid": "Spanje", "oslo": "Noorwegen", "kopenhagen": "Denemarken", "copenhagen": "Denemarken",
}  # fmt: skip
_CAPITAL = re.compile(r"(?<!\w)(" + "|".join(re.escape(c) for c in CAPITALS) + r")(?!\w)", re.I)
_PLACE_BEFORE = re.compile(r"\b(in|naar|uit|bij|rond|to|from|at|near)\s+$", re.I)  # "Wat gebeurde er in Bagdad?"


def name_capitals(question: str) -> str:
    """The question with the country after each capital that stands for it: "Ankara (Turkije)"."""

    def country(m: re.Match) -> str:
        if _PLACE_BEFORE.search(question[: m.start()]):  # a place, not its government
            return m.group(1)
        return f"{m.group(1)} ({CAPITALS[m.group(1).lower()]})"

    return _CAPITAL.sub(country, question)


@cache
def country_terms() -> frozenset[str]:
    """The search terms (stems) of every country's names and adjectives."""
    by_form, _, _ = _forms()
    return frozenset(t for form in by_form for t in tokenize(form))


# "How did Moscow respond ...?", "Wat zei de Zweedse minister ...?", "Welk standpunt nam Rusland in?": what a
# country said is answered only where the letters report that country speaking, not where they merely name it.
_SPEAKER_QUESTION = re.compile(
    r"(?:\b(?:what|how)\s+|^\W*)did\s+(?P<en>[\w'’() -]{2,60}?)\s+(?:\w+ly\s+|themselves\s+)?"
    r"(?:say|respond|react|reply|propose|argue|think|put forward)\b"
    r"|\b(?:reaction|response|position|stance|view)\s+(?:of|from)\s+"
    r"(?P<en_of>[\w'’() -]{2,40}?)(?=\s+(?:on|to|at|in|about)\b|\?)"
    r"|\b(?:hoe\s+reageerden?|hoe\s+reageert|wat\s+(?:zei|zeiden|zegt|vond|vonden|vindt)"
    r"|welk\s+standpunt\s+(?:nam|namen|neemt))"
    r"\s+(?P<nl>[\w'’() -]{2,60}?)(?=\s+(?:op|over|tijdens|in|bij|naar|aan|van)\b|\s*\?)"
    r"|\breactie\s+van\s+(?P<nl_of>[\w'’() -]{2,40}?)(?=\s+(?:op|over|tijdens|in|bij)\b|\s*\?)",
    re.I,
)
_SPEAKER_NOUNS = (
    r"(minister|ministers|defensieminister|regering|regeringen|delegatie|kant|president|premier|secretary|government"
    r"|governments|delegation|side|minister of \w+|minister van \w+)"
)
_SPEAKING = (
    r"(benadrukte|benadrukten|gaf|gaven|stelde|stelden|zei|zeiden|reageerde|reageerden|wees|pleitte|vroeg|riep"
    r"|onderstreepte|sprak|liet|verklaarde|kondigde|steunde|deelde|noemde|zegde)"
)


def speakers_asked(question: str) -> set[str]:
    """The countries (not the Netherlands, whose words the letters report throughout) whose words or stance the
    question asks for."""
    match = _SPEAKER_QUESTION.search(question)
    if not match:
        return set()
    actor = next(value for value in match.groupdict().values() if value)
    return countries_in(name_capitals(actor)) - {"Nederland"}


def speaks_for(text: str, countries: set[str]) -> bool:
    """Whether text reports one of the countries speaking: "de Franse minister van Defensie vroeg", "Duitsland
    benadrukte"."""
    if not countries:
        return True
    by_form, _, _ = _forms()
    forms = "|".join(re.escape(f) for f, name in by_form.items() if name in countries and len(f) > 2)
    return bool(re.search(rf"\b({forms})\s+{_SPEAKER_NOUNS}\b|\b({forms})\s+{_SPEAKING}\b", text, re.I))
