"""Organisations an English chat names in the shapes names.py leaves: a listed bank or wallet written in lower case
after the word that says the customer pays or sends through it ("through equity bank", "from fnb"), a business
listed beside another ("with Royal Mail or Evri"), and a company's legal form in brackets ("Mokoena Plumbing (Pty)
Ltd"). It reads the names already found and returns them with these added or widened.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from wa_pipeline.nlp.chat_words import CHAT_WORDS, ENGLISH_WORDS
from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.gazetteer import Gazetteer

ORG, PERSON = "ORG", "PERSON"
# The labels a place is read under: names.py's towns (GPE) and facilities (FAC), the model's LOC.
_PLACES = frozenset({"GPE", "LOC", "FAC", "PLACE"})
# The words before a bank, a wallet or a courier a customer pays, sends or ships through.
_THROUGH = frozenset("via through thru using with from my your into".split())
# "... or Evri": the words that list a second business after a first.
_OR = frozenset({"or", "and"})
# The private company forms of South Africa, Zimbabwe and India written in brackets between a business's name and
# its "Ltd": cleanco 2.3 (MIT) lists "pty ltd" and "pvt. ltd." among the legal terms of those markets.
_BRACKETED_FORMS = frozenset({"pty", "pvt"})
_LIMITED = frozenset({"ltd", "ltd.", "limited"})
# A listed acronym in lower case is read as the business only when it is this short: "fnb", "kcb", "gtb".
_ACRONYM_LETTERS = range(3, 6)
# The verbs of paying or sending money, and the words after them before the wallet or bank it went through: "paid
# via gcash", "sent thru mpesa", "nag send na po ako sa gcash", "transfer from moniepoint".
_PAID = frozenset("paid pay paying pays sent send sending transfer transferred transfered transferring".split())
_PAID_THROUGH = frozenset("via through thru using with on from sa kupitia".split())
# How far back from the preposition the verb may be: "sent the money on gcash", "nag send na po ako sa gcash".
_PAID_REACH = 4


def with_organisations(doc: Doc, names: Sequence[Entity], gazetteer: Gazetteer, language: str | None) -> list[Entity]:
    """`names` (find_names' people, organisations, places and products of `doc`) with the organisations of an
    English line that names.py does not read, in text order."""
    found = list(names)
    if language not in (None, "", "en"):
        return found
    found = _with_bracketed_form(doc, found)
    found = _with_lower_case_banks(doc, found, gazetteer)
    found = _with_paid_through(doc, found, gazetteer)
    found = _with_listed_beside(doc, found, gazetteer)
    return sorted(found, key=lambda entity: entity.start)


def _entity(doc: Doc, start: int, end: int) -> Entity:
    first, last = doc[start], doc[end - 1]
    text = doc.text[first.idx : last.idx + len(last.text)]
    return Entity(ORG, text, first.idx, first.idx + len(text), " ".join(text.split()), "rule")


def _last_token(doc: Doc, entity: Entity) -> int | None:
    return next((t.i for t in doc if t.idx + len(t.text) == entity.end), None)


def _covered(found: list[Entity], start: int, end: int) -> list[Entity]:
    return [entity for entity in found if entity.start < end and start < entity.end]


def _with_bracketed_form(doc: Doc, found: list[Entity]) -> list[Entity]:
    """An organisation followed by "(Pty) Ltd" or "(Pvt) Limited" reaches over it: the form is part of its name."""
    for entity in [e for e in found if e.label == ORG]:
        last = _last_token(doc, entity)
        at = last + 1 if last is not None else len(doc)
        if at + 4 > len(doc):
            continue
        bracket, form, closing, limited = doc[at : at + 4]
        if bracket.text != "(" or form.lower_ not in _BRACKETED_FORMS or closing.text != ")":
            continue
        if limited.lower_ not in _LIMITED:
            continue
        start = next(t.i for t in doc if t.idx == entity.start)
        widened = _entity(doc, start, at + 4)
        found = [e for e in found if not e.overlaps(widened)] + [widened]
    return found


def _with_lower_case_banks(doc: Doc, found: list[Entity], gazetteer: Gazetteer) -> list[Entity]:
    """A listed "<name> Bank" written in lower case ("through equity bank", "my first bank app"), or a listed
    acronym written in lower case ("from fnb", "with kcb"), after a word a customer pays or sends through."""
    lowered = [token.lower_ for token in doc]
    i = 1
    while i < len(doc):
        if lowered[i - 1] not in _THROUGH or not doc[i].is_lower or _covered(found, doc[i].idx, doc[i].idx + 1):
            i += 1
            continue
        size = gazetteer.organisations.longest_match(lowered, i)
        end = i + size
        words = doc[i:end]
        spellings = gazetteer.organisations.spellings(tuple(lowered[i:end]))
        bank = size >= 2 and lowered[end - 1] == "bank" and all(t.is_lower and t.is_alpha for t in words)
        acronym = (
            size == 1
            and len(doc[i]) in _ACRONYM_LETTERS
            and doc[i].is_alpha
            and all(s.isupper() for s in spellings)
            and lowered[i] not in ENGLISH_WORDS
            and lowered[i] not in CHAT_WORDS
        )
        if (bank or acronym) and not _covered(found, doc[i].idx, doc[end - 1].idx + len(doc[end - 1])):
            found.append(_entity(doc, i, end))
            i = end
            continue
        i += 1
    return found


def _with_listed_beside(doc: Doc, found: list[Entity], gazetteer: Gazetteer) -> list[Entity]:
    """A single capitalised word after "or"/"and" and a business the customer pays or ships through is a business
    too ("with Royal Mail or Evri"), unless it is a listed given name or place or an English or chat word."""
    starts = {token.idx: token.i for token in doc}
    for entity in [e for e in found if e.label == ORG]:
        first = starts.get(entity.start)
        last = _last_token(doc, entity)
        if first is None or last is None or first == 0 or doc[first - 1].lower_ not in _THROUGH:
            continue
        if last + 2 >= len(doc) or doc[last + 1].lower_ not in _OR:
            continue
        word = doc[last + 2]
        after = doc[last + 3] if last + 3 < len(doc) else None
        if not (word.is_alpha and word.text[:1].isupper() and word.text[1:].islower()):
            continue
        if after is not None and after.text[:1].isupper():
            continue  # "with Chase or Bank of America": a longer name than one word
        if word.lower_ in gazetteer.people or gazetteer.is_place((word.lower_,), None):
            continue
        if word.lower_ in ENGLISH_WORDS or word.lower_ in CHAT_WORDS:
            continue  # "with M-Pesa or Cash": a way to pay, not a business
        covered = _covered(found, word.idx, word.idx + len(word))
        if any(e.label != PERSON or e.start != word.idx or e.end != word.idx + len(word) for e in covered):
            continue
        found = [e for e in found if e not in covered] + [_entity(doc, word.i, word.i + 1)]
    return found


def _with_paid_through(doc: Doc, found: list[Entity], gazetteer: Gazetteer) -> list[Entity]:
    """One word that no list holds, after the verb of paying or sending and the word of going through ("paid via
    gcash", "sent thru mpesa", "transfer from moniepoint") is the wallet or bank it went through: an organisation, in
    place of a person or a place the model read there. A listed given name or place, an English or chat word ("paid
    with cash", "sent on Friday"), an acronym or a word before a number (a way of paying: "via UPI", "via paybill
    400200") stays as it was."""
    lowered = [token.lower_ for token in doc]
    for at in range(1, len(doc) - 1):
        if lowered[at] not in _PAID_THROUGH or not any(w in _PAID for w in lowered[max(0, at - _PAID_REACH) : at]):
            continue
        word = doc[at + 1]
        after = doc[at + 2] if at + 2 < len(doc) else None
        if not word.is_alpha or len(word) < 3 or (after is not None and after.is_alpha and after.text[:1].isupper()):
            continue  # a longer name ("via Access Bank") is the lists' and the model's to read
        if word.text.isupper() or (after is not None and after.like_num):
            continue  # a way of paying ("via UPI", "with VAT", "via paybill 400200"); a listed bank's acronym is read above
        if lowered[at + 1] in ENGLISH_WORDS or lowered[at + 1] in CHAT_WORDS or lowered[at + 1] in gazetteer.people:
            continue
        if gazetteer.is_place((lowered[at + 1],), None) or gazetteer.organisations.longest_match(lowered, at + 1):
            continue
        covered = _covered(found, word.idx, word.idx + len(word))
        if any(
            e.label not in (PERSON, *_PLACES) or e.start != word.idx or e.end != word.idx + len(word) for e in covered
        ):
            continue
        found = [e for e in found if e not in covered] + [_entity(doc, word.i, word.i + 1)]
    return found
