"""Write each export locale's list joiners ("list_joiners" in wa_pipeline/whatsapp/export_locales/<language>.json).

Usage: .venv/bin/python scripts/build_list_joiners.py   (needs Node.js built with full ICU; the output is committed)

WhatsApp names the members of a group event in one line ("Juma added Ann, Ben and Carl", "Juma añadió a Ann, Ben y
Carl"), joined as the phone's language joins a list: the Unicode CLDR list patterns (conjunction), which Android
and iOS format lists with. Source: those patterns as the ICU in Node.js holds them (`Intl.ListFormat`), read by
formatting lists of two to four placeholder names and keeping what stands between them. A joiner that is only
spaces (Thai writes "A B C และD") is left out: it would cut every name of two words.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCALES = REPO / "wa_pipeline" / "whatsapp" / "export_locales"
# Items the joiners are read between: Latin ones, ones opening with the sounds some languages join differently
# (Spanish "y" becomes "e" before "i"), and Hebrew ones (Hebrew joins its own letters without the hyphen).
_ITEMS = [["Qa", "Qb", "Qc", "Qd"], ["Ia", "Ib", "Ic", "Id"], ["Hia", "Hib", "Hic", "Hid"], ["אא", "אב", "אג", "אד"]]
_SCRIPT = """
const [locales, items] = JSON.parse(process.argv[1]);
const out = {};
for (const locale of locales) {
  const format = new Intl.ListFormat(locale, {type: "conjunction", style: "long"});
  out[locale] = {
    resolved: format.resolvedOptions().locale,
    lists: items.flatMap(set => [2, 3, 4].map(n => [set.slice(0, n), format.format(set.slice(0, n))])),
  };
}
console.log(JSON.stringify({icu: process.versions.icu, cldr: process.versions.cldr, out}));
"""


def _between(items: list[str], text: str) -> list[str]:
    """What stands between consecutive items in `text`, the list formatted."""
    joiners = []
    position = text.index(items[0]) + len(items[0])
    for item in items[1:]:
        start = text.index(item, position)
        joiners.append(text[position:start])
        position = start + len(item)
    return joiners


def main() -> None:
    locales = sorted(path.stem for path in LOCALES.glob("*.json"))
    run = subprocess.run(
        ["node", "-e", _SCRIPT, json.dumps([locales, _ITEMS])], capture_output=True, text=True, check=True
    )
    data = json.loads(run.stdout)
    for locale in locales:
        found = data["out"][locale]
        joiners = sorted(
            {joiner for items, text in found["lists"] for joiner in _between(items, text) if joiner.strip()},
            key=lambda joiner: (-len(joiner), joiner),
        )
        path = LOCALES / f"{locale}.json"
        content = json.loads(path.read_text(encoding="utf-8"))
        content["list_joiners"] = {
            "words": joiners,
            "source": (
                f"Unicode CLDR {data['cldr']} list patterns (conjunction, long) of locale {found['resolved']}, as ICU"
                f" {data['icu']} in Node.js formats a list; written by scripts/build_list_joiners.py"
            ),
        }
        path.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
