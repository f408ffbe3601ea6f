"""Extract the English nouns that name goods a shop sells from Princeton WordNet 3.0 into
scripts/sources/goods_nouns.tsv, which build_goods.py reads.

Usage: .venv/bin/python scripts/extract_goods_nouns.py [--downloads DIR]

Chats write a brand before the kind of goods it is ("the Fairy liquid", "a Brita filter", "Milo refill"), and a
brand no list holds is then read as a person or nothing. WordNet says what a noun names first: a noun is kept when
its first (most frequent) sense is a made thing, a food or a substance (lexicographer files noun.artifact, noun.food,
noun.substance), written in lower case in one word (with its plural when it is no verb: "fridges") or in two or
three ("corn oil", "pressure cooker", "tea bag": a brand is written before these as before one word; their plural too,
"tea bags", since no verb is written that way) and not more often an adverb ("upstairs", "still"), unless that
sense is a building, a facility, a vehicle, a road, an area, a garment or a cloth ("garage", "cab", "street",
"reception", "saree": a place, a ride or a thing worn, no goods). Without --downloads the pinned Debian package `wordnet-base` (the one extract_food_names.py reads) is
fetched with `apt-get download`; it must have the pinned sha256, so the extract is the same wherever it is made, and
the extract is committed (its own sha256 is checked by test_gazetteer_provenance.py) so that building the list and the
tests need no network.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import lzma
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract_food_names import WORDNET, _deb_member

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "scripts" / "sources" / "goods_nouns.tsv"
# lexnames(5WN): the files whose nouns are things a shop can sell
_GOODS_FILES = {6: "artifact", 13: "food", 27: "substance"}
# WordNet 3.0 synset offsets of the made things that are no goods: every hyponym of these is left out
_NOT_GOODS = {
    "04341686": "structure, construction",
    "03315023": "facility, installation",
    "03100490": "conveyance, transport",
    "04564698": "way",
    "02735688": "area",
    "03297735": "establishment",
    "03051540": "clothing",
    "03309808": "fabric, cloth",
}


def _wordnet_files(deb: bytes) -> tuple[str, str, str, str]:
    data = lzma.decompress(_deb_member(deb, "data.tar.xz"))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        read = lambda name: tar.extractfile(f"./usr/share/wordnet/{name}").read().decode("latin-1")  # noqa: E731
        return read("data.noun"), read("index.noun"), read("index.verb"), read("index.adv")


def _plural(noun: str) -> str:
    """The plural of a noun of one or more words, made on its last word ("tea bags")."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _rows(data_noun: str, index_noun: str, index_verb: str, index_adv: str) -> set[tuple[str, str]]:
    files: dict[str, int] = {}
    hyponyms: dict[str, list[str]] = {}
    for line in data_noun.splitlines():
        if line.startswith("  "):
            continue  # the licence
        fields = line.split()
        count = int(fields[3], 16)
        at = 4 + 2 * count
        files[fields[0]] = int(fields[1])
        hyponyms[fields[0]] = [
            fields[at + 1 + 4 * n + 1]
            for n in range(int(fields[at]))
            if fields[at + 1 + 4 * n] in ("~", "~i") and fields[at + 1 + 4 * n + 2] == "n"
        ]
    excluded, stack = set(), list(_NOT_GOODS)
    while stack:
        offset = stack.pop()
        if offset not in excluded:
            excluded.add(offset)
            stack.extend(hyponyms[offset])
    # A noun used more often as an adverb (WordNet's tagged-sense counts: "upstairs", "still", "thus") is the adverb
    # after a name ("in the Chimwemwe Gallery upstairs"); "piano", tagged more as a noun, stays.
    adverbs = {
        fields[0]: int(fields[-int(fields[2]) - 1])
        for fields in (line.split() for line in index_adv.splitlines() if not line.startswith("  "))
    }
    rows = set()
    for line in index_noun.splitlines():
        if line.startswith("  "):
            continue
        fields = line.split()
        word, senses = fields[0], int(fields[2])
        first = fields[-senses]  # index.noun lists a lemma's synsets most frequent first
        if word in adverbs and adverbs[word] >= int(fields[-senses - 1]):
            continue
        parts = word.split("_")
        if len(parts) > 3 or not all(part.isalpha() and part.islower() for part in parts):
            continue
        if files[first] in _GOODS_FILES and first not in excluded:
            rows.add((" ".join(parts), _GOODS_FILES[files[first]]))
    # The plural of a noun that is no verb ("fridges"); a verb's "-s" is its present tense after a name more often
    # than goods ("Ngozi wants", "Coach Mike needs").
    verbs = {line.split()[0] for line in index_verb.splitlines() if not line.startswith("  ")}
    rows |= {(_plural(word), kind) for word, kind in rows if word not in verbs}
    return rows


def extract(downloads: Path) -> str:
    """The text of goods_nouns.tsv from the pinned package in `downloads`."""
    deb = (downloads / WORDNET[2]).read_bytes()
    if hashlib.sha256(deb).hexdigest() != WORDNET[3]:
        raise SystemExit(f"{WORDNET[2]}: sha256 is not the pinned one")
    rows = _rows(*_wordnet_files(deb))
    header = (
        "# noun<TAB>artifact|food|substance (its first sense). Generated by scripts/extract_goods_nouns.py from "
        f"Princeton WordNet 3.0 (WordNet 3.0 licence; Debian {WORDNET[0]} {WORDNET[1]}, package sha256 {WORDNET[3]}).\n"
    )
    return header + "".join(f"{word}\t{kind}\n" for word, kind in sorted(rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--downloads", type=Path, help="a folder holding the pinned package")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        downloads = args.downloads or Path(tmp)
        if not args.downloads:
            subprocess.run(["apt-get", "download", f"{WORDNET[0]}={WORDNET[1]}"], cwd=downloads, check=True)
        text = extract(downloads)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{text.count(chr(10)) - 1} nouns -> {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
