"""Regenerate wa_pipeline/whatsapp/clock_markers.tsv: the 12-hour clock's markers in every language CLDR has.

Usage: .venv/bin/python scripts/build_clock_markers.py   (the sources are a dependency and a committed extract; the
output is committed). The extract, scripts/cldr_day_periods.tsv, is rewritten from Babel, which is no dependency of
ours, installed in a throwaway venv (`python3 -m venv /tmp/cldr && /tmp/cldr/bin/pip install babel==2.19.0`):
PYTHONPATH=/tmp/cldr/lib/python3.11/site-packages .venv/bin/python scripts/build_clock_markers.py --extract-cldr

Source: dateparser's date translation data (BSD-3-Clause), built from the Unicode CLDR (Unicode licence), whose
day periods Android and iOS write after or before a 12-hour time ("9:15 PTG", "ب.ظ. 9:15", "9:15 odp."). dateparser
keeps each marker lower-cased and without its dots; the parser allows the dots and spaces back. Languages: those
of `wa_pipeline/whatsapp/export_locales/` (the languages whose WhatsApp strings we ship) in every script, then every
other language dateparser has (a phone set to Hausa or Amharic writes its own markers). Plain "am"/"pm" are left to
the parser's own Latin pattern, and a marker that means morning in one language and afternoon in another is dropped
(or, where one of them is a language we ship, kept as that language's).

Then the extract: every CLDR locale's abbreviated day periods (the ones a 12-hour pattern's "a" writes) as Babel
(BSD-3-Clause) has them from the CLDR, for the markers dateparser's older data lacks: CLDR's later ones (Akan "ANW",
Nigerian Pidgin "FM"/"FI"), languages it has none for (Sindhi "صبح"/"شام", Dogri, Maithili, Fula in Adlam) and
regional forms (Cantonese "上晝"/"下晝", Bosnian and Montenegrin Serbian "prije podne"), and the flexible periods
of the locales that write them (Taiwan's "清晨" and "午夜"). They only add: a marker that
dateparser's rows have in the other half of the day is dropped, so no header read before is read otherwise.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import dateparser

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "wa_pipeline" / "whatsapp" / "clock_markers.tsv"
EXTRACT = REPO / "scripts" / "cldr_day_periods.tsv"
LOCALES = REPO / "wa_pipeline" / "whatsapp" / "export_locales"


def _data(locale: str) -> list[dict]:
    """dateparser's translation data for a locale of export_locales ("pt-BR" -> pt, "zh-Hant" -> zh-Hant), and for the
    other scripts its language is written in, which phones set to it write their markers in ("sr" -> sr-Latn
    "po podne"; "az" -> az-Cyrl "пм"; "uz" -> uz-Cyrl "тк")."""
    package = importlib.import_module("dateparser.data.date_translation_data")
    language = locale.split("-")[0]
    scripts = sorted(
        module.name
        for module in pkgutil.iter_modules(package.__path__)
        if module.name.startswith(f"{language}-")
        and module.name.split("-")[1][:1].isupper()
        and len(module.name.split("-")[1]) == 4
    )
    found = []
    for name in dict.fromkeys((locale, language, *scripts)):
        try:
            found.append(importlib.import_module(f"{package.__name__}.{name}").info)
        except ModuleNotFoundError:
            continue
    return found


def _other_languages(shipped: set[str]) -> dict[str, list[dict]]:
    """dateparser's data of every language we ship no strings for, by language ("ha" -> ha, ha-GH, ha-NE): a phone
    set to one of them still writes its own markers, with WhatsApp's strings in English."""
    package = importlib.import_module("dateparser.data.date_translation_data")
    found: dict[str, list[dict]] = {}
    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda module: module.name):
        language = module.name.split("-")[0]
        if language in shipped or not language.isalpha():
            continue
        found.setdefault(language, []).append(importlib.import_module(f"{package.__name__}.{module.name}").info)
    return found


def _rows(by_language: dict[str, list[dict]]) -> set[tuple[str, str, str]]:
    """(language, half, marker) of each language's data; a marker of both halves in one language is dropped."""
    rows = {
        (language, half, marker.strip())
        for language, infos in by_language.items()
        for info in infos
        for half in ("am", "pm")
        for marker in info.get(half) or ()
        if marker.strip() not in ("am", "pm")
    }
    return _unambiguous(rows)


def _unambiguous(rows: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """The rows whose marker means one half of the day in all of them, of languages left with both halves."""
    halves: dict[str, set[str]] = {}
    for _, half, marker in rows:
        halves.setdefault(marker, set()).add(half)
    rows = {row for row in rows if len(halves[row[2]]) == 1}
    both = {language for language, half, _ in rows if half == "am"} & {
        language for language, half, _ in rows if half == "pm"
    }
    return {row for row in rows if row[0] in both}


def extract_cldr() -> str:
    """The text of the extract: locale<TAB>period<TAB>half<TAB>marker, each locale's abbreviated day periods as CLDR
    writes them, under a header naming the CLDR's and Babel's versions. Besides "am" and "pm", a locale whose 12-hour
    time is written with CLDR's flexible periods ("Bh:mm": zh_Hant, Taiwan's) has those, each in the half of the day
    its CLDR rule spans ("清晨", 05:00-08:00, is am); a period across noon or midnight has none and is left out."""
    import babel
    from babel import Locale
    from babel.core import get_cldr_version
    from babel.localedata import locale_identifiers

    lines = []
    for code in sorted(locale_identifiers()):
        locale = Locale.parse(code)
        written = locale.day_periods.get("format", {}).get("abbreviated", {})
        halves = {"am": "am", "pm": "pm"}
        skeletons = locale.datetime_skeletons
        patterns = [skeletons[key].pattern for key in ("hm", "hms") if key in skeletons]
        patterns += [locale.time_formats[key].pattern for key in ("short", "medium")]
        if any("B" in pattern.replace("'B'", "") for pattern in patterns):
            halves |= {period: _half(rules) for period, rules in locale.day_period_rules.get(None, {}).items()}
        for period, half in halves.items():
            if half and written.get(period) and written.get("am") and written.get("pm"):
                lines.append(f"{code}\t{period}\t{half}\t{written[period]}\n")
    return (
        f"# locale<TAB>period<TAB>half<TAB>marker: CLDR {get_cldr_version()} abbreviated day periods (Unicode licence) "
        f"from Babel {babel.__version__} (BSD-3-Clause), written by scripts/build_clock_markers.py --extract-cldr\n"
        + "".join(lines)
    )


def _half(rules: list[dict]) -> str | None:
    """The half of the day ("am" or "pm") that a CLDR day-period rule's times (seconds after midnight) all lie in."""
    noon = 12 * 3600
    spans = [(rule["at"], rule["at"] + 1) if "at" in rule else (rule["from"], rule["before"]) for rule in rules]
    if all(0 <= start < end <= noon for start, end in spans):
        return "am"
    if all(noon <= start < end <= 24 * 3600 for start, end in spans):
        return "pm"
    return None


def _cldr_rows(shipped_stems: list[str]) -> set[tuple[str, str, str]]:
    """(language, half, marker) of the extract's locales, written as dateparser keeps its markers (lower case, no
    dots, plain spaces) and labelled with our locale file's name where we ship the language."""
    rows = set()
    for line in EXTRACT.read_text(encoding="utf-8").splitlines()[1:]:
        code, _, half, written = line.split("\t")
        marker = " ".join(written.replace(".", "").lower().split())
        # A marker opens with a letter and holds no digit: the parser's fast path for plain headers relies on the
        # first (see chat_export's `_PLAIN_LAYOUTS`), and Anii's "1ka" is no word a header is told by.
        if marker[:1].isalpha() and not any(c.isdigit() for c in marker) and marker not in ("am", "pm", "a m", "p m"):
            rows.add((_stem(code, shipped_stems), half, marker))
    return rows


def _stem(code: str, shipped_stems: list[str]) -> str:
    """Our locale file's name for a CLDR locale whose language we ship ("zh_Hant_HK" -> zh-Hant, "sr_Latn_BA" -> sr,
    "fil" -> tl), else its language code."""
    language, *rest = code.split("_")
    language = "tl" if language == "fil" else language
    script = next((part for part in rest if len(part) == 4), "Hans" if language == "zh" else "")
    for stem in (f"{language}-{script}", language):
        if stem in shipped_stems:
            return stem
    return language


def build() -> str:
    """The text of clock_markers.tsv: a header naming this script and its source, then language<TAB>half<TAB>marker."""
    locales = sorted(p.stem for p in LOCALES.glob("*.json"))
    rows = _rows({locale: _data(locale) for locale in locales})
    # The other languages' markers come after ours: one meaning the other half in a language we ship is not taken
    # (Inari Sami's morning "ip." is Finnish's afternoon).
    ours = {marker: half for _, half, marker in rows}
    shipped = {locale.split("-")[0] for locale in locales} | {"fil"}
    rows |= _unambiguous({row for row in _rows(_other_languages(shipped)) if ours.get(row[2], row[1]) == row[1]})
    # The extract's rows only add markers: one that dateparser's rows have in the other half is dropped (one in the
    # same half stays, for its language's two halves: Nigerian Pidgin's "FM" beside Swedish's). Ours first again.
    taken = {marker: half for _, half, marker in rows}
    extra = {row for row in _cldr_rows(locales) if taken.get(row[2], row[1]) == row[1]}
    extra_ours = _unambiguous({row for row in extra if row[0] in locales})
    ours = {marker: half for _, half, marker in extra_ours}
    rows |= extra_ours | _unambiguous(
        {row for row in extra if row[0] not in locales and ours.get(row[2], row[1]) == row[1]}
    )
    return (
        f"# language<TAB>am|pm<TAB>marker. Generated by scripts/build_clock_markers.py from dateparser {dateparser.__version__} "
        "date translation data (BSD-3-Clause; day periods of the Unicode CLDR, Unicode licence), then from "
        f"{EXTRACT.relative_to(REPO)}: {EXTRACT.read_text(encoding='utf-8').split(': ', 1)[1].split(', written')[0]}.\n"
        + "".join(f"{locale}\t{half}\t{marker}\n" for locale, half, marker in sorted(rows))
    )


def main() -> int:
    if sys.argv[1:] == ["--extract-cldr"]:
        EXTRACT.write_text(extract_cldr(), encoding="utf-8")
        print(f"CLDR day periods -> {EXTRACT}")
    text = build()
    OUT.write_text(text, encoding="utf-8")
    print(f"{text.count(chr(10)) - 1} markers -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
