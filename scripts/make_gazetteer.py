"""Writes qa/data/gazetteer.json: every country's Dutch and English names, from CLDR (Babel) and ISO 3166
(pycountry, with its Dutch translations), the adjectives texts name the countries NATO discusses by, and the
cities CLDR names in both languages.

Run once by a developer (`pip install babel pycountry; python scripts/make_gazetteer.py`); the JSON is committed,
so the assistant itself needs neither package.
"""

import gettext
import json
from pathlib import Path

import pycountry
from babel import Locale

OUT = Path(__file__).resolve().parent.parent / "qa" / "data" / "gazetteer.json"
# Names in everyday use that CLDR and ISO have since replaced ("Türkiye", "Belarus"); not taken from any question.
FORMER_NAMES = {
    "TR": ["Turkey"], "BY": ["Wit-Rusland", "Byelorussia"], "MK": ["Macedonia", "Macedonië"],
    "CZ": ["Tsjechische Republiek"], "NL": ["Holland"], "GB": ["Groot-Brittannië", "Great Britain", "Britain"],
    "US": ["USA", "VS", "America", "Amerika"], "RU": ["Russia"], "KR": ["South Korea", "Zuid-Korea"],
    "KP": ["North Korea", "Noord-Korea"], "CD": ["Congo-Kinshasa"], "CI": ["Ivoorkust", "Ivory Coast"],
    "MM": ["Birma", "Burma"], "SZ": ["Swaziland"], "CV": ["Cape Verde"],
}  # fmt: skip
# The adjectives a text names a country by ("de Duitse minister", "the Turkish parliament"): NATO's members, its
# partners and the countries its texts discuss. Dutch only in the inflected form, since "Frans" is also a first name;
# not the home country's ("Nederlandse" is in nearly every sentence).
ADJECTIVES = {
    "AL": ["Albanese", "Albanian"], "BE": ["Belgische", "Belgian"], "BG": ["Bulgaarse", "Bulgarian"],
    "CA": ["Canadese", "Canadian"], "HR": ["Kroatische", "Croatian"], "CZ": ["Tsjechische", "Czech"],
    "DK": ["Deense", "Danish"], "EE": ["Estse", "Estische", "Estonian"], "FI": ["Finse", "Finnish"],
    "FR": ["Franse", "French"], "DE": ["Duitse", "German"], "GR": ["Griekse", "Greek"],
    "HU": ["Hongaarse", "Hungarian"], "IS": ["IJslandse", "Icelandic"], "IT": ["Italiaanse", "Italian"],
    "LV": ["Letse", "Letlandse", "Latvian"], "LT": ["Litouwse", "Lithuanian"], "LU": ["Luxemburgse", "Luxembourgish"],
    "ME": ["Montenegrijnse", "Montenegrin"], "MK": ["Noord-Macedonische", "North Macedonian"],
    "NO": ["Noorse", "Norwegian"], "PL": ["Poolse", "Polish"], "PT": ["Portugese", "Portuguese"],
    "RO": ["Roemeense", "Romanian"], "SK": ["Slowaakse", "Slovak"], "SI": ["Sloveense", "Slovenian"],
    "ES": ["Spaanse", "Spanish"], "SE": ["Zweedse", "Swedish"], "TR": ["Turkse", "Turkish"],
    "GB": ["Britse", "British"], "US": ["Amerikaanse", "American"], "RU": ["Russische", "Russian"],
    "UA": ["Oekraïense", "Ukrainian"], "BY": ["Belarussische", "Wit-Russische", "Belarusian"],
    "GE": ["Georgische", "Georgian"], "MD": ["Moldavische", "Moldovan"], "AT": ["Oostenrijkse", "Austrian"],
    "CH": ["Zwitserse", "Swiss"], "IE": ["Ierse", "Irish"], "BA": ["Bosnische", "Bosnian"],
    "RS": ["Servische", "Serbian"],
    "CN": ["Chinese"], "JP": ["Japanse", "Japanese"], "KR": ["Zuid-Koreaanse", "South Korean"],
    "KP": ["Noord-Koreaanse", "North Korean"], "AU": ["Australische", "Australian"], "IN": ["Indiase"],
    "IR": ["Iraanse", "Iranian"], "IQ": ["Iraakse", "Iraqi"], "AF": ["Afghaanse", "Afghan"],
    "SY": ["Syrische", "Syrian"],
    "IL": ["Israëlische", "Israeli"], "LY": ["Libische", "Libyan"], "ML": ["Malinese", "Malian"],
}  # fmt: skip
# The same adjectives uninflected ("een Frans en Turks schip", "het Duits voorstel"): matched only where a lowercase
# word follows, as an adjective is (qa/gazetteer.py), never before a surname ("Frans Timmermans").
PLAIN_ADJECTIVES = {
    "AL": ["Albanees"], "BE": ["Belgisch"], "BG": ["Bulgaars"], "CA": ["Canadees"], "HR": ["Kroatisch"],
    "CZ": ["Tsjechisch"], "DK": ["Deens"], "EE": ["Ests", "Estisch"], "FI": ["Fins"], "FR": ["Frans"],
    "DE": ["Duits"], "GR": ["Grieks"], "HU": ["Hongaars"], "IS": ["IJslands"], "IT": ["Italiaans"],
    "LV": ["Lets", "Letlands"], "LT": ["Litouws"], "LU": ["Luxemburgs"], "ME": ["Montenegrijns"],
    "MK": ["Noord-Macedonisch"], "NO": ["Noors"], "PL": ["Pools"], "PT": ["Portugees"], "RO": ["Roemeens"],
    "SK": ["Slowaaks"], "SI": ["Sloveens"], "ES": ["Spaans"], "SE": ["Zweeds"], "TR": ["Turks"], "GB": ["Brits"],
    "US": ["Amerikaans"], "RU": ["Russisch"], "UA": ["Oekraïens"], "BY": ["Belarussisch", "Wit-Russisch"],
    "GE": ["Georgisch"], "MD": ["Moldavisch"], "AT": ["Oostenrijks"], "CH": ["Zwitsers"], "IE": ["Iers"],
    "BA": ["Bosnisch"], "RS": ["Servisch"], "CN": ["Chinees"], "JP": ["Japans"], "KR": ["Zuid-Koreaans"],
    "KP": ["Noord-Koreaans"], "AU": ["Australisch"], "IN": ["Indiaas"], "IR": ["Iraans"], "IQ": ["Iraaks"],
    "AF": ["Afghaans"], "SY": ["Syrisch"], "IL": ["Israëlisch"], "LY": ["Libisch"], "ML": ["Malinees"],
}  # fmt: skip


def cities() -> dict[str, set[tuple[str, ...]]]:
    """Country code -> its cities that CLDR names time zones by, each as its English and Dutch names ("Warsaw",
    "Warschau"): the capitals and large cities of every region, not Antarctica's stations."""
    from babel.core import get_global
    from babel.dates import get_timezone_location

    out: dict[str, set[tuple[str, ...]]] = {}
    for zone, code in get_global("zone_territories").items():
        if zone.count("/") != 1 or zone.startswith(("Antarctica/", "Etc/")):
            continue
        names = {get_timezone_location(zone, locale=locale, return_city=True) for locale in ("en", "nl")}
        names = tuple(sorted(n for n in names if n and n[0].isupper()))
        if names:
            out.setdefault(code, set()).add(names)
    return out


def main() -> None:
    nl, en = Locale("nl").territories, Locale("en").territories
    city_names = cities()
    iso_nl = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    countries = {}
    for c in pycountry.countries:
        code = c.alpha_2
        iso = [getattr(c, a, None) for a in ("name", "common_name", "official_name")]
        names = {nl.get(code), en.get(code), *iso, *(iso_nl.gettext(n) for n in iso if n), *FORMER_NAMES.get(code, [])}
        names |= set(ADJECTIVES.get(code, []))
        names = sorted(n for n in names if n and "," not in n)  # "Korea, Republic of" is no name anyone writes
        countries[code] = {"nl": nl.get(code) or iso_nl.gettext(c.name), "en": en.get(code) or c.name, "names": names}
        if code in PLAIN_ADJECTIVES:
            countries[code]["plain"] = PLAIN_ADJECTIVES[code]
        own = [c for c in sorted(city_names.get(code, ())) if not set(c) & set(names)]  # "Luxembourg": a country
        if own:
            countries[code]["cities"] = own
    OUT.write_text(json.dumps(countries, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(countries)} countries to {OUT}")


if __name__ == "__main__":
    main()
