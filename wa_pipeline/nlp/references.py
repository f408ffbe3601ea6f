"""Business references in chat text: order, invoice, receipt, booking and tracking numbers, M-Pesa-style
transaction codes, and the till, paybill and account numbers customers pay to.

The span is the identifier itself ("4521" in "order #4521"); the value says what it refers to, with the
identifier in capitals: "order:4521", "invoice:INV-2026-0042", "transaction:QK7XZ12AB3".
"""

from __future__ import annotations

import re

from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.quantities import CONTAINERS, MEASURES

REFERENCE = "REFERENCE"

# Keyword (lower case, spaces squeezed) -> kind of reference it introduces.
_KEYWORDS = {
    "order": "order",
    "oda": "order",
    "po": "order",
    "purchase order": "order",
    "invoice": "invoice",
    "inv": "invoice",
    "receipt": "receipt",
    "rcpt": "receipt",
    "booking": "booking",
    "reservation": "booking",
    "appointment": "booking",
    "appt": "booking",
    "pnr": "booking",
    "tracking": "tracking",
    "waybill": "tracking",
    "awb": "tracking",
    "airway bill": "tracking",
    "air waybill": "tracking",
    "docket": "tracking",  # India's couriers: "Docket no D28841930 with DTDC"
    "consignment": "tracking",
    "shipment": "tracking",
    "parcel": "tracking",  # couriers' parcel numbers ("Parcel no. G4S-2231-KE")
    "transaction": "transaction",
    "txn": "transaction",
    # Mobile-money SMS shorten it: "Trans ID: 10982341", "Financial Trans ID 4455667788", "TID: PP260716.0924.F74300"
    "trans": "transaction",
    "tid": "transaction",
    "trx": "transaction",
    # A card payment's retrieval reference number, on POS slips and bank alerts: "RRN 228810934471"
    "rrn": "transaction",
    "mpesa": "transaction",
    "m-pesa": "transaction",
    "utr": "transaction",
    # Nigeria's interbank transfers carry a session ID: "the session ID na 100004231118093521"
    "session id": "transaction",
    "upi": "transaction",
    "muamala": "transaction",
    "kumbukumbu": "transaction",
    "ref": None,
    "reference": None,
    "confirmation": None,
    "till": "till",
    "paybill": "paybill",
    "pay bill": "paybill",
    "business no": "paybill",
    "account": "account",
    "acc": "account",
    "a/c": "account",
    "acct": "account",  # Nigerian bank alerts: "Acct: 01******32", a masked account number
    # A pay-TV subscriber's number, which the bill is paid to: "DStv Smartcard 7023114589", "GOtv IUC: 2019334455"
    "smartcard": "account",
    "smart card": "account",
    "iuc": "account",
    # What a customer pays to that is not a bank's: "customer number CUS-2291", "KPLC meter number 37192288401"
    "customer number": "account",
    "customer no": "account",
    "customer id": "account",
    "meter number": "account",
    "meter no": "account",
    # The same words in Spanish, Portuguese, French and German.
    "pedido": "order",
    "encomenda": "order",
    "commande": "order",
    "bestellung": "order",
    "bestellnummer": "order",
    "auftrag": "order",
    "factura": "invoice",
    "fatura": "invoice",
    "nota fiscal": "invoice",
    "facture": "invoice",
    "rechnung": "invoice",
    "rechnungsnummer": "invoice",
    "recibo": "receipt",
    "reçu": "receipt",
    "quittung": "receipt",
    "reserva": "booking",
    "reservación": "booking",
    "réservation": "booking",
    "reservierung": "booking",
    "buchung": "booking",
    "buchungsnummer": "booking",
    "guía": "tracking",
    "guia": "tracking",
    "rastreio": "tracking",
    "rastreamento": "tracking",
    "suivi": "tracking",
    "sendungsnummer": "tracking",
    "bordereau": "tracking",
    "transacción": "transaction",
    "transação": "transaction",
    "referencia": None,
    "referência": None,
    "référence": None,
    "comprobante": None,
    "comprovante": None,
    "cuenta": "account",
    "conta": "account",
    "compte": "account",
    "konto": "account",
}
# Self-describing identifiers: "INV-2026-0042", "ORD/5521", "BK2231".
_PREFIXES = {
    "INV": "invoice",
    "ORD": "order",
    "PO": "order",
    "RCPT": "receipt",
    "RCT": "receipt",
    "BK": "booking",
    "BKG": "booking",
    "TRK": "tracking",
    "TXN": "transaction",
}

_KEYWORD = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _KEYWORDS), key=len, reverse=True))
# Mobile-money IDs hold dots between their parts ("MP260906.8492", "PP260716.0924.F74300"); a dot before a word
# ("4471.Thanks", glued on in SMS) ends the identifier.
_IDENTIFIER = r"[A-Za-z0-9](?:(?:[A-Za-z0-9/-]|\.(?=\d|[A-Z]\d))*[A-Za-z0-9])?"
# The keyword may have its "ID" glued on, as wallets' SMS write it: "TrxID 9CK2...", "TxnID: 7781...".
_KEYWORD_LED = re.compile(
    rf"""
    (?<![\w-])(?i:(?P<keyword>{_KEYWORD}))s?(?:(?=(?i:id)[^A-Za-z])|(?![^\W\d_]))
    (?:\.?\s*(?i:(?P<marker>number|nbr\.?|num\.?|no\.?|nº|n°|nr\.?|núm\.?|número|numéro|nummer|id|ref\.?|code|\#))(?![A-Za-z])){{0,2}}
    (?:\s+(?i:is|was|ni|na)(?=\s))?(?P<colon>\s*[:#.-])?\s*\#?
    (?P<id>{_IDENTIFIER})(?![\w])
    """,
    re.VERBOSE,
)
# "Reference for the Zeepay transfer is ZP88127734", "the ref of my payment was QK7XZ12AB3": the identifier after
# what it refers to.
_REFERENCE_OF = re.compile(
    rf"(?<![\w-])(?i:ref|reference|confirmation)(?:\s+(?i:number|no\.?|code|id))?\s+(?i:for|of|on)\s+"
    rf"(?i:the|my|your|this|that|our)\s+(?:[\w-]+\s+){{0,2}}?(?i:is|was)\s*:?\s*(?P<id>{_IDENTIFIER})(?![\w])"
)
_PREFIXED = re.compile(
    rf"(?<![\w-])(?P<id>(?i:{'|'.join(sorted(_PREFIXES, key=len, reverse=True))})[-/#]?\d[\w/-]*)(?![\w])"
)
# M-Pesa confirmation codes: ten capitals and digits, starting with a letter ("QK7XZ12AB3").
_MPESA = re.compile(
    r"(?<![\w-])(?=[A-Z0-9]{10}(?![\w-]))(?=(?:[A-Z]*\d){2})(?=(?:\d*[A-Z]){4})[A-Z][A-Z0-9]{9}(?![\w-])"
)
# The code an M-Pesa, Airtel or MTN confirmation opens with, of any length: "QG789XYZ Confirmed.", "UG9QXAXODW
# confirmed.You bought", "TLAA1234 Confirmed": capitals and digits, both, right before the word.
_CONFIRMED_CODE = re.compile(r"(?<![\w-])(?=[A-Z0-9]{6,12}\s+[Cc]onfirmed\b)(?=[A-Z]*\d)(?=\d*[A-Z])(?P<id>[A-Z0-9]+)")
# A marketplace order number that opens with the day it was placed, YYMMDD, then eight capitals and digits (Shopee's,
# in the Philippines and South East Asia: "240309KXB71P2Q"); it names itself, whatever words stand before it.
_DATED_ORDER = re.compile(
    r"(?<![\w-])\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?=(?:\d*[A-Z]){2})[A-Z0-9]{8}(?![\w-])"
)
# "#4471"; not the digits of a USSD code, which "*" and "#" enclose ("##002#", "*#061#", "#123#"): a phone's menu.
_HASH_NUMBER = re.compile(r"(?<![\w&#*])#(?P<id>\d{3,})(?![\w#*])")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
# A day and month (and year), as dates are written: "16/03/2027", "15-03", "2027/03/15".
_DATE_SHAPED = re.compile(
    r"(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|[12]\d|3[01])(?:\1(?:\d{2}|\d{4}))?|\d{4}([/.-])\d{1,2}\2\d{1,2}"
)
_BOOKING_WORDS = re.compile(r"\b(?:book\w*|reserv\w*|nights?|stay|room|table|appointment|check-?in|flight|ticket)\b")
_PAYMENT_WORDS = re.compile(
    r"\b(?:paid|pay\w*|pag\w*|sent|send|transfer\w*|transféré|überw\w*|deposit\w*|depósit\w*|eft|lipa|nimelipa|nimetuma"
    r"|money|pesa|cash"
    # India's bank transfers: "NEFT done, reference no N0702..."
    r"|neft|rtgs|imps"
    # wallets, and Tagalog "bayad" (payment): "Nagbayad na ako thru GCash, the reference number is ..."
    r"|gcash|maya|paymaya|venmo|zelle|cashapp|momo|paytm|phonepe|gpay|bayad|nagbayad|binayaran)\b"
    r"|[$€£₹₦¢₱]|\b(?:kes|ksh|usd|ngn|inr|zar|ugx|tzs|gbp|eur|ghs|php|rs|cedis|naira)\b"
)
# A bank's name, then a long number: an account ("GTBank 0123456789", "Equity Bank 0123456789012").
_BANK_ACCOUNT = re.compile(r"(?i)\b[a-z]*bank\s+(?:a/?c\s*)?(?P<id>\d{8,16})(?![\w])")
# UPI (India) references are 12 digits.
_UPI = re.compile(r"\d{12}")
# After an order number, a word that makes the number a quantity instead: "order 1000 pieces". A longer number
# counts nothing ("tracking number 9400100000000000000000 shows delivered").
_LONGEST_COUNT = 5
# What joins one identifier of a list to the next: "4471 and 4472", "4471, 4472 & #4473"; not an amount after it
# ("ref 4471 and 2000/=").
_LISTED_NEXT = re.compile(
    rf"(?:,\s*(?:(?i:and|or)\s+|&\s*)?|\s+(?:(?i:and|or)\s+|&\s*))\#?(?P<id>{_IDENTIFIER})(?![\w/=%])"
)
# A Philippine official receipt: "OR No. 004521", "OR# 11873" (capitals: "or" is a word).
_OFFICIAL_RECEIPT = re.compile(r"(?<![\w-])OR\s*(?:[Nn]o\.?|Number|\#)\s*:?\s*\#?(?P<id>\d[\w-]{2,})(?![\w])")
# A count glued to its unit: "5pcs", "2kg", "3ctns".
_COUNT_WITH_UNIT = re.compile(r"\d+([A-Za-z]+)")
# The groups a long number is written in, one space apart: "Ref No. 5012 448 721903" (GCash), "9400 1118 9922 3856
# 9213 57" (USPS). At least three groups and ten digits, so "order 4471 20 boxes" stays a number and a count.
_DIGIT_GROUPS = re.compile(r"(?: \d{2,6})+(?![\w/.,:-]\w)")
_SPACED_DIGITS = 10


def _spaced_end(text: str, end: int) -> int:
    """Where a number whose first group ends at `end` ends, its later groups one space apart taken in."""
    groups = _DIGIT_GROUPS.match(text, end)
    if groups is None or groups.group().count(" ") < 2:
        return end
    start = text.rfind(" ", 0, end) + 1
    digits = sum(map(str.isdigit, text[start : groups.end()]))
    return groups.end() if digits >= _SPACED_DIGITS else end


_VERBS_IN_S = frozenset({"is", "was", "has", "its", "this", "yes", "plus", "minus", "pls", "thanks", "as", "us"})


def find_references(text: str | None) -> list[Entity]:
    """References in `text`, each valued "<kind>:<IDENTIFIER>"."""
    if not text:
        return []
    if not any(map(str.isdigit, text)) and "ref" not in text.lower():
        return []  # every reference holds a digit, but a payment's reference written in capitals
    found: list[Entity] = []

    def add(kind: str, start: int, end: int) -> None:
        identifier = "".join(text[start:end].split()).upper()  # "5012 448 721903", as receipts space it out
        candidate = Entity(REFERENCE, text[start:end], start, end, f"{kind}:{identifier}", "rule")
        if not any(candidate.overlaps(other) for other in found):
            found.append(candidate)

    for match in _PREFIXED.finditer(text):
        prefix = re.match(r"[A-Za-z]+", match.group("id")).group().upper()
        if prefix in _PREFIXES:
            add(_PREFIXES[prefix], match.start("id"), match.end("id"))
    for match in _keyword_led(text):
        identifier = match.group("id")
        kind = _KEYWORDS[" ".join(match.group("keyword").lower().split())]
        if not any(map(str.isdigit, identifier)):
            if kind is None and _payer_reference(text, identifier):
                add("transaction", match.start("id"), match.end("id"))
            elif kind == "account" and _paybill_account(text, identifier):
                add("account", match.start("id"), match.end("id"))
            continue
        marked = bool(match.group("marker") or match.group("colon")) or text[match.start("id") - 1] == "#"
        if kind is None:  # "ref", "confirmation": the identifier's shape, or what the message is about
            kind = "transaction" if _MPESA.fullmatch(identifier) or _UPI.fullmatch(identifier) else _about(text)
        if kind in ("till", "paybill") and not (identifier.isdigit() and 5 <= len(identifier) <= 7):
            continue  # "till 25th November": a preposition, not a till number
        if _ORDINAL.fullmatch(identifier) or _DATE_SHAPED.fullmatch(identifier):
            continue  # "appointment: 16/03/2027 @ 08:30": when, not which
        if identifier.isdigit() and (
            (not marked and len(identifier) < 4)
            or (len(identifier) <= _LONGEST_COUNT and _counts_something(text, match.end("id")))
        ):
            continue  # "order 20 loaves", "order: 10 boxes": a quantity, not an order number
        if not identifier.isdigit() and len(identifier) < 4:
            continue
        counted = _COUNT_WITH_UNIT.fullmatch(identifier)
        if counted and (counted.group(1).lower() in MEASURES or counted.group(1).lower() in CONTAINERS):
            continue  # Taglish "Pa-order po 5pcs lumpia": "po" is politeness, "5pcs" a count
        if match.group("keyword").isupper() and text[match.end("keyword") : match.start("id")] == "-":
            add(kind, match.start("keyword"), match.end("id"))  # "ACC-40092", "REF-5512": the keyword names itself
            continue
        add(kind, match.start("id"), _spaced_end(text, match.end("id")) if identifier.isdigit() else match.end("id"))
    for match in _REFERENCE_OF.finditer(text):
        identifier = match.group("id")
        if any(map(str.isdigit, identifier)) and len(identifier) >= 4 and not _ORDINAL.fullmatch(identifier):
            kind = "transaction" if _MPESA.fullmatch(identifier) or _UPI.fullmatch(identifier) else _about(text)
            add(kind, match.start("id"), match.end("id"))
    for match in _BANK_ACCOUNT.finditer(text):
        add("account", match.start("id"), match.end("id"))
    for match in _MPESA.finditer(text):
        add("transaction", match.start(), match.end())
    for match in _CONFIRMED_CODE.finditer(text):
        add("transaction", match.start("id"), match.end("id"))
    for match in _OFFICIAL_RECEIPT.finditer(text):
        add("receipt", match.start("id"), match.end("id"))
    for match in _DATED_ORDER.finditer(text):
        add("order", match.start(), match.end())
    for match in _HASH_NUMBER.finditer(text):
        add("order", match.start("id"), match.end("id"))
    for reference in list(found):
        for start, end in _listed_after(text, reference):
            add(reference.value.split(":", 1)[0], start, end)
    return sorted(found, key=lambda e: e.start)


def _listed_after(text: str, reference: Entity):
    """The identifiers listed after `reference` that are written as it is ("order 4471 and 4472", "invoices
    INV-0042, INV-0043 & INV-0051"): the same length, digits and capitals in the same places."""
    position = reference.end
    while (match := _LISTED_NEXT.match(text, position)) is not None:
        if _shape(match.group("id")) != _shape(reference.text) or _counts_something(text, match.end("id")):
            return
        yield match.start("id"), match.end("id")
        position = match.end("id")


def _shape(identifier: str) -> str:
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "9", identifier.upper()))


def _keyword_led(text: str):
    """Every keyword-led candidate, each keyword tried in turn: "po order 12045" is "po" (a purchase order)
    reading "order" as its identifier, then "order" reading "12045"."""
    position = 0
    while (match := _KEYWORD_LED.search(text, position)) is not None:
        yield match
        position = match.end("keyword")


def _payer_reference(text: str, identifier: str) -> bool:
    """A reference of letters the payer chose, in capitals in a message that is not ("reference SMITHCAKES",
    "ref LERATO-MAR" of a bank transfer), when the message pays. One short word ("the reference is NKOSI") is
    the payer's name, a person's."""
    if not identifier.isupper() or text.upper() == text:
        return False
    if not ("-" in identifier or "/" in identifier or len(identifier) >= 9):
        return False
    return _about(text) == "transaction"


def _paybill_account(text: str, identifier: str) -> bool:
    """The account of a paybill payment, which a business often names in capital letters ("paybill 247247,
    account SHEKOBEAUTY"), in a message that is not all capitals."""
    return identifier.isupper() and len(identifier) >= 4 and text.upper() != text and "paybill" in text.lower()


def _about(text: str) -> str:
    """The kind of reference a generic "ref" or "confirmation" is, from what the message talks about."""
    lower = text.lower()
    if _BOOKING_WORDS.search(lower):
        return "booking"
    if _PAYMENT_WORDS.search(lower):
        return "transaction"
    return "reference"


def _counts_something(text: str, end: int) -> bool:
    following = re.match(r"\s+([A-Za-z]+)", text[end:])
    if following is None:
        return False
    word = following.group(1).lower()
    return (
        word in MEASURES
        or word in CONTAINERS
        or word.rstrip("s") in CONTAINERS
        or (word.endswith("s") and len(word) > 3 and word not in _VERBS_IN_S)
    )
