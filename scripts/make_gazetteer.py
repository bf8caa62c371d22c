"""Writes qa/data/gazetteer.json: every country's Dutch and English names, from CLDR (Babel) and ISO 3166
(pycountry, with its Dutch translations), and the adjectives texts name the countries NATO discusses by.

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


def main() -> None:
    nl, en = Locale("nl").territories, Locale("en").territories
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
    OUT.write_text(json.dumps(countries, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(countries)} countries to {OUT}")


if __name__ == "__main__":
    main()
