"""Amounts of money written in chat text, normalised to an ISO 4217 code and an amount ("KES 3500.00").

An amount is a number with a currency marker around it: a symbol (₹ $ € £ ₦ R$), a code (KES, USD, "Ksh"),
a word ("85 dollars", "500 bob") or the East African "/=". A bare number is not money, however likely: the
currency would be a guess. Markers shared by several currencies ("$", "Rs", "/=", "dollars") resolve to the
default currency when it is one of them, otherwise to the commonest one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from wa_pipeline.nlp.currencies import CURRENCY_CODES, minor_digits
from wa_pipeline.nlp.entity import Entity

MONEY = "MONEY"


@dataclass(frozen=True)
class _Shared:
    """A marker several currencies use: the default currency if it is one of them, else the commonest."""

    members: frozenset[str] | None  # None: any default currency
    commonest: str


# "$" is also the peso sign across Latin America ("$85.000" in Bogotá).
_DOLLAR = _Shared(frozenset("USD CAD AUD NZD SGD HKD LRD JMD TTD BSD BBD FJD NAD MXN COP ARS CLP UYU".split()), "USD")
_PESO = _Shared(frozenset("MXN COP ARS CLP UYU PHP DOP CUP".split()), "MXN")
# The CFA franc of West Africa (XOF) and of Central Africa (XAF) are written alike.
_CFA = _Shared(frozenset({"XOF", "XAF"}), "XOF")
_RUPEE = _Shared(frozenset("INR PKR LKR NPR MUR SCR".split()), "INR")
_SHILLING = _Shared(frozenset("KES UGX TZS SOS".split()), "KES")
# "500/-" is how India and Pakistan write a round price; elsewhere it follows the default currency.
_ANY = _Shared(None, "INR")
_LOCAL = _Shared(frozenset(), "")  # a marker of _LOCAL_MARKERS: find_money reads it as the default currency

# Markers that are a currency only where it is the region's ("RM 45" in Malaysia, "Tk 850" in Bangladesh, "K150" in
# Zambia); elsewhere "rm 12" is a room, "tk" Hinglish "tak" and "K20" a model.
_LOCAL_MARKERS = {"rm": frozenset({"MYR"}), "tk": frozenset({"BDT"}), "tk.": frozenset({"BDT"})}
_KWACHA = frozenset({"ZMW", "MWK"})

# Lower-cased marker -> currency code or ambiguity class. Single capital letters (R, N) are matched
# case-sensitively below: "r 50" and "n 50" are not amounts.
_PREFIXES: dict[str, str | _Shared] = {
    "₹": "INR",
    "rs": _RUPEE,
    "rs.": _RUPEE,
    "inr": "INR",
    "$": _DOLLAR,
    "us$": "USD",
    "usd$": "USD",
    "c$": "CAD",
    "a$": "AUD",
    "ca$": "CAD",
    "au$": "AUD",
    "ksh": "KES",
    "ksh.": "KES",
    "kshs": "KES",
    "kshs.": "KES",
    "kes": "KES",
    "kes.": "KES",
    "sh": _SHILLING,
    "sh.": _SHILLING,
    "shs": _SHILLING,
    "shs.": _SHILLING,
    "ush": "UGX",
    "ushs": "UGX",
    "tsh": "TZS",
    "tshs": "TZS",
    "€": "EUR",
    "£": "GBP",
    "₦": "NGN",
    "r$": "BRL",
    "gh₵": "GHS",
    "gh¢": "GHS",  # the cent sign stands in for the cedi's on most keyboards
    "ghc": "GHS",
    "₵": "GHS",
    "₱": "PHP",
    "dhs": "AED",
    "frw": "RWF",
    "fcfa": _CFA,
    "cfa": _CFA,
    "rp": "IDR",
    "bob": "KES",  # "bob 300": Sheng puts it on either side
    "#": "NGN",  # Nigerian keyboards have no naira sign: "#5,000" (see find_money)
    # The local dollar signs of Singapore, Trinidad and Jamaica and the taka sign (typed, not drawn from a list):
    # "S$12", "TT$250", "J$7,500", "৳650".
    "s$": "SGD",
    "tt$": "TTD",
    "j$": "JMD",
    "৳": "BDT",
    **dict.fromkeys(("rm", "tk", "tk."), _LOCAL),  # see _LOCAL_MARKERS
}
_SUFFIXES: dict[str, str | _Shared] = {
    "/=": _SHILLING,
    "/-": _ANY,
    "bob": "KES",
    "ksh": "KES",
    "kshs": "KES",
    "shillings": _SHILLING,
    "shilling": _SHILLING,
    "shilingi": _SHILLING,
    "dollars": _DOLLAR,
    "dollar": _DOLLAR,
    "bucks": _DOLLAR,
    "rupees": _RUPEE,
    "rupee": _RUPEE,
    "rs": _RUPEE,
    "rs.": _RUPEE,
    "naira": "NGN",
    "rand": "ZAR",
    "euros": "EUR",
    "euro": "EUR",
    "€": "EUR",
    # Symbols written after the amount as on the keyboards of many countries ("50$", "300£"), as "20€" is.
    "$": _DOLLAR,
    "£": "GBP",
    "₦": "NGN",
    "reais": "BRL",
    "cedis": "GHS",
    "cedi": "GHS",
    "₹": "INR",
    "pesos": _PESO,
    "peso": _PESO,
    "rupaye": _RUPEE,
    # ... and as Hindi writes them in Devanagari ("600 रुपये का"): the plural, its variant spelling, the singular
    "रुपये": _RUPEE,
    "रुपए": _RUPEE,
    "रुपया": _RUPEE,
    "fcfa": _CFA,
    "f cfa": _CFA,
    "francs cfa": _CFA,
    "cfa": _CFA,
    "f": _CFA,  # "12 000 F" only where the franc is the default currency: see find_money
}
# Codes people also type in lower case ("500 usd"); the rest of ISO 4217 only in capitals, or "2 cup" and
# "all 3" would be Cuban pesos and Albanian lek.
_LOWER_CASE_CODES = {
    code.lower(): code for code in "USD EUR GBP INR UGX TZS NGN ZAR GHS RWF AED BRL CAD AUD KES PHP".split()
}
_PREFIXES = {**_LOWER_CASE_CODES, **_PREFIXES}
_SUFFIXES = {**_LOWER_CASE_CODES, **_SUFFIXES}

_MULTIPLIERS = {
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
    "lakh": 100_000,
    "lakhs": 100_000,
    "crore": 10_000_000,
    "crores": 10_000_000,
    "hazaar": 1_000,  # Hinglish "3 hazaar rupaye"
    "hazar": 1_000,
    "hajar": 1_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}
# "P" alone is the peso only where the peso is the default currency.
_PESO_LETTER = frozenset({"PHP"})
# A tyre's width and profile ("195/65 R15", "205/55R16") before the rim's size.
_TYRE = re.compile(r"\b\d{3}/\d{2}\s?$")
# Currencies whose writers group thousands with dots ("R$ 1.500,00", "€1.200").
_DOT_THOUSANDS = frozenset({"BRL", "EUR", "IDR", "ARS", "COP", "CLP", "VND", "XOF", "XAF"})


def _alternation(markers) -> str:
    return "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))


_NUMBER = r"\d[\d,.']*\d|\d"  # "1'250": the Swiss group thousands with an apostrophe
# "R 4 500", "€1 200,50": thousands grouped with spaces, read only right after a currency marker.
_SPACED_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?(?![\d])"
_MULTIPLIER = r"(?:[kKmM]|mn)(?![\w])|\s?(?:thousand|million|lakhs?|crores?|bn|billion|hazaa?r|hajar)(?![\w])"
_CODES = "|".join(sorted(CURRENCY_CODES))
_MONEY = re.compile(
    rf"""
    (?<![\w$€£₹₦₵₱#])
    (?:
        (?:(?i:(?P<pre>{_alternation(_PREFIXES)}))|(?P<code>{_CODES})|(?P<letter>[RNPK]))
        \s?(?P<num>{_SPACED_NUMBER}|{_NUMBER})(?P<mult>{_MULTIPLIER})?(?:\.[–-])?(?![\d])
        (?:\s(?i:pesos|euros|reais|dollars|rupees|rupaye|naira)(?![\w]))?
      |
        (?P<num2>{_SPACED_NUMBER}|{_NUMBER})(?P<mult2>{_MULTIPLIER})?
        (?:(?P<slash>/[=-])|\s?(?:(?i:(?P<post>{_alternation(k for k in _SUFFIXES if not k.startswith("/"))}))|(?P<code2>{_CODES}))(?![\w]))
    )
    """,
    re.VERBOSE,
)


# Amounts in words. No installed package spells Swahili or Hindi numbers (num2words is not a dependency, and
# dateparser's tables stop at dates), so the words are listed here: units and tens, and the multipliers that in
# Swahili come before their count ("elfu tano" 5000, "mia tano" 500, "laki moja" 100000) and in Hindi after it
# ("do hazaar" 2000, "paanch sau" 500). Only with a currency word: a bare "elfu mbili" is not money.
_SWAHILI_UNITS = {
    "moja": 1, "mbili": 2, "tatu": 3, "nne": 4, "tano": 5, "sita": 6, "saba": 7, "nane": 8, "tisa": 9,
    "kumi": 10, "ishirini": 20, "thelathini": 30, "arobaini": 40, "hamsini": 50, "sitini": 60, "sabini": 70,
    "themanini": 80, "tisini": 90,
}  # fmt: skip
_SWAHILI_MULTIPLIERS = {"mia": 100, "elfu": 1_000, "laki": 100_000, "milioni": 1_000_000}
_HINDI_UNITS = {
    "ek": 1, "do": 2, "teen": 3, "tin": 3, "char": 4, "chaar": 4, "paanch": 5, "panch": 5, "chhe": 6, "chhah": 6,
    "saat": 7, "aath": 8, "nau": 9, "das": 10, "dus": 10, "bees": 20, "tees": 30, "chalees": 40, "pachaas": 50,
    "pachas": 50, "dedh": 1.5, "dhai": 2.5, "adhai": 2.5,
}  # fmt: skip
_HINDI_MULTIPLIERS = {"sau": 100, "hazaar": 1_000, "hazar": 1_000, "hajar": 1_000, "lakh": 100_000}
_SW_COUNT = rf"(?:\d+|{_alternation(_SWAHILI_UNITS)})(?:\s+na\s+(?:{_alternation(_SWAHILI_UNITS)}))?"
_SW_WORDS = rf"(?:{_alternation(_SWAHILI_MULTIPLIERS)})\s+{_SW_COUNT}(?:\s+(?:na\s+)?(?:{_alternation(_SWAHILI_MULTIPLIERS)})\s+{_SW_COUNT})*"
_HI_WORDS = rf"(?:{_alternation(_HINDI_UNITS)})\s+(?:{_alternation(_HINDI_MULTIPLIERS)})(?:\s+(?:{_alternation(_HINDI_UNITS)})\s+(?:{_alternation(_HINDI_MULTIPLIERS)}))*"
_WORD_MONEY = re.compile(
    rf"(?<![\w])(?:(?P<sw_marker>shilingi|shillingi|bob)\s+(?P<sw>{_SW_WORDS})"
    rf"|(?P<hi>{_HI_WORDS})\s+(?P<hi_marker>rupaye|rupaiye|rupay|rupees|rs\.?)(?![\w]))",
    re.IGNORECASE,
)
# What every amount in words holds of its currency word, with the same flags: most lines hold none, where the whole
# expression tries each Swahili and Hindi number word at every letter.
_CURRENCY_WORD = re.compile(r"shil|bob|\srup|\srs", re.IGNORECASE)


def _swahili_amount(words: str) -> Decimal:
    """5000 for "elfu tano", 15000 for "elfu kumi na tano", 2500 for "elfu mbili mia tano"."""
    total, multiplier, count = 0, 0, 0
    for word in words.lower().split():
        if word in _SWAHILI_MULTIPLIERS:
            total += multiplier * count
            multiplier, count = _SWAHILI_MULTIPLIERS[word], 0
        elif word.isdigit():
            count += int(word)
        elif word in _SWAHILI_UNITS:
            count += _SWAHILI_UNITS[word]
    return Decimal(total + multiplier * count)


def _hindi_amount(words: str) -> Decimal:
    """2000 for "do hazaar", 1500 for "ek hazaar paanch sau", 150000 for "dedh lakh"."""
    total, count = Decimal(0), Decimal(0)
    for word in words.lower().split():
        if word in _HINDI_UNITS:
            count = Decimal(str(_HINDI_UNITS[word]))
        elif word in _HINDI_MULTIPLIERS:
            total += count * _HINDI_MULTIPLIERS[word]
            count = Decimal(0)
    return total


def _money_in_words(text: str, default: str | None) -> list[Entity]:
    """Swahili and Hinglish amounts spelt out with a currency word: "shilingi elfu tano", "do hazaar rupaye"."""
    if not _CURRENCY_WORD.search(text):
        return []
    found = []
    for match in _WORD_MONEY.finditer(text):
        if match.group("sw"):
            marker = "bob" if match.group("sw_marker").lower() == "bob" else "shilingi"
            code, amount = _resolve(_SUFFIXES[marker], default), _swahili_amount(match.group("sw"))
        else:
            code, amount = _resolve(_RUPEE, default), _hindi_amount(match.group("hi"))
        if amount:
            found.append(Entity(MONEY, match.group(), match.start(), match.end(), format_money(code, amount), "rule"))
    return found


# A model word after a short number glued to its letters: "RS3 Pro", "K20 Pro" name a product.
_MODEL_AFTER = re.compile(r"\s+(?:Pro|Max|Plus|Ultra|Mini|Lite)\b")


def find_money(text: str | None, default_currency: str | None = None) -> list[Entity]:
    """Amounts in `text`, each valued as "<ISO code> <amount>" ("KES 3500.00", "UGX 50000").

    `default_currency` (ISO code, e.g. "KES") decides the markers several currencies share.
    """
    if not text:
        return []
    default = default_currency.upper() if default_currency else None
    found = _money_in_words(text, default)
    if not any(map(str.isdigit, text)):
        return found
    taken = [(entity.start, entity.end) for entity in found]
    for match in _MONEY.finditer(text):
        if match.group("num") is not None:
            marker = _marker(match.group("pre"), _PREFIXES) or match.group("code") or _letter(match.group("letter"))
            number, multiplier = re.sub(r"[ \u00a0\u202f]", "", match.group("num")), match.group("mult")
            if match.group("letter") and len(number.replace(",", "").replace(".", "")) < 2:
                continue  # "R2", "N9": a road or a size, not money
            if (match.group("pre") or "") == "#" and not (default == "NGN" and (multiplier or "," in number)):
                continue  # "#4471" is an order's number; "#5,000" and "#5k" are naira in Nigeria
            pre = (match.group("pre") or "").lower()
            if pre in _LOCAL_MARKERS:
                if default not in _LOCAL_MARKERS[pre]:
                    continue
                marker = default
            if match.group("letter") == "K":
                if default not in _KWACHA:
                    continue  # "K20", "K2,300" outside Zambia and Malawi: a model or a code
                marker = default
            if match.group("letter") == "P" and default not in _PESO_LETTER:
                continue  # "P2,300" is pesos in the Philippines (and pula in Botswana); elsewhere a code or a size
            if match.group("letter") == "R" and _TYRE.search(text, 0, match.start()):
                continue  # "195/65 R15": a tyre's rim, not rand
            if (
                len(number) <= 3
                and not any(c.isspace() for c in match.group())
                and _MODEL_AFTER.match(text, match.end())
            ):
                continue  # "the DJI RS3 Pro", "Redmi K20 Pro": a marker glued to a model's number, no amount
        else:
            marker = _marker(match.group("slash") or match.group("post"), _SUFFIXES) or match.group("code2")
            number, multiplier = re.sub(r"[ \u00a0\u202f]", "", match.group("num2")), match.group("mult2")
            if (match.group("post") or "").lower() == "f" and default not in _CFA.members:
                continue  # "35 F" is a temperature or a size outside the franc zone
        code = _resolve(marker, default)
        amount = parse_amount(number, code)
        if amount is None:
            continue
        if multiplier:
            amount *= _MULTIPLIERS[multiplier.strip().lower()]
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        found.append(Entity(MONEY, match.group(), match.start(), match.end(), format_money(code, amount), "rule"))
    return sorted(found, key=lambda entity: entity.start)


def format_money(code: str, amount: Decimal) -> str:
    """ "KES 3500.00": the code, a space, the amount with the currency's decimals and no grouping."""
    places = minor_digits(code)
    return f"{code} {amount.quantize(Decimal(1).scaleb(-places)):f}"


def parse_amount(number: str, code: str) -> Decimal | None:
    """The value of a written number, reading "," and "." as the writer meant them; None if it is not one."""
    if "'" in number:
        if not _grouped(number.split(".")[0], "'"):
            return None
        number = number.replace("'", "")
    try:
        if "," in number and "." in number:
            decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
            grouping = "." if decimal_mark == "," else ","
            whole, _, fraction = number.rpartition(decimal_mark)
            if not _grouped(whole, grouping) or len(fraction) > 2:
                return None
            return Decimal(whole.replace(grouping, "") + "." + fraction)
        if "," in number:
            head, *groups = number.split(",")
            if len(groups) == 1 and len(groups[0]) in (1, 2):
                return Decimal(f"{head}.{groups[0]}")  # "45,90": a decimal comma
            return Decimal(number.replace(",", "")) if _grouped(number, ",") else None
        if "." in number:
            head, *groups = number.split(".")
            if len(groups) > 1 or (len(groups[0]) == 3 and code in _DOT_THOUSANDS):
                return Decimal(number.replace(".", "")) if _grouped(number, ".") else None
            return Decimal(number) if len(groups[0]) <= 2 else None
        return Decimal(number)
    except InvalidOperation:
        return None


def _grouped(number: str, separator: str) -> bool:
    # Western grouping (1,500,000) or Indian (1,50,000): the last group has 3 digits, the inner ones 2 or 3.
    head, *groups = number.split(separator)
    if not groups:
        return True
    return 1 <= len(head) <= 3 and len(groups[-1]) == 3 and all(len(g) in (2, 3) for g in groups[:-1])


def _marker(written: str | None, table: dict[str, str | _Shared]) -> str | _Shared | None:
    return table.get(written.lower()) if written else None


def _letter(letter: str | None) -> str | None:
    return {"R": "ZAR", "N": "NGN", "P": "PHP"}.get(letter) if letter else None


def _resolve(marker: str | _Shared, default: str | None) -> str:
    if isinstance(marker, str):
        return marker
    if default and (marker.members is None or default in marker.members):
        return default
    return marker.commonest


# Words that state a sum just before its amount ("total KES 9,600", "Total: ₦12,500", "jumla 4,500", "= KES 3,000"),
# or just after it ("KES 9,600 total"). "subtotal" is no total: the word must start at a word boundary.
_TOTAL_BEFORE = re.compile(
    r"(?:\b(?:grand\s+)?total(?:\s+(?:is|of|comes\s+to|due|cost|price|amount))?|\bin\s+total|\baltogether|"
    r"\bjumla(?:\s+(?:ni|yake|kuu))?|\binsgesamt|\bgesamt|\bsumme|\bkul|=)\s*[:=\-–]?\s*\Z",
    re.IGNORECASE,
)
_TOTAL_AFTER = re.compile(r"\s*(?:total|in\s+total|altogether|jumla)\b", re.IGNORECASE)
# A number right after such a word, without a currency marker of its own ("KES 1,500 x 3, jumla 4,500"); one
# followed by a word counts things ("KES 100 = 2 loaves"), unless the word is a courtesy ("jumla 4,500 tu").
_BARE_NUMBER = re.compile(
    rf"(?:{_NUMBER})(?![\d\w/%])(?![ \t]*(?!(?:only|tu|please|pls|tafadhali|asante|thanks?)\b)[^\W\d_])",
    re.IGNORECASE,
)
# How far before an amount its total word may be ("Total amount payable: KES 600").
_TOTAL_REACH = 40


def stated_total(text: str | None, default_currency: str | None = None) -> str | None:
    """The amount `text` states as its total ("KES 9600.00" of "KES 3,200 each, total KES 9,600"), or None.

    The last total stated wins (a subtotal, delivery, then the total). A number after a total word with no currency
    of its own ("KES 1,500 x 3 = 4,500") is in the currency of the amount before it; without one, it is no amount.
    """
    if not text:
        return None
    found = find_money(text, default_currency)
    total = None
    for entity in found:
        before = text[max(0, entity.start - _TOTAL_REACH) : entity.start]
        if _TOTAL_BEFORE.search(before) or _TOTAL_AFTER.match(text, entity.end):
            total = (entity.start, entity.value)
    for cue in re.finditer(r"\btotal\b|\bjumla\b|\binsgesamt\b|=", text, re.IGNORECASE):
        rest = re.match(r"(?:\s+(?:is|of|ni|yake))?\s*[:=\-–]?\s*", text[cue.end() :])
        start = cue.end() + rest.end()
        number = _BARE_NUMBER.match(text, start)
        earlier = [entity for entity in found if entity.end <= cue.start()]
        if number is None or not earlier or any(e.start <= start < e.end for e in found):
            continue
        code = earlier[-1].value.split(" ")[0]
        amount = parse_amount(number.group(), code)
        if amount is not None and (total is None or start > total[0]):
            total = (start, format_money(code, amount))
    return total[1] if total else None
