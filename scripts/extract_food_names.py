"""Extract the names of dishes, foods, garments and cloths from two pinned public sources into
scripts/sources/food_names.tsv, which build_dishes.py reads.

Usage: .venv/bin/python scripts/extract_food_names.py [--downloads DIR]

Chats name what they order in title case ("Two Chelsea Buns and a Victoria Sponge", "the Harris Tweed jacket"), and
the model reads a dish or a garment as a person or a town. Two public lists name them: the PyPI package
`faker-food` (MIT; its lists of dishes, ingredients, fruits, vegetables, spices and sushi in `faker_food/*.py`, read
as data, never imported) and Princeton WordNet 3.0 as Debian ships it (`wordnet-base`, the WordNet 3.0 licence): every
noun of its food file (`noun.food`) and every noun under "clothing", "garment", "headdress" and "fabric". Without
--downloads the pinned versions are fetched with `pip download` and `apt-get download`; each file must have the pinned
sha256, so the extract is the same wherever it is made, and the extract is committed (its own sha256 is checked by
test_gazetteer_provenance.py) so that building the list and the tests need no network.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import io
import lzma
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "scripts" / "sources" / "food_names.tsv"
FAKER_FOOD = (
    "faker-food",
    "0.3.0",
    "faker_food-0.3.0-py3-none-any.whl",
    "eeec5f2cd64708b7cbb620a1851cb0cff77012a3f582535ddc8fd8ab535265e7",
)
WORDNET = (
    "wordnet-base",
    "1:3.0-37",
    "wordnet-base_1%3a3.0-37_all.deb",
    "61060d960f9ada8fa120872312eccd3ecebfbab8c4579e4f5a74e1cf67620752",
)
# faker-food's module-level lists and what each names
_FAKER_FOOD_KINDS = {
    "dishes": "dish",
    "ingredients": "food",
    "fruits": "food",
    "vegetables": "food",
    "spices": "food",
    "sushi": "dish",
}
_WORDNET_FOOD_FILE = 13  # lexnames(5WN): noun.food
# WordNet 3.0 synset offsets of the roots whose every hyponym is worn or woven
_WORDNET_CLOTHING = {
    "03051540": "garment",  # clothing, article of clothing, wear
    "03419014": "garment",  # garment
    "03502509": "garment",  # headdress, headgear
    "03309808": "fabric",  # fabric, cloth, material, textile
}


def _faker_food_rows(wheel: zipfile.ZipFile) -> set[tuple[str, str, str]]:
    rows = set()
    for member in wheel.namelist():
        if not (member.startswith("faker_food/") and member.endswith(".py")):
            continue
        for node in ast.parse(wheel.read(member).decode("utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                kind = _FAKER_FOOD_KINDS.get(node.targets[0].id)
                if kind:
                    rows.update((" ".join(name.split()), kind, "faker-food") for name in ast.literal_eval(node.value))
    return rows


def _deb_member(deb: bytes, name: str) -> bytes:
    """One member of a Debian package's ar archive."""
    at = 8  # "!<arch>\n"
    while at < len(deb):
        header = deb[at : at + 60]
        size = int(header[48:58].decode("ascii"))
        if header[:16].decode("ascii").strip().rstrip("/") == name:
            return deb[at + 60 : at + 60 + size]
        at += 60 + size + size % 2
    raise SystemExit(f"{name} is not in the package")


def _wordnet_nouns(deb: bytes) -> str:
    data = lzma.decompress(_deb_member(deb, "data.tar.xz"))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return tar.extractfile("./usr/share/wordnet/data.noun").read().decode("latin-1")


def _lemma(word: str) -> str:
    # "Caesar_salad", "cup_of_tea", "beefsteak_tomato(a)": underscores are spaces, an adjective marker goes
    return word.split("(")[0].replace("_", " ")


def _wordnet_rows(data_noun: str) -> set[tuple[str, str, str]]:
    synsets: dict[str, tuple[int, list[str], list[str]]] = {}
    for line in data_noun.splitlines():
        if line.startswith("  "):
            continue  # the licence
        fields = line.split()
        count = int(fields[3], 16)
        words = [_lemma(fields[4 + 2 * n]) for n in range(count)]
        at = 4 + 2 * count
        hyponyms = [
            fields[at + 1 + 4 * n + 1]
            for n in range(int(fields[at]))
            if fields[at + 1 + 4 * n] in ("~", "~i") and fields[at + 1 + 4 * n + 2] == "n"
        ]
        synsets[fields[0]] = (int(fields[1]), words, hyponyms)
    rows = {
        (word, "food", "WordNet")
        for lexicon, words, _ in synsets.values()
        if lexicon == _WORDNET_FOOD_FILE
        for word in words
    }
    for root, kind in _WORDNET_CLOTHING.items():
        seen, stack = set(), [root]
        while stack:
            offset = stack.pop()
            if offset not in seen:
                seen.add(offset)
                stack.extend(synsets[offset][2])
        rows.update((word, kind, "WordNet") for offset in seen - {root} for word in synsets[offset][1])
    return rows


def extract(downloads: Path) -> str:
    """The text of food_names.tsv from the pinned downloads in `downloads`."""
    for _, _, filename, digest in (FAKER_FOOD, WORDNET):
        if hashlib.sha256((downloads / filename).read_bytes()).hexdigest() != digest:
            raise SystemExit(f"{filename}: sha256 is not the pinned one")
    with zipfile.ZipFile(downloads / FAKER_FOOD[2]) as wheel:
        rows = _faker_food_rows(wheel)
    rows |= _wordnet_rows(_wordnet_nouns((downloads / WORDNET[2]).read_bytes()))
    header = (
        "# name<TAB>dish|food|garment|fabric<TAB>source. Generated by scripts/extract_food_names.py from "
        f"{FAKER_FOOD[0]} {FAKER_FOOD[1]} (MIT licence, PyPI; wheel sha256 {FAKER_FOOD[3]}); Princeton WordNet 3.0 "
        f"(WordNet 3.0 licence; Debian {WORDNET[0]} {WORDNET[1]}, package sha256 {WORDNET[3]}).\n"
    )
    return header + "".join(f"{n}\t{k}\t{s}\n" for n, k, s in sorted(rows) if n)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--downloads", type=Path, help="a folder holding the pinned wheel and package")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        downloads = args.downloads or Path(tmp)
        if not args.downloads:
            pin = f"{FAKER_FOOD[0]}=={FAKER_FOOD[1]}"
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(downloads), pin], check=True
            )
            subprocess.run(["apt-get", "download", f"{WORDNET[0]}={WORDNET[1]}"], cwd=downloads, check=True)
        text = extract(downloads)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{text.count(chr(10)) - 1} names -> {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
