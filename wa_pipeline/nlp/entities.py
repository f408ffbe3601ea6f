"""Hybrid entity extraction: spaCy NER for names and places, rules for what has a fixed shape."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.phones import find_phones
from wa_pipeline.nlp.spacy_model import DEFAULT_MODEL, load_ner

# Only the labels the small model gets right often enough to be worth a column; its numbers,
# money and dates on chat text are unreliable and are left to rules (later dateparser and money).
MODEL_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "PRODUCT"})

EMAIL = "EMAIL"
URL = "URL"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_URL = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"*_~"
_BRACKETS = {")": "(", "]": "[", "}": "{"}

# ISO 4217 codes: on chat text the model reads "KES" as an ORG, "KES 1,000.00" even as a PERSON.
_CURRENCY_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
    BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK
    JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK
    MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB
    TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD
    XCG XOF XPF YER ZAR ZMW ZWG ZWL
    """.split()
)
# How East African chats write shillings as often as the ISO code.
_CURRENCY_SHORTHANDS = frozenset({"ksh", "kshs", "ush", "ushs", "tsh", "tshs", "shs"})
_CODE_AND_FIGURE = re.compile(r"([A-Za-z]{2,4})\.?\s*[\d.,]*")


def extract_entities(
    texts: Sequence[str | None],
    region: str | None,
    *,
    batch_size: int = 256,
    model: str = DEFAULT_MODEL,
) -> list[list[Entity]]:
    """Entities of each text, in text order: rule spans (phones, emails, URLs) and model spans
    (PERSON, ORG, GPE, LOC, PRODUCT) that no rule span overlaps. Empty or None text gives [].
    """
    # Chats repeat themselves ("ok", "thanks"): each distinct text goes through the model once.
    distinct = list(dict.fromkeys(text for text in texts if isinstance(text, str) and text.strip()))
    if not distinct:
        return [[] for _ in texts]
    nlp = load_ner(model)
    found: dict[str, list[Entity]] = {}
    for text, doc in zip(distinct, nlp.pipe(distinct, batch_size=batch_size)):
        rules = rule_entities(text, region)
        spans = (
            Entity(ent.label_, ent.text, ent.start_char, ent.end_char, " ".join(ent.text.split()), "model")
            for ent in doc.ents
        )
        found[text] = _merge(rules, spans)
    return [list(found[text]) if isinstance(text, str) and text in found else [] for text in texts]


def rule_entities(text: str, region: str | None) -> list[Entity]:
    """Phones, emails and URLs in `text`; where two overlap the longer one is kept."""
    candidates = [*find_phones(text, region), *_find_emails(text), *_find_urls(text)]
    kept: list[Entity] = []
    for entity in sorted(candidates, key=lambda e: (-(e.end - e.start), e.start)):
        if not any(entity.overlaps(other) for other in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e.start)


def _merge(rules: list[Entity], spans: Iterable[Entity]) -> list[Entity]:
    model = [
        span
        for span in spans
        if span.label in MODEL_LABELS
        and not _is_amount(span.text)
        and not any(span.overlaps(rule) for rule in rules)
    ]
    return sorted([*rules, *model], key=lambda e: (e.start, e.end))


def _is_amount(text: str) -> bool:
    """A currency code, alone or with a figure ("KES", "KES 1,000.00"), or a span with no letter."""
    if not any(char.isalpha() for char in text):
        return True
    match = _CODE_AND_FIGURE.fullmatch(text.strip())
    if match is None:
        return False
    code = match.group(1)
    return code in _CURRENCY_CODES or code.lower() in _CURRENCY_SHORTHANDS


def _find_emails(text: str) -> list[Entity]:
    if "@" not in text:
        return []
    return [
        Entity(EMAIL, m.group(), m.start(), m.end(), m.group().lower(), "rule")
        for m in _EMAIL.finditer(text)
    ]


def _find_urls(text: str) -> list[Entity]:
    entities = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group())
        entities.append(Entity(URL, url, match.start(), match.start() + len(url), url, "rule"))
    return entities


def _trim_url(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets that chat text puts after a URL."""
    while url:
        last = url[-1]
        if last in _URL_TRAILING:
            url = url[:-1]
        elif last in _BRACKETS and url.count(last) > url.count(_BRACKETS[last]):
            url = url[:-1]
        else:
            break
    return url
