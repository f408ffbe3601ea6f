"""Quantities ordered or delivered: a count or a measure and what it counts ("20 loaves", "3kg", "two boxes").

A quantity is a number (digits, an English number word from two to fifty, "a dozen"; "one" and "half" before a
measure or a container) followed by a unit or the item counted, with at most two describing words
between them ("3 large pizzas", "2 Samsung chargers", "3 broken glasses", "4 paint buckets"). Contents extend it:
"of" and a noun after any item ("2 yards of ankara"), or a noun straight after a measure or container ("2 kg
sugar", "3 plate momos"). The value is "<number> <unit>[ of <contents>]", the unit singular and lower case:
"20 loaf", "3 kg", "5 bag of maize".

What follows a number but is no quantity is ruled out by word lists: times and durations ("5pm",
"3 days"), money ("500 bob", left to money.py), dates ("12 December"), street addresses ("55 Water St"),
the everyday words of the chat languages ("3 ni sawa", "5 kg lene pe"), sizes, labels and models ("55 inch TV",
"size 42", "Plot 45", "iPhone 15 Pro"). Swahili's noun-then-number order ("mikate 20") is not read.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from pathlib import Path

from wa_pipeline.nlp.chat_words import CHAT_WORDS, CHAT_WORDS_BY_LANGUAGE, ENGLISH_WORDS
from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.money import parse_amount

_GAZETTEER = Path(__file__).parent / "gazetteer"

QUANTITY = "QUANTITY"

# Written unit -> canonical unit; these may be glued to the number ("3kg", "500ml").
MEASURES = {
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogrammes"), "kg"),
    **dict.fromkeys(("g", "gm", "gms", "gr", "gram", "grams", "grammes"), "g"),
    **dict.fromkeys(("l", "lt", "ltr", "ltrs", "litre", "litres", "liter", "liters"), "l"),
    **dict.fromkeys(("ml", "mls", "millilitre", "millilitres", "milliliter", "milliliters"), "ml"),
    **dict.fromkeys(("m", "metre", "metres", "meter", "meters", "mtr", "mtrs"), "m"),
    **dict.fromkeys(("cm", "cms"), "cm"),
    "mm": "mm",
    **dict.fromkeys(("km", "kms"), "km"),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), "lb"),
    "oz": "oz",
    "ft": "ft",
    **dict.fromkeys(("inch", "inches"), "inch"),
    **dict.fromkeys(("tonne", "tonnes"), "tonne"),
    **dict.fromkeys(("ton", "tons"), "ton"),
    **dict.fromkeys(("gal", "gallon", "gallons"), "gallon"),
    **dict.fromkeys(("pc", "pcs", "pce", "piece", "pieces"), "piece"),
    **dict.fromkeys(("doz", "dozen", "dozens"), "dozen"),
}
# Units that hold something: "5 bags of maize", "2 kg sugar", "a dozen eggs".
CONTAINERS = frozenset(
    {
        "bag",
        "box",
        "crate",
        "carton",
        "packet",
        "pack",
        "sack",
        "tin",
        "can",
        "jar",
        "bottle",
        "tray",
        "bucket",
        "basket",
        "bunch",
        "roll",
        "bundle",
        "case",
        "cup",
        "pair",
        "set",
        "loaf",
        "slice",
        "piece",
        "dozen",
        "kg",
        "g",
        "l",
        "ml",
        "lb",
        "debe",
        "gunia",
        "jerrican",
        "jerrycan",
        "gorogoro",
        "plate",
        "bowl",
        "glass",
        "pouch",
    }
)
# English number words: the one list for every reader of spelt-out numbers (quantities here; the test
# helpers that score transcripts read them too).
UNITS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen".split()
    )
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# A quantity counts from two to fifty in words ("two boxes"); "one" is as often a pronoun as a count, so it and
# "half" count only a measure or a container ("one carton of Indomie", "half a kg", "half kg paneer").
_NUMBER_WORDS = {word: value for word, value in {**UNITS, **TENS}.items() if 2 <= value <= 50}
_UNIT_ONLY_NUMBERS = {"one": Decimal(1), "half": Decimal("0.5")}
# Lengths after a number describe each piece ("55 inch TV", "9 inch blocks", "12ft timber"): a size, unless "of"
# makes them an amount ("20 ft of cable").
_SIZE_UNITS = frozenset({"inch", "ft"})
# "size 42", "sz 9 shoes", "Plot 45 Kitengela", "Block 5 Umoja", "table 4 guests", "Group 4 leader": a size or a
# label naming one place, thing or group of people, not a count of what follows.
_SIZE_BEFORE = re.compile(
    r"(?i)\b(?:size|sz|plot|lot|blk|house|hse|apt|apartment|flat|block|unit|room|rm|gate|stage|floor|shop|stall|phase|"
    r"sector|community|table|seat|bus|route|level|exit|box|door|suite|platform|bay|court|number|nr|group)\s*(?:no\.?\s*|#\s*)?$"
)
_ONES = re.compile(r"(?i)\s+ones?\b")
# "500g each box", "50kg per bag", "2 litres apiece": the size of every piece, not an amount ordered.
_EACH = re.compile(r"(?i)\s+(?:each|per|apiece)\b")
# "iPhone 15 Pro", "Redmi Note 12 Pro Max", "PlayStation 5 Slim": a model number, not a count.
_MODEL_WORDS = frozenset("pro max plus ultra mini lite note prime neo edge fe slim".split())
_CAMEL_CASE_BEFORE = re.compile(r"\b[a-zA-Z]+[a-z][A-Z][A-Za-z]*\s$")
# A capitalised word after another word, as in "Redmi Note 12": a product's name (a sentence's first word is not).
_NAME_BEFORE = re.compile(r"\w\s+[A-Z][\w-]*\s$")
# Words describing the item, kept in the value: size, colour, state, flavour, occasion (and, when another
# word follows, any "-ing" word or capitalised brand: "2 baking trays", "2 Samsung chargers").
MODIFIERS = frozenset(
    """
    large big small medium mini jumbo extra xl xxl king queen white brown black red blue green yellow pink
    purple grey gray orange golden silver fresh frozen dried new used whole plain sliced full half empty long
    short cold hot sweet spicy chocolate vanilla lemon strawberry banana carrot coconut butter cheese beef
    chicken wedding birthday baby kids ladies mens women men wooden plastic metal steel glass leather cotton
    extra-large round square heavy light thick thin iron gold paper rubber
    """.split()
)
# The describing words above that are also nouns: what a container holds can end with one ("2 bars of chocolate").
_NOUN_MODIFIERS = frozenset(
    "paper chocolate vanilla lemon strawberry banana carrot coconut butter cheese beef chicken gold silver steel "
    "iron glass leather cotton rubber plastic metal orange".split()
)
# Words after a number that are not what it counts. Taglish particles end an item ("4 pieces yung siomai"), and
# "din" is Tagalog's "too" and Hindi's "days" ("3 din ho gaye").
_NOT_ITEMS = frozenset(
    """
    am pm a.m p.m hr hrs hour hours min mins minute minutes sec secs second seconds day days week weeks wk wks
    month months year years yr yrs night nights oclock o'clock times time th st nd rd percent pct x
    jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august
    september october november december mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday
    thursday friday saturday sunday today tonight tomorrow tmrw tmr yesterday kesho leo jana
    dollars dollar bucks bob shillings shilling shilingi rupees rupee rs naira rand euros euro reais cedis
    ksh kes kshs usd ugx tzs inr ngn zar eur gbp k mn million thousand lakh lakhs crore crores bn billion
    of to for and or in at on by is are was were be been the a an it its this that these those from with
    near opposite behind beside along
    per each more less just left extra total than about around approx pls please plz thanks thank instead asap aside
    sir madam bro boss dear i you we they he she me us them my your our their his her who what which
    will would can could shall should may might must have has had do does did done not no yes ok okay
    tu na ya za wa kwa ni hai hain ka ki ke ko se hi pia sasa hapo tena kila au lakini bado
    floor stage gate house apt block plot estate weekly daily monthly every
    cost costs costing sold paid delivered received arrived came went got remaining remain missing needed
    ready available done pending only get free go delivery deposit discount off advance balance cash change
    asubuhi mchana jioni usiku po opo
    yung ung yun ang mga naman ba pa din rin kasi ito
    pesos peso php centavos kobo paise cents cent pence quid grand cedi ghs ghc
    gb mb tb kb mbps mah mp hz ghz watt watts volt volts bhk bedroom bedroomed seater star stars
    """.split()
)
_NUMBER = r"\d+(?:[.,]\d+)?"
# Any script's letters: "1 poulet braisé", "3 Brötchen", "2 cafés" are whole words.
_WORD = r"[^\W\d_](?:[^\W\d_]|['’-])*"
# Units also written in capitals glued to the number ("5KG", "500ML", "2L"); "M" and "G" stay out: "2M" is
# money, "5G" a network.
_SHOUTED = "|".join(sorted((unit for unit in MEASURES if len(unit) > 1 and unit.isalpha()), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"""
    (?<![\w.,/:#+$€£₹₦-])
    (?P<number>{_NUMBER}|(?i:(?:half\s+)?a\s+dozen|half\s+dozen|half(?:\s+an?)?|{"|".join([*_NUMBER_WORDS, "one"])}))
    (?:(?P<glued>{"|".join(sorted(MEASURES, key=len, reverse=True))}|(?i:{_SHOUTED})|L)(?![\w])|(?P<rest>\s+{_WORD}))
    """,
    re.VERBOSE,
)
# A size or grade opening what a container holds: letters and digits in one word ("A4", "8x4", "2.5mm", "13A").
_SPEC = re.compile(r"\s+(?P<spec>(?=[\w.]*\d)(?=[\w.]*[^\W\d_])\w[\w.]*\w)(?=\s)")
_SWAHILI_CLOCK = re.compile(r"(?i)\bsaa\s+$")
_YEAR = re.compile(r"19[5-9]\d|20[0-4]\d")
_ARTICLE_BEFORE = re.compile(r"(?i)(?<![\w'’])an?\s+$")
_DURATION_AFTER = re.compile(
    r"(?i)\s+(?:days?|weeks?|wks?|months?|years?|yrs?|hours?|hrs?|minutes?|mins?|nights?|seconds?|secs?)\b"
)
_IN_A_NAME = re.compile(r"[A-Z][a-z]+$")
_MID_SENTENCE = re.compile(r"[\w,]\s+$")
_WORD_AT = re.compile(_WORD)
_STREETS = frozenset("street st road rd avenue ave lane ln drive dr close crescent way boulevard blvd".split())
# Words ending in "en" that are things, not descriptions ("10 chicken", "2 women").
_NOUNS_IN_EN = frozenset(
    "chicken chickens women men children kitchen garden linen oven ovens screen screens "
    "token tokens pen pens den queen king kitten kittens".split()
)
_IRREGULAR = {
    "loaves": "loaf",
    "knives": "knife",
    "leaves": "leaf",
    "halves": "half",
    "shelves": "shelf",
    "wives": "wife",
    "lives": "life",
    "people": "people",
    "children": "child",
    "feet": "foot",
    "teeth": "tooth",
    "mice": "mouse",
    "men": "man",
    "women": "woman",
    "series": "series",
    "species": "species",
    "shoes": "shoe",
    "pieces": "piece",
    "sauces": "sauce",
    "cases": "case",
    "glasses": "glass",
    "buses": "bus",
    "boxes": "box",
    "dishes": "dish",
    "tomatoes": "tomato",
    "potatoes": "potato",
    "mangoes": "mango",
    "sizes": "size",
    "prices": "price",
    "pies": "pie",
    "ties": "tie",
    "dies": "die",
    "cookies": "cookie",
    "movies": "movie",
    "bottles": "bottle",
}


# "2x chicken wraps", "1x large chips": an order's or a receipt's count, the "x" glued to it read as if it were not
# there, when a common noun in lower case follows. A capitalised one may be a product's name, left to the names
# ("2x Pizza Salami, 1x Margherita"); a digit makes it a size or a pack ("3x3", "2x 5kg bags"); a spaced "2 x" is
# left alone, as `entities_dev.jsonl` annotates "2 x large cappuccino". A star glued to the count does the same in
# supplier lists ("5*bags potatoes", "4* packets parsley"), before any word: what follows is the count's.
_TIMES = re.compile(
    r"(?<![\w.,/:#+$€£₹₦*-])(?P<count>\d{1,3})(?:(?P<times>[x×])(?=\s+(?-i:[^\W\d_A-ZÀ-Þ]))|(?P<star>\*\s?)(?=[^\W\d_]))"
)


def find_quantities(text: str | None) -> list[Entity]:
    """Quantities in `text`, each valued "<number> <unit>[ of <contents>]"."""
    if not text or not any(map(str.isdigit, text)) and not _has_number_word(text):
        return []
    original = text
    # The same offsets with each count's "x" blanked out, so that the item after it is read as the count's.
    text = _TIMES.sub(lambda m: m.group("count") + " " * len(m.group("times") or m.group("star")), text)
    found = []
    position = 0
    while True:
        match = _QUANTITY.search(text, position)
        if match is None:
            return found
        entity = _read(text, match)
        if entity is not None and text is not original:
            entity = _entity(original, entity.start, entity.end, entity.value)
        if entity is not None:
            found.append(entity)
            position = entity.end
        else:
            position = match.start("number") + len(match.group("number"))


def _read(text: str, match: re.Match) -> Entity | None:
    if _SWAHILI_CLOCK.search(text, 0, match.start()):
        return None  # "saa 12 jioni": a time of day on the Swahili clock
    if _SIZE_BEFORE.search(text, 0, match.start()) or _CAMEL_CASE_BEFORE.search(text, 0, match.start()):
        return None
    written = match.group("number")
    if _IN_A_NAME.match(written) and _MID_SENTENCE.search(text, 0, match.start()) and match.group("rest"):
        following = match.group("rest").strip()
        unit = following.lower()
        if following[:1].isupper() and not (unit in MEASURES or _singular(unit) in CONTAINERS):
            return None  # "at Two Rivers", "Five Guys": a number word in a name, capitalised mid-sentence
    if _YEAR.fullmatch(written) and match.group("rest"):
        following = match.group("rest").strip().lower()
        plural = _singular(following) != following or following in _IRREGULAR
        if not plural and following not in MEASURES and following not in CONTAINERS:
            return None  # "the 2023 model", "a 2019 Corolla": a year naming one thing, not a count
    number = _number_value(written)
    if number == 0:
        return None  # "0 stars", the tail of a long number written in groups: nothing counted
    # "a dozen vetkoek", "half a dozen itlog": a dozen counts its item, whose plural a chat may not write
    counts_dozen = written.lower().endswith("dozen")
    unit_only = written.split()[0].lower() in _UNIT_ONLY_NUMBERS and not counts_dozen
    if match.group("glued"):
        glued = MEASURES[match.group("glued").lower()]
        if glued in _SIZE_UNITS and not re.match(r"\s+of\s", text[match.end("glued") :]):
            return None
        each = glued not in ("piece", "dozen") and _EACH.match(text, match.end("glued"))
        if _ONES.match(text, match.end("glued")) or each:
            return None  # "the 5L ones", "a 2kg one", "500g each": the size of the thing chosen
        return _with_contents(text, match.start(), match.end("glued"), number, glued, measure=True)
    words = _phrase(text, match.start("rest"), limit=3)
    if words and all(_describes(w[2]) for w in words) and _DURATION_AFTER.match(text, words[-1][1] + len(words[-1][0])):
        return None  # "within 2 working days", "3 full weeks": a duration
    if words and words[0][2] in _MODEL_WORDS and not _describes_goods(text, match.start(), words):
        return None
    if unit_only and not (words and (words[0][2] in MEASURES or words[0][2] in CONTAINERS)):
        return None  # "one of them", "half price": no measure or container follows
    for index, (word, start, lower) in enumerate(words):
        if lower in MEASURES:
            if MEASURES[lower] in _SIZE_UNITS and not re.match(r"\s+of\s", text[start + len(word) :]):
                return None
            each = MEASURES[lower] not in ("piece", "dozen") and _EACH.match(text, start + len(word))
            if _ONES.match(text, start + len(word)) or each:
                return None  # "the 5 litre one", "5 litres each": the size of the thing chosen
            unit = " ".join([*(w[2] for w in words[:index]), MEASURES[lower]])
            return _with_contents(text, match.start(), start + len(word), number, unit, measure=True)
        if index == 0 and written[0].isdigit() and _ARTICLE_BEFORE.search(text, 0, match.start()):
            return None  # "a 2 burner cooker", "an 8 seater": what one thing is, no count ("a 2kg cake" weighs)
        describes = _describes(lower) or (word[0].isupper() and len(word) > 2)
        if describes and index < len(words) - 1:
            continue  # "3 large pizzas", "2 Samsung chargers": the item comes after
        if (
            index < len(words) - 1
            and lower not in CONTAINERS
            and _is_plural(words[index + 1][2])
            and not _is_plural(lower)
        ):
            continue  # "4 paint buckets", "50 meat pies": a noun before a plural names the kind of thing counted
        item = _singular(lower)
        if not written[0].isdigit() and item == lower and item not in CONTAINERS and not counts_dozen:
            return None  # a number word before a word that is neither plural nor a unit: "two years old"
        if len(lower) < 2:
            return None
        unit = " ".join([*(w[2] for w in words[:index]), item])
        return _with_contents(text, match.start(), start + len(word), number, unit, measure=item in CONTAINERS)
    return None


def _describes_goods(text: str, start: int, words: list[tuple[str, int, str]]) -> bool:
    """Whether a model word after the count describes the goods after it ("50 mini pizzas"), not a model
    ("iPhone 13 mini", "Note 12 mini"): it is a size word, goods follow, and no product name stands before."""
    return (
        words[0][2] in MODIFIERS
        and len(words) > 1
        and words[1][2] not in _MODEL_WORDS
        and not _NAME_BEFORE.search(text, 0, start)
    )


def _phrase(text: str, start: int, limit: int, brands: bool = False) -> list[tuple[str, int, str]]:
    """Up to `limit` words from `start` that could name an item: on one line, no punctuation between them,
    none of them a function word, a time word or a word of the chat languages; None for a street address.
    With `brands` (after "of"), up to three capitalised words opening the phrase are a brand's name and not
    counted: "one crate of Star", "3 packs of Lucky Me pancit canton"."""
    words = []
    brand = 0
    for word_match in _WORD_AT.finditer(text, start):
        word, word_start = word_match.group(), word_match.start()
        lower = word.lower().strip("'’")
        if text[start:word_start].strip(" \t") if not words else not _adjacent(text, words[-1], word_start):
            break  # only spaces between the words: punctuation or a line break ends the phrase
        if lower in _STREETS:
            return []  # "55 Water St", "14 Moi Avenue": an address, not a count
        if not lower.replace("-", "").isalpha():
            break
        if brands and len(words) == brand < 3 and word[:1].isupper() and _brand_word(lower, brand):
            brand += 1
            words.append((word, word_start, lower))
            continue
        if lower not in MODIFIERS and lower not in MEASURES and (lower in _NOT_ITEMS or _chat_word(lower, brands)):
            break
        words.append((word, word_start, lower))
        if len(words) - brand == limit:
            break
    return words


def _chat_word(lower: str, after_of: bool) -> bool:
    """A word of the chat languages, which ends an item's phrase; after "of" an English word that only another
    language's chat words list is what the container holds ("2 bales of hay", Spanish "hay"), and anywhere a food
    or a garment the lists name that only another language's chat words list ("2 packs of mince", "500g mince",
    "1 suit": French "mince", "suit")."""
    if lower not in CHAT_WORDS:
        return False
    if lower in _goods_words() and lower not in _EVERYDAY_ELSEWHERE and lower not in CHAT_WORDS_BY_LANGUAGE["en"]:
        return False
    return not (after_of and lower in ENGLISH_WORDS and lower not in CHAT_WORDS_BY_LANGUAGE["en"])


# Foods and garments spelt as another chat language's everyday word: German "hat" (has) and "Tag" (day), Spanish "soy"
# (I am), Portuguese "boa" (good), Pidgin "chop" (eat).
_EVERYDAY_ELSEWHERE = frozenset({"hat", "tag", "soy", "boa", "chop"})


@functools.cache
def _goods_words() -> frozenset[str]:
    """The one-word foods and garments of the gazetteer's lists (built from WordNet and faker-food)."""
    words = set()
    for name in ("dishes.txt", "garments.txt"):
        for line in (_GAZETTEER / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and " " not in line:
                words.add(line.lower())
    return frozenset(words)


def _brand_word(lower: str, at: int) -> bool:
    """The capitalised word can be a brand's `at`-th word: the first may be an item word elsewhere ("Star") but no
    chat word ("2 crates of Please"), the others no word that is no item, unless a short one ("Lucky Me", not
    "Coke Tomorrow")."""
    if at == 0:
        return lower not in CHAT_WORDS
    return lower not in _NOT_ITEMS or len(lower) <= 2


def _adjacent(text: str, previous: tuple[str, int, str], start: int) -> bool:
    return text[previous[1] + len(previous[0]) : start].strip(" \t") == ""


def _with_contents(text: str, start: int, end: int, number: Decimal, unit: str, measure: bool) -> Entity:
    """Extend a quantity over what it holds: "of" and a noun after any item ("2 yards of ankara",
    "3 pieces of chicken"), or a noun straight after a measure or container ("2 kg sugar", "3 plate momos")."""
    partitive = re.match(r"\s+of(?=\s)", text[end:])
    if partitive is None and not measure:
        return _entity(text, start, end, f"{_format(number)} {unit}")
    spec = partitive and _SPEC.match(text, end + partitive.end())
    if spec:
        # "3 boxes of A4 paper", "4 rolls of 2.5mm cable": a size or grade before the goods is part of the contents
        goods = _phrase(text, spec.end(), limit=2)
        if goods and not (goods[0][2] in CONTAINERS or _singular(goods[0][2]) in CONTAINERS):
            goods = _head(goods, partitive=True)
            contents = " ".join([spec.group("spec").lower(), *(w[2] for w in goods)])
            end_of_goods = goods[-1][1] + len(goods[-1][0])
            return _entity(text, start, end_of_goods, f"{_format(number)} {unit} of {contents}")
    words = _phrase(text, end + (partitive.end() if partitive else 0), limit=3, brands=partitive is not None)
    if not partitive and words and (words[0][2] in CONTAINERS or _singular(words[0][2]) in CONTAINERS):
        words = []  # "50kg bag": the container, not what it holds
    words = _head(words, partitive=partitive is not None)
    if not words:
        return _entity(text, start, end, f"{_format(number)} {unit}")
    last_word, last_start, _ = words[-1]
    contents = " ".join(w[2] for w in words)
    return _entity(text, start, last_start + len(last_word), f"{_format(number)} {unit} of {contents}")


def _head(words: list[tuple[str, int, str]], partitive: bool) -> list[tuple[str, int, str]]:
    """The contents up to their head noun: a plural ends them ("1 dozen bananas send"), and trailing describing
    words are dropped ("2 kg sugar brown" never is), except the one noun after "of" ("2 kilos of chicken")."""
    for index, word in enumerate(words):
        if _is_plural(word[2]) and not (partitive and word[0][:1].isupper() and index < len(words) - 1):
            words = words[: index + 1]  # a brand's plural goes on to its goods: "3 packs of Walkers crisps"
            break
    # A describing word that is also a noun stays at the end ("3 boxes of printer paper", "250g butter").
    while len(words) > (1 if partitive else 0) and _describes(words[-1][2]) and words[-1][2] not in _NOUN_MODIFIERS:
        words.pop()
    return words


def _entity(text: str, start: int, end: int, value: str) -> Entity:
    return Entity(QUANTITY, text[start:end], start, end, value, "rule")


def _describes(lower: str) -> bool:
    # Size, colour and the like, and participles: "printed", "baking", "broken".
    return lower in MODIFIERS or _participle(lower)


def _participle(lower: str) -> bool:
    return lower.endswith(("ed", "ing", "en")) and lower not in _NOUNS_IN_EN


def _spaced(text: str, start: int) -> bool:
    """The word at `start` follows the previous one on the same line, with no punctuation between."""
    gap_start = start
    while gap_start > 0 and text[gap_start - 1] in " \t":
        gap_start -= 1
    return gap_start < start


def _number_value(written: str) -> Decimal | None:
    lower = " ".join(written.lower().split())
    if lower == "a dozen":
        return Decimal(12)
    if lower in ("half a dozen", "half dozen"):
        return Decimal(6)
    if lower.split()[0] in _UNIT_ONLY_NUMBERS:
        return _UNIT_ONLY_NUMBERS[lower.split()[0]]
    if lower in _NUMBER_WORDS:
        return Decimal(_NUMBER_WORDS[lower])
    amount = parse_amount(written, "")
    return amount if amount is not None else Decimal(written.replace(",", ""))


def _format(number: Decimal) -> str:
    return str(int(number)) if number == number.to_integral_value() else f"{number.normalize():f}"


def _singular(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "sis")) and len(word) > 3:
        return word[:-1]
    return word


def _is_plural(word: str) -> bool:
    return _singular(word) != word and word not in ("people", "series", "species")


def _has_number_word(text: str) -> bool:
    lower = text.lower()
    return any(word in lower for word in ("dozen", "one", "half", *_NUMBER_WORDS))
