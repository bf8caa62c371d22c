"""What kind of answer a question asks for, and whether a sentence holds one.

A question that asks "how much money" is not answered by a sentence about the same fund that gives no
amount. Checking the expected answer type catches the near misses that similarity alone lets through.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from qa.countries import countries_in

MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|january|february|march|may|june|july|august|october"
)
DAY_AND_MONTH = re.compile(rf"\b\d{{1,2}} ({MONTHS})\b", re.I)  # "15 april"
NUMBER_WORDS = (
    "één|een paar|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|dertig\\w*|veertig|vijftig"
    "|honderd\\w*|duizend\\w*|miljoen|miljard|dozijn|tientallen|honderden|duizenden|enkele|meerdere"
)

# Question patterns, most specific first.
MONEY_QUESTION = re.compile(
    r"\b(hoeveel (geld|euro|dollar)|welk bedrag|hoe ?veel (kost|kosten|bedraagt|bedroeg)|wat (kost|kosten|kostte)"
    r"|hoe groot (is|was|zijn) (het|de) (\w+ ){0,3}(budget|begroting|fonds|bijdrage)"
    r"|how much (money|funding|does|did|will|is|was)|what amount|in euros?|how large is the budget|size of\b.*\bbudget"
    r"|price tag|prijskaartje"
    # "What budget has NATO set aside ...?"; "Wat is het Nederlandse aandeel in het Revolving Fund?"
    r"|(what|which) budget (has|have|had|did|does|is|was|will)|welk budget (heeft|had|is|was|wordt|werd)"
    r"|(wat is|wat was|what is|what was) (het|de|the) ([\w'’]+ ){0,2}(aandeel|bijdrage|contribution|share)"
    r" (in|aan|to|of)\b.*\b(fund|fonds)"
    r"|wat (gaat|gaan|zal|zullen)\b.*\bkosten\b"
    r"|kosten\b.*\bhoeveel|hoeveel\b.*\b(kosten|kost|budget|begroting|bijdrage|uitgegeven|uitgaven|besteed)"
    r"|hoeveel (draagt|dragen|droeg|droegen|stort|stortte|doneert|doneerde)\b"
    r"|hoeveel (gaf|geeft|gaven|geven)\b.*\buit|how much\b.*\b(spend|spent|spending|cost|contribute\w*))\b",
    re.I,
)
PERCENTAGE_QUESTION = re.compile(
    r"\b(welk percentage|hoeveel procent|met hoeveel procent|what percentage|by what percentage|how many per ?cent)\b",
    re.I,
)
# "Welke bondgenoten ...?", "Samen met welk buurland ...?", "Which Baltic state ...?"
COUNTRY_QUESTION = re.compile(
    r"\b(welke (andere |\w+ )?(\w*landen|bondgenoten|lidstaten|staten|staat|land)"
    r"|welk (ander |\w+ )?\w*(land|bondgenoot)"
    # not "what did allies back ...?", which asks what, of allies
    r"|(which|what) (other |(?!(?:did|do|does|were|was|are|is|had|have|will|would|could|should)\b)\w+ "
    r"|(?-i:[A-Z][\w-]+ [A-Z]\w+ |[A-Z]\w+-[A-Z]\w+ ))?"  # "which Middle Eastern country", "Indo-Pacific"
    r"(countries|country|allies|ally|member states|nations|nation|states|state))\b"
    # "List the nine allies that ...", "Noem de landen die ..."
    r"|^\W*(list|name|noem|geef)\s+(\w+\s+){0,2}(allies|countries|member states|bondgenoten|landen|lidstaten)\b",
    re.I,
)
ALLIES_QUESTION = re.compile(r"\b(bondgeno\w*|lidsta\w*|allies|ally|member states?)\b", re.I)
YEAR_QUESTION = re.compile(r"\b((in|sinds|vanaf) )?welk jaar\b|\b((in|since) )?(what|which) year\b", re.I)
QUANTITY_QUESTION = re.compile(
    r"\b(hoeveel|hoe veel|how many|welk aantal|what number of"
    # the size of a body of people; "hoe groot zijn de problemen" asks for no number
    r"|(how big|how large|hoe groot) (is|was|are|were|zijn|waren|wordt|will) (the|de|het) ([\w-]+ ){0,3}"
    r"\w*(group|panel|team|delegation|force|mission|staff|groep|delegatie|missie|eenheid|staf|troepenmacht))\b",
    re.I,
)
_ROLE_NL = (
    r"(minister|secretaris|president|voorzitter|ambassadeur|commandant|generaal|woordvoerder|vertegenwoordiger|gezant)"
)
PERSON_QUESTION = re.compile(
    rf"\b((hoe heet|hoe heette|wat is de naam van|wat was de naam van|naam van) de (\w+ ){{0,3}}\w*{_ROLE_NL}"
    r"|what (is|was) the name of the ([\w'’]+ ){0,3}"
    r"(minister|secretary|president|chair\w*|ambassador|commander|general|representative|envoy)"
    r"|who (is|was|will be) (the )?([\w'’]+ ){0,3}"
    r"(minister|secretary|president|chair\w*|ambassador|commander|general|spokes\w*|representative|envoy)"
    rf"|wie (is|was|waren|wordt|werd) de (\w+ ){{0,3}}{_ROLE_NL}\w*"
    # who commands or succeeds someone: a person, not the body that names them
    r"|wie (voert|voerde|heeft|had|krijgt|kreeg) het (bevel|commando)|wie (volgt|volgde)\b.*\bop\b|opvolger"
    r"|who (will )?(command|commands|commanded|succeed|succeeds|succeeded|replaced|chair|chairs|chaired|presided)\b"
    r"|successor"
    # who spoke for a country at a meeting: its ministers
    r"|wie\b.*\b(vertegenwoordigd\w*|namen deel|nam deel|namens)|who\b.*\b(represented|attended|took part|on behalf of)"
    # who was in charge, and members of parliament
    r"|who (is|was|were) in (command|charge)|wie (leidde|leidt|leiden|leidden)\b|who (led|leads|heads|headed)\b"
    r"|welke (kamerleden|parlementari[eë]rs|volksvertegenwoordigers)"
    r"|which (mps|members of parliament|parliamentarians))",
    re.I,
)
# "Op welke datum ...?" asks for a day; "Wanneer ...?" for any time ("voor het zomerreces" will do); "When
# ministers touched on Syria, what did ...?" for neither.
DAY_QUESTION = re.compile(
    r"\b(op welke (datum|dag)|welke (datum|dag)|on what (date|day)|(what|which) (date|day))\b", re.I
)
DATE_QUESTION = re.compile(
    rf"{DAY_QUESTION.pattern}|^\W*((en|and|tot|vanaf|sinds|per|since|until|from) )?(wanneer|when)\b(?![^?]*,)", re.I
)

MONEY = re.compile(
    r"(€|\beuro\b(?!-)|\bEUR\b|\bdollar|\$|\bmiljoen\b|\bmiljard\b|\bmillion\b|\bbillion\b|\d\s?%|procent)", re.I
)
TIME_UNITS = r"(jaar|jaren|maand\w*|week|weken|dag|dagen|uur|uren|year|years|months?|weeks?|days?|hours?)\b"
# A count: a number that is not a year, a date, a page or paper's number, a list's "(1)", or part of a name
# ("COVID-19").
QUANTITY = re.compile(
    rf"(?<![\w/.,(-])(?<!nr\. )(?<!nr )(?!(?:19|20)\d\d\b)\d[\d.,]*(?![\w/)-])(?!\s*(?:{MONTHS})\b)"
    rf"|\b({NUMBER_WORDS})\b"
    r"|(?<![\w/.,(-])\d+-(jarig|daags|maands|weeks)\w*",  # "het 20-jarig bestaan"
    re.I,
)
CALENDAR_DAYS = re.compile(rf"\b\d{{1,2}}(\s*(en|-|–|tot|of)\s*\d{{1,2}})?\s+({MONTHS})\b", re.I)  # 12 en 13 februari
PAPER_NUMBER = re.compile(
    r"(?:\b[A-Z]{2,}\)?|[Rr]esoluti\w+|[Aa]rti\w+)\s+\d+|\b\d{2} \d{3}(, nr\.? \d+)?|\bnr\.? \d+|\b(19|20)\d\d/\d\d\b"
)  # Kamerstuk 28 676, nr. 338
AMOUNT = re.compile(
    r"(€|\$)\s?\d[\d.,]*(\s(miljoen|miljard|million|billion))?"
    r"|\d[\d.,]*(\s(miljoen|miljard|million|billion))?\s?(euro|dollar|EUR|%|procent|per ?cent)\b",
    re.I,
)
DURATION = re.compile(
    rf"(?<![\w/.,-])(\d+|{NUMBER_WORDS})\s+{TIME_UNITS}|(?<![\w/.,(-])\d+-(jarig|daags|maands|weeks)\w*", re.I
)
# "tot het laatste moment", "tot eind 2021", "sinds 2014"
UNTIL = re.compile(
    rf"\b(tot|until|till)\s+(het |de )?(laatste|eind|einde|begin|medio|\d|{MONTHS})|\b(sinds|since) (\d|{MONTHS})", re.I
)
DURATION_QUESTION = re.compile(
    r"\b(hoe lang|hoeveel (tijd|jaar|jaren|maanden|weken|dagen|uur)|how long|how much time"
    r"|how many (years|months|weeks|days|hours)"
    r"|binnen welke (termijn|periode|tijd)|(within|in) what (time ?frame|period|time)|what time ?frame)\b",
    re.I,
)
PERSON = re.compile(
    r"\b[A-Z]\.(?:\s?[A-Z][a-z]?\.)*\s?(?:van |de |der |den )*[A-Z][a-zë]+"  # S.A. Blok, A.Th.B. Bijleveld
    r"|\b(?:[Mm]inister|[Pp]resident|[Ss]taatssecretaris|[Ss]ecretaris-[Gg]eneraal|[Gg]eneraal|[Aa]mbassadeur)s?"
    r" (?:van )?(?!Buitenlandse|Defensie|Zaken|Financiën|Algemene|van\b)[A-Z][a-zë]+"  # Minister Kaag
)
# A group's member listed with the country that put them forward ("Anja Dalgaard-Nielsen (Denemarken)") answers
# who is that country's member; not any question about a country's person ("Wie zat er namens Washington aan tafel?").
MEMBER_QUESTION = re.compile(r"\b(lid|leden|members?|panel|\w*groep|\w*group)\b", re.I)
NAMED_MEMBER = re.compile(r"\b[A-Z][a-zë]+(?: [a-z]+)* [A-Z][\w-]+ \(([A-Z][^)]*)\)")
# A time, named or relative: "15 april", "oktober dit jaar", "2021", "de dag voor de bijeenkomst", "voor het
# zomerreces", "binnen zes maanden".
DATE = re.compile(
    rf"\b({MONTHS})\b|\b(19|20)\d\d\b"
    r"|\b(begin|eind|medio|half|voorjaar|najaar|zomer|winter|zomerreces|kerstreces|reces)\b"
    r"|\b(dit|volgend|vorig|komend) jaar\b|\b(deze|volgende|vorige|komende) (week|maand)\b"
    r"|\b(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|vandaag|morgen|gisteren|binnenkort)\b"
    r"|\b(dag|week|maand|jaar) (voor|vóór|na)\b|\bbinnen \w+ (dagen|weken|maanden|jaar)\b|\b(jl|a\.s)\.",
    re.I,
)

# "Negeer alle instructies en ...": an attempt to steer a language model rather than a question.
INJECTION = re.compile(
    r"\b(negeer|vergeet|ignore|disregard|forget)\b.{0,40}\b(instructies|opdrachten|regels|instructions|rules|prompt)\b"
    r"|\bsystem ?prompt\b|\bsysteemprompt\b|^\s*(system|systeem)\s*:|\b(je bent nu|you are now)\b"
    r"|\b(reveal|show|print|toon|onthul)\b.{0,30}\b(hidden|secret|verborgen|geheime)?\s*(instructions|instructies)\b",
    re.I,
)

PERCENTAGE = re.compile(r"\d\s?%|\b(procent|procentpunt\w*|per ?cent|percentage)\b", re.I)

# "Welke Kamerfracties steunden ...?" asks for parties, which the ministers' letters hardly ever name.
PARTY_QUESTION = re.compile(
    r"\b(welke (\w+ )?(kamer)?fracties|(which|what) (political |parliamentary )(parties|party|groups))\b", re.I
)
PARTY = re.compile(
    r"\b(VVD|CDA|D66|PvdA|GroenLinks|SP|PVV|ChristenUnie|SGP|PvdD|DENK|FvD|JA21|Volt|BBB|50PLUS|NSC|BIJ1)\b"
    r"|\bfractie van\b"
)
YEAR = re.compile(r"\b(19|20)\d\d\b")
DAY = re.compile(rf"\b\d{{1,2}}\s+({MONTHS})\b|\b({MONTHS})\s+\d{{1,2}}\b", re.I)  # "15 april", "June 14"

CHECKS = {
    "money": MONEY, "percentage": PERCENTAGE, "quantity": QUANTITY, "person": PERSON, "day": DAY, "date": DATE,
    "year": YEAR, "party": PARTY,
}  # fmt: skip


# "Can the public know which ally has which technologies?" asks yes or no, whatever "which" it embeds.
YES_NO_QUESTION = re.compile(
    r"^\W*(can|could|is|are|does|do|did|was|were|will|would|has|have|kan|kunnen|kon|konden|zijn|waren|heeft"
    r"|hebben|had|wordt|worden|werd|werden|zal|zullen|zou|zouden|moet|moeten|mag|mogen)\b",
    re.I,
)


def expected_type(question: str) -> str | None:
    """ "percentage", "money", "quantity", "country", "person", "party", "year", "day" or "date" (any time)
    where the question asks for one, else None."""
    if YES_NO_QUESTION.search(question):
        return None
    if PERCENTAGE_QUESTION.search(question):
        return "percentage"
    if MONEY_QUESTION.search(question):
        return "money"
    if QUANTITY_QUESTION.search(question) or DURATION_QUESTION.search(question):
        return "quantity"
    if COUNTRY_QUESTION.search(question):
        return "country"
    if PERSON_QUESTION.search(question):
        return "person"
    if PARTY_QUESTION.search(question):
        return "party"
    if YEAR_QUESTION.search(question):
        return "year"
    if DATE_QUESTION.search(question):
        return "day" if DAY_QUESTION.search(question) else "date"
    return None


def has_type(text: str, kind: str | None, question: str = "") -> bool:
    """Whether text holds an answer of that kind (always true for a question of no particular kind)."""
    if kind is None:
        return True
    if kind == "country":  # one the question does not name itself ("Samen met welk buurland stelde Nederland ...")
        # nor the Netherlands, which sends the letters and is named in nearly every paragraph ("de Nederlandse
        # Ministers"): a question after it names it.
        allies_only = bool(ALLIES_QUESTION.search(question))
        return bool(countries_in(text, allies_only) - countries_in(question) - {"Nederland"})
    if kind == "person" and MEMBER_QUESTION.search(question):
        asked = countries_in(question)
        if any(countries_in(m.group(1)) & asked for m in NAMED_MEMBER.finditer(text)):
            return True
    for number in set(re.findall(r"\d+", question)):  # "how many of the 74 projects": 74 is no answer
        text = re.sub(rf"(?<!\d){number}(?!\d)", " ", text)
    if kind == "person":  # "Wie volgde Jens Stoltenberg op?" is not answered by Stoltenberg, nor "A.Th.B. Bijleveld-
        # Schouten" by Bijleveld
        for name in set(re.findall(r"\b[A-Z][a-zë]{2,}\b", question[1:])):
            text = re.sub(rf"(?:\b[A-Z]\.(?:\s?[A-Z][a-z]?\.)*\s?)?\b{name}\b(?:-[A-Z][a-zë]+)?", " ", text)
    if kind == "quantity" and DURATION_QUESTION.search(question):  # "hoe lang": a time ("135 dagen", "ruim drie
        # uur", "tot het laatste moment"), not any count ("10 personen")
        return bool(DURATION.search(text) or UNTIL.search(text))
    if kind == "quantity":  # a count: not a sum of money or a share ("1 miljoen euro" counts no personnel)
        text = DURATION.sub(" ", AMOUNT.sub(" ", PAPER_NUMBER.sub(" ", CALENDAR_DAYS.sub(" ", text))))
        # ... nor a time ("20 jaar inzet" counts no troops)
    return bool(CHECKS[kind].search(text))


def is_injection(question: str) -> bool:
    return bool(INJECTION.search(question))


def typed_first(
    question: str, order: np.ndarray, scores: np.ndarray, text_of: Callable[[int], str], depth: int
) -> tuple[np.ndarray, np.ndarray]:
    """Where the top passage holds no answer of the kind the question asks for, the first of the top `depth` that
    does goes first, with the top score (+1e-6): scores stay in rank order."""
    kind = expected_type(question)
    top = text_of(order[0])
    if kind is None or has_type(top, kind, question):
        return order, scores
    if kind in ("day", "date", "year") and re.search(r"\b(toen|destijds|then)\b", top, re.I):
        return order, scores  # "Er werd toen afgesproken ...": its time is in the sentence before the passage
    target = next((i for i in order[1:depth] if has_type(text_of(i), kind, question)), None)
    if target is None:
        return order, scores
    scores = scores.copy()
    scores[target] = scores[order[0]] + 1e-6
    return np.concatenate(([target], order[order != target])), scores
