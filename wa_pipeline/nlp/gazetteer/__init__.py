"""The lists of known names shipped with the package: organisations, product lines, people, places, towns.

Entries are kept as tuples of lower-cased tokens of the NER pipeline's own tokenizer, so "M-Pesa" is found
as the same three tokens the pipeline makes of it; each keeps the spellings it may be written in.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

_HERE = Path(__file__).parent
WORLD = "*"


def _lines(name: str) -> list[str]:
    text = (_HERE / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class NameList:
    """Names keyed by their lower-cased tokens; the value is every spelling the list gives."""

    # Spellings are tuples, not sets: a tuple of strings drops out of the cyclic collector's sight at its first pass,
    # where some 94,000 sets of one spelling stayed tracked for the life of the process and every full collection
    # walked them.
    entries: dict[tuple[str, ...], tuple[str, ...]]
    longest: int
    firsts: frozenset[str]  # the first word of every name: most words of a message start none

    @classmethod
    def of(cls, nlp: Language, names: Iterable[str]) -> NameList:
        entries: dict[tuple[str, ...], set[str]] = {}
        for name in names:
            # Words of letters alone split at spaces, as the tokenizer would split them; only names with
            # punctuation ("M-Pesa", "Haldiram's") need the tokenizer, which is slow over 40,000 towns.
            if all(word.isalpha() for word in name.split()):
                key = tuple(name.lower().split())
            else:
                key = tuple(token.lower_ for token in nlp.make_doc(name))
            entries.setdefault(key, set()).add(name)
        frozen = {key: tuple(sorted(spellings)) for key, spellings in entries.items()}
        return cls(frozen, max((len(key) for key in frozen), default=0), frozenset(key[0] for key in frozen))

    def longest_match(self, lowered: list[str], start: int) -> int:
        """How many lower-cased words from `start` form the longest listed name (0: none)."""
        if start >= len(lowered) or lowered[start] not in self.firsts:
            return 0
        for size in range(min(self.longest, len(lowered) - start), 0, -1):
            if tuple(lowered[start : start + size]) in self.entries:
                return size
        return 0

    def __contains__(self, key: tuple[str, ...]) -> bool:
        return key in self.entries

    def spellings(self, key: tuple[str, ...]) -> tuple[str, ...]:
        return self.entries.get(key, ())


@dataclass(frozen=True)
class Gazetteer:
    organisations: NameList  # every business: the makers of goods and the shops and services (shops.txt)
    brands: NameList  # the makers of goods and the brands a product line follows (organisations.txt alone)
    products: NameList
    people: frozenset[str]  # single lower-cased words
    places: NameList  # neighbourhoods, malls, landmarks (every region)
    towns: dict[str, NameList]  # region -> towns; WORLD for every region
    dishes: NameList  # dishes and foods: what is eaten names no one (dishes.txt)
    garments: NameList  # garments and cloths: what is worn names no one (garments.txt)

    def is_place(self, key: tuple[str, ...], region: str | None) -> bool:
        return (
            key in self.places
            or key in self.towns.get(WORLD, _EMPTY)
            or (region is not None and key in self.towns.get(region.upper(), _EMPTY))
        )

    def place_length(self, lowered: list[str], start: int, region: str | None) -> int:
        """How many words from `start` form the longest listed place, town or city (0: none)."""
        # Asked for every capitalised word: the lists are read in turn, without building a list of them.
        found = max(
            self.places.longest_match(lowered, start), self.towns.get(WORLD, _EMPTY).longest_match(lowered, start)
        )
        if region is not None:
            found = max(found, self.towns.get(region.upper(), _EMPTY).longest_match(lowered, start))
        return found


_EMPTY = NameList({}, 0, frozenset())


@functools.lru_cache(maxsize=4)
def load_gazetteer(nlp: Language) -> Gazetteer:
    """The shipped lists, tokenised by `nlp` (once per pipeline)."""
    towns: dict[str, list[str]] = {}
    for line in _lines("towns.tsv"):
        region, _, town = line.partition("\t")
        towns.setdefault(region, []).append(town)
    makers = _lines("organisations.txt")
    return Gazetteer(
        organisations=NameList.of(nlp, [*makers, *_lines("shops.txt")]),
        brands=NameList.of(nlp, makers),
        products=NameList.of(nlp, _lines("products.txt")),
        people=frozenset(word.lower() for line in _lines("people.txt") for word in line.split()),
        places=NameList.of(nlp, _lines("places.txt")),
        towns={region: NameList.of(nlp, names) for region, names in towns.items()},
        dishes=NameList.of(nlp, _lines("dishes.txt")),
        garments=NameList.of(nlp, _lines("garments.txt")),
    )
