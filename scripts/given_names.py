"""Regenerate qa/data/given_names.json from Faker's person providers (MIT): `python scripts/given_names.py DIR`,
DIR holding an unpacked faker wheel. Given names of the NATO countries' and neighbouring locales, Latin script.
Used to tell a person's name ("Jens Stoltenberg") from other capitalized pairs ("Koude Oorlog", "Task Force")."""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

LOCALES = (
    "nl_NL nl_BE en_US en_GB en_IE de_DE de_AT fr_FR fr_BE pl_PL it_IT es_ES pt_PT da_DK no_NO sv_SE fi_FI cs_CZ "
    "sk_SK hu_HU ro_RO hr_HR sl_SI lt_LT lv_LV et_EE tr_TR is_IS"
).split()
OUT = Path(__file__).resolve().parents[1] / "qa" / "data" / "given_names.json"


def main(faker_dir: str) -> None:
    sys.path.insert(0, faker_dir)
    names: set[str] = set()
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            values = getattr(provider, attr, None) or ()
            names |= {n for n in values if re.fullmatch(r"[A-ZÀ-Ž][a-zà-žß'’-]+", n)}
    payload = {
        "_comment": "Given names (Faker's person providers, MIT; scripts/given_names.py): a capitalized pair is a "
        "person's name when its first word is one of these.",
        "locales": LOCALES,
        "names": sorted(names),
    }
    OUT.write_text(json.dumps(payload, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
