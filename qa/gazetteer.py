"""Countries named in a text, in Dutch or English, from the full gazetteer in data/gazetteer.json."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

GAZETTEER_FILE = Path(__file__).resolve().parent / "data" / "gazetteer.json"
HOME = "NL"  # the letters' own country: named in nearly every paragraph, so it answers no "which country"


@cache
def _pattern() -> tuple[re.Pattern, dict[str, str]]:
    data = entries()
    code_of = {name: code for code, entry in data.items() for name in entry["names"]}
    plain = {name: code for code, entry in data.items() for name in entry.get("plain", ())}
    names = sorted(code_of, key=len, reverse=True)  # "Noord-Macedonië" before "Macedonië"
    # Case-sensitive, as the names are written: "Chad" the country, not "chad"; "VS" but not "vs".
    alternatives = "|".join(re.escape(n) for n in names)
    # an uninflected adjective only before a lowercase word: "een Turks schip", not "Frans Timmermans"
    adjectives = "|".join(re.escape(n) for n in sorted(plain, key=len, reverse=True))
    pattern = rf"(?<![\w-])(?:({alternatives})(?![\w-])|({adjectives})(?=\s+[a-zà-ÿ]))"
    return re.compile(pattern), {**code_of, **plain}


def countries_in(text: str) -> set[str]:
    """ISO codes of the countries the text names."""
    pattern, code_of = _pattern()
    return {code_of[m.group(1) or m.group(2)] for m in pattern.finditer(text)}


@cache
def _cities() -> tuple[re.Pattern, dict[str, tuple[str, str]]]:
    """Every name of a city the gazetteer knows -> (the city's first name, as its key; its country's code)."""
    of = {name: (names[0], code) for code, e in entries().items() for names in e.get("cities", ()) for name in names}
    alternatives = "|".join(re.escape(n) for n in sorted(of, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])"), of


def cities_in(text: str) -> dict[str, str]:
    """The cities the text names, in Dutch or English ("Warschau", "Warsaw"): key -> the country's ISO code."""
    pattern, of = _cities()
    return dict(of[m.group(1)] for m in pattern.finditer(text))


@cache
def entries() -> dict:
    """ISO code -> {"nl", "en", "names"}."""
    return json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))


def country_name(code: str, language: str = "nl") -> str:
    """The country's name in Dutch ("nl") or English ("en")."""
    return entries()[code][language]
