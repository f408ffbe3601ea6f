"""Named products, read from how chats write them: a name with a model, version or line after it ("Galaxy A15",
"Air Max 90", "Toyota Probox"), a capitalised name after a count or a container ("2 packets of Omo", "crate
mbili za Tusker", "3 Indomie"), or before the kind of goods it is ("Amul butter", "sabuni ya Menengai"; on English
lines also any noun WordNet names goods by, gazetteer/goods.txt: "the Fairy liquid", "Elianto corn oil").

A brand the organisations list knows ("Samsung", "Coca-Cola") is a product in those places and stays an
organisation everywhere else ("paid at Naivas", "the Samsung service centre"): names.py reads it first, and
`with_products` lets a product found here replace the names it overlaps.

A pack size or spec after the name ("Blue Band 500g", "128GB") stays outside the span; a year after a car
("Corolla 2012") too. The words here are small category lists (containers, goods, model words) in the chat
languages, not names: names come from the message itself and the shipped lists.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

from spacy.tokens import Doc

from wa_pipeline.nlp import names as name_rules
from wa_pipeline.nlp.chat_words import CHAT_WORDS, ENGLISH_WORDS
from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.gazetteer import Gazetteer
from wa_pipeline.nlp.names import PLACE_ENDINGS, Word, Words, common_nouns, lowered_words, words_of

PRODUCT = "PRODUCT"

# What goods are bought by, in the chat languages (singular and plural as written).
CONTAINERS = frozenset(
    """
    packet packets pack packs tin tins crate crates carton cartons bag bags box boxes bottle bottles can cans
    jar jars sachet sachets strip strips tube tubes bale bales case cases tray trays sack sacks bar bars refill
    kg kilo kilos litre litres liter liters
    caja cajas paquete paquetes bolsa bolsas botella botellas lata latas cartón cartones frasco frascos sobre sobres
    libra libras
    caixa caixas caixinha caixinhas pacote pacotes fardo fardos garrafa garrafas saco sacos pote potes
    paquet paquets boîte boîtes boite boites casier casiers bouteille bouteilles sac sacs pot pots bac bacs
    flacon flacons canette canettes
    kasten kästen kiste kisten packung packungen flasche flaschen dose dosen glas gläser tube tuben tüte tüten
    karton kartons becher tafel tafeln riegel
    pakiti paketi kopo makopo kreti katoni mfuko mifuko chupa mtungi mitungi boksi
    dabba dibba botal peti
    """.split()
)
# Goods a brand is written before ("Amul butter", "Hisense fridge") or, in Swahili and Romance order, after
# ("sabuni ya Menengai", "frigo Hisense"). Devices are not in this list: on English lines a lower-case kind WordNet
# names as goods makes its maker the product ("the Samsung phone", as the labelled sets read it; `_named_goods`),
# while a kind in capitals ("Hisense TV") leaves the maker a business.
GOODS = frozenset(
    """
    butter milk tea coffee sugar salt flour rice oil beans juice soda water beer wine soap detergent shampoo
    lotion cream toothpaste syrup tablets tablet capsules drops biscuits biscuit noodles cereal oats chocolate
    chips sauce ketchup jam margarine bread cubes spread powder atta namak chai doodh fridge freezer microwave
    cooker blender kettle iron stove oven mixer grinder earphones earbuds headphones cup bottle semovita
    maize gas fertiliser fertilizer
    ghee yoghurt yogurt cheese honey mayonnaise sardines spaghetti pasta cornflakes custard
    speaker speakers watch drill drills cement paint generator batteries bulbs sneakers trainers
    aircon airfryer rusks kulfi
    sabuni ngano mafuta maziwa chai unga juisi friji jiko mkate maji mbolea
    leche café aceite arroz jabón cerveza leite óleo arroz sabão cerveja perfume geladeira lait huile savon
    bière frigo fritadeira geladeira liquidificador cafeteira nevera licuadora cafetera lavadora microondas
    réfrigérateur cafetière
    """.split()
)
# English prepositions and articles, no brand's name in a line written in capitals: "TO MUTHONI AT GITHURAI 45".
_SMALL_WORDS = frozenset("at to in on of for and the from by with near".split())
# Kinds of device written in capitals after a maker: "Samsung TV", "Voltas AC".
_DEVICE_KINDS = frozenset({"TV", "AC", "PC"})
# Kinds of goods written between a brand and the goods: "chest freezer", "bluetooth speaker", "electric kettle".
GOODS_KINDS = frozenset("chest upright electric gas smart bluetooth wireless rechargeable standing ceiling".split())
# Words that end or extend a model: "iPhone 15 Pro", "PS5 Slim", "Galaxy S23 FE", "Switch OLED".
MODEL_WORDS = frozenset("pro max plus ultra mini lite slim oled fe se neo prime note series edge fold flip".split())
# The number after these is an address or a count, not a model: "Phase 1", "Gate 2", "size 42".
_NUMBERED_NOUNS = frozenset(
    """
    phase sector block zone gate extension community stage route room table house flat apartment apt floor level plot unit
    shop stall door line bus platform terminal hall court road street avenue lane estate season chapter episode
    day week number no size talla taille größe grösse tamanho grade class form standard batch order invoice
    ticket seat car box code ref reference till paybill account acc pin tel po postcode zip
    """.split()
)
# Counts written before a product in words ("one crate", "ek packet", "deux packs", "crate mbili").
NUMBER_WORDS = frozenset(
    """
    one two three four five six seven eight nine ten twelve a an
    moja mbili tatu nne tano sita saba nane tisa kumi mmoja miwili mitatu minne mitano wawili watatu wanne
    ek do teen char chaar paanch
    un una uno dos tres cuatro cinco deux trois quatre cinq um uma duas três quatro
    ein eine einen zwei drei vier fünf sechs
    """.split()
)
# Of those, the ones that count a product on their own ("3 Indomie", "two Tusker"); "a", "ein", "un", "o" are
# articles as often, and Hindi "do" (two) is English "do".
COUNT_WORDS = frozenset(
    "two three four five six seven eight nine ten twelve teen char chaar paanch dos tres cuatro cinco deux trois "
    "quatre cinq duas três quatro zwei drei vier fünf sechs".split()
)
# Between a container and what it holds: "of", "de", "za", "ya"...
_CONNECTORS = frozenset("of de da do du des d' di za ya la wa ka ki ke".split())
# The words that join two things in the chat languages: after a brand they start another thing, never name its line
# ("Samsung and 5 Tecno phones", "100k Instagram and 15k Twitter" are no "Samsung and 5").
_CONJUNCTIONS = frozenset("and & or und oder aur".split())
# What comes before a product named by its model alone ("the PS5", "la PS5", "o PS5", "das iPhone").
_DETERMINERS = frozenset(
    "the a an my your our this that la el le o a um uma os las los les un une das der die den dem ein eine einen "
    "mi mis meu minha ile hiyo hio hii yangu".split()
)
# The word after a brand that says the company is meant: its shop, service, payment app.
_COMPANY_WORDS = frozenset(
    """
    service services centre center care support customer customers team agent agents shop shops store stores
    office depot outlet dealer dealers showroom plaza pay money momo cash pesa wallet bank card app express
    company group limited ltd plc inc sacco foods food eats delivery driver rider truck head official union
    transfer finance mobile telecom airways airlines insurance gmbh ag kg ltda eireli sa s.a. sl s.l. sarl sas llc
    order orders parcel parcels package packages tracking subscription bill
    """.split()
)
# German compounds ending in one of these name a brand's shop or service, not goods: "Hermes Paketshop",
# "Edeka Filiale", "Telekom Hotline".
_GERMAN_COMPANY_ENDINGS = (
    "shop",
    "filiale",
    "laden",
    "markt",
    "service",
    "kundendienst",
    "hotline",
    "app",
    "konto",
    "karte",
    "zentrale",
    "fahrer",
    "bote",
    "station",
)
# The word that ends a place's or a business's name: "Water St", "Juma Stores".
_ENDINGS = frozenset(
    "street st road rd avenue ave lane drive close way mall plaza centre center house estate market stage "
    "bank ltd limited stores store shop shops hotel restaurant cafe café salon clinic pharmacy supermarket "
    "hardware bakery motors enterprises services tower towers block wing building apartments flats".split()
)
# Words before a place: "to Kahawa 44", "hadi Githurai 45".
_PLACE_CUES = frozenset("to at in near from hadi mpaka kwenye karibu à en na no em nach".split())
# Words before a business's own name: "chez Fnac Montparnasse", "at Naivas Westlands".
_COMPANY_CUES = frozenset("at chez from bei beim en na no kwa via through dukani à au in".split())
_MONTHS_AND_DAYS = frozenset(
    "january february march april may june july august september october november december jan feb mar apr jun "
    "jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri "
    "sat sun am pm".split()
)
_SIZE = re.compile(r"(?i)\d+(?:[.,]\d+)?(?:g|gm|gms|kg|kgs|mg|ml|l|lt|ltr|gb|tb|mb|mah|w|v|inch|in|cm|mm|m|pcs?)")
_MODEL = re.compile(r"(?=.*\d)[A-Za-z0-9]{1,6}")
# Units written as a word after a count: "128 GB", "2 KG".
_UNITS = frozenset("gb tb mb kb kg g mg ml l lt ltr pcs pc km cm mm mah".split())
_PACK_SIZE = re.compile(r"(?i)\d+(?:[.,]\d+)?(?:g|gm|gms|gram|grams|kg|kgs|kilo|ml|l|lt|ltr|litre|liter)")
_ELISION = re.compile(r"[LlDd]['’](?=[A-Za-z])")
# A count written with "x": "2x", and after the item as orders list it ("Coke x3", "Chicken Shawarma x2").
_TIMES = re.compile(r"\d+[xX]|x\d+")
_ORDINAL = re.compile(r"(?i)\d+(?:st|nd|rd|th)")
_YEAR = re.compile(r"(?:19|20)\d\d")
_SHORT_AMOUNT = re.compile(r"\d+(?:[.,]\d+)?[kKmM]")
# The words this module reads otherwise after a name, no goods there: a company's, a place's, an address's or a
# count's, and the chat languages' small words.
_TAKEN = _COMPANY_WORDS | _ENDINGS | PLACE_ENDINGS | _NUMBERED_NOUNS | CHAT_WORDS
# Written after a number that is a screen's or a wheel's size: "43 inch", "55 inches".
_SCREEN_SIZES = frozenset("inch inches".split())
# A model standing alone: capitals and a number ("PS5", "TM6"); a determiner or a model word must go with it.
_BARE_MODEL = re.compile(r"[A-Z]{2,4}\d{1,3}[A-Za-z]?")


def find_products(
    doc: Doc, gazetteer: Gazetteer, language: str | None = None, region: str | None = None
) -> list[Entity]:
    """The named products of one message's doc, in text order, none overlapping; `region` says whose towns are
    places ("Stanley" is a town in the US, a brand of cups elsewhere)."""
    doc = words_of(doc)  # from here on the rules read the message's Words, not spaCy's Tokens
    doc.user_data["products_region"] = region
    found: list[tuple[int, int]] = []
    words = lowered_words(doc)
    brands, lines = gazetteer.brands.firsts, gazetteer.products.firsts
    plain = name_rules.PASS_OVER_PLAIN_WORDS
    for i in range(len(doc)):
        # Every rule opens a product on a capitalised name word, a bare model ("PS5") or a listed name in any case
        # ("tecno camon 20"): the other words ("I", "Please", "the") are passed over at once, and a word with no
        # capital letter that opens no listed name at the first look.
        token = doc[i]
        if plain and not token.has_capital and words[i] not in brands and words[i] not in lines:
            continue
        name_word = _capitalised_name_word(token)
        if not (
            name_word
            or _BARE_MODEL.fullmatch(token.text)
            or gazetteer.brands.longest_match(words, i)
            or gazetteer.products.longest_match(words, i)
        ):
            continue
        for span in (
            _with_maker(doc, _modelled(doc, i, gazetteer, language), gazetteer),
            _brand_and_line(doc, i, gazetteer, language),
        ):
            if span is not None:
                found.append(span)
        if plain and not name_word:
            continue  # the rules below read a name of capitalised words (`_name_end`): none starts here
        for span in (
            _counted(doc, i, gazetteer, language),
            _before_goods(doc, i, gazetteer, language),
            _after_goods(doc, i, gazetteer, language),
        ):
            if span is not None:
                found.append(span)
    if doc.user_data.get("names_english", language in (None, "", "en")):
        # "Three Garlic Naan", "the Harris Tweed jacket": a dish or a cloth is no named product
        found = [
            (start, end)
            for start, end in found
            if not name_rules.eaten_or_worn(doc, start, end, gazetteer, region, PRODUCT)
        ]
    kept: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda s: (-(s[1] - s[0]), s[0])):
        if all(end <= s or start >= e for s, e in kept):
            kept.append((start, end))
    return [_entity(doc, start, end) for start, end in sorted(kept)]


def with_products(names: Sequence[Entity], products: Sequence[Entity]) -> list[Entity]:
    """The names of a message with its products in: a product replaces the names it overlaps, unless a longer
    product of names.py (a listed line with its model) holds it."""
    listed = [n for n in names if n.label == PRODUCT]
    added = [p for p in products if not any(n.start <= p.start and p.end <= n.end for n in listed)]
    kept = [n for n in names if not any(n.overlaps(p) for p in added)]
    return sorted([*kept, *added], key=lambda e: (e.start, e.end))


def _modelled(doc: Words, i: int, gazetteer: Gazetteer, language: str | None) -> tuple[int, int] | None:
    """A name and the model after it: "Samsung A15", "Air Max 90", "Dolo 650", "tecno camon 20", "PS5 Slim"."""
    token = doc[i]
    if _starts_inside_name(doc, i):
        return None
    head_end = _head_end(doc, i, gazetteer)
    if head_end == i:
        if _BARE_MODEL.fullmatch(token.text) and (_previous(doc, i) in _DETERMINERS or _model_word_at(doc, i + 1)):
            end = i + 1
            while _model_word_at(doc, end):
                end += 1
            return i, end
        return None
    end = _model_end(doc, head_end)
    listed_model = end == head_end and _listed(doc, i, head_end, gazetteer) and _model_number_at(doc, head_end - 1)
    if listed_model:
        return i, head_end  # a listed name with its number is a product: "PlayStation 5"
    if end == head_end and _counted_after(doc, head_end) and _listed(doc, i, head_end, gazetteer):
        return i, head_end  # a listed name an order counts is the product ordered: "Coke x3"
    if end == head_end:
        return _sized(doc, i, head_end, gazetteer, language)
    model = doc[head_end:end]
    numbered = any(any(c.isdigit() for c in t.text) for t in model)
    listed = _listed(doc, i, head_end, gazetteer)
    if not numbered and not listed:
        return None  # "Nintendo Switch OLED" needs its maker or line listed; "Phone Pro" is no product
    if doc[head_end - 1].lower_ in _NUMBERED_NOUNS or (head_end - i == 1 and _common_noun(token, language)):
        return None  # "Lekki Phase 1", "flat 304", "Postcode M14", "das Mittagsmenü 2"
    if not listed and _is_place_or_person(doc, i, head_end, gazetteer):
        return None  # "Githurai 45"
    if numbered and all(t.is_digit for t in model) and not listed:
        # A bare number after an unlisted name of one word needs a determiner or a container before it: "the
        # Jordan 4", "strips of Dolo 650"; "Air Max 90" has two words.
        single = head_end - i < 2
        if single and (_previous(doc, i) in _PLACE_CUES or _opens_sentence(doc[i]) or _plain_word(doc[i])):
            return None  # "to Kahawa 44", "Nimengoja 30 mins", "Need 50 pcs"
    return i, end


def _with_maker(doc: Words, span: tuple[int, int] | None, gazetteer: Gazetteer) -> tuple[int, int] | None:
    """A listed product line with its model and the maker written before it in lower case: "tecno camon 20", whose
    maker the list names in full ("Tecno Mobile"); an English word before the line ("air", "new") is left out."""
    if span is None or span[0] == 0:
        return span
    start, end = span
    before, words = doc[start - 1], lowered_words(doc)
    if not gazetteer.products.longest_match(words, start) or not before.whitespace_ or not before.is_alpha:
        return span
    word = before.lower_
    if word not in gazetteer.brands.firsts or word in ENGLISH_WORDS or word in CHAT_WORDS:
        return span
    return start - 1, end


def _model_end(doc: Words, at: int) -> int:
    """The end of the model words and numbers from `at` ("15 Pro", "S23 FE", "6G"); `at` when there are none."""
    end = at
    while end < len(doc):
        if _model_word_at(doc, end) or _model_number_at(doc, end):
            end += 1
        elif end > at and doc[end - 1].whitespace_ == "" and doc[end].is_alpha and len(doc[end]) <= 3:
            end += 1  # the letters glued to a model number: "6G"
        else:
            break
    return end


def _counted_after(doc: Words, at: int) -> bool:
    """Token `at` is the count an order writes after the item, glued to its "x": "x3" of "Coke x3"."""
    return at < len(doc) and doc[at - 1].whitespace_ != "" and re.fullmatch(r"x\d{1,3}", doc[at].text) is not None


def _sized(doc: Words, i: int, end: int, gazetteer: Gazetteer, language: str | None) -> tuple[int, int] | None:
    """A name with a pack size after it: "Blue Band 500g", "Milo 400g", "Omo 1kg", "Surf Excel 1 kg"."""
    if end >= len(doc):
        return None
    size = doc[end].text + (doc[end].whitespace_ and " ") + (doc[end + 1].text if end + 1 < len(doc) else "")
    glued = doc[end].text + (doc[end + 1].text if end + 1 < len(doc) and not doc[end].whitespace_ else "")
    if not (_PACK_SIZE.fullmatch(glued) or _PACK_SIZE.fullmatch(size.replace(" ", ""))):
        return None  # the size first: most names have none after them, and the lists need not be asked
    if _is_place_or_person(doc, i, end, gazetteer) or doc[end - 1].lower_ in _NUMBERED_NOUNS:
        return None
    if _bare_opener(doc, i, end, gazetteer) or (end - i == 1 and _common_noun(doc[i], language)):
        return None  # "Queria 1 kg", "eine Gasflasche 11 kg"
    return i, end


def _head_end(doc: Words, i: int, gazetteer: Gazetteer) -> int:
    """The end of a product's name starting at i: a listed brand or line in any case with lower-case line words
    after it, or a run of capitalised words (i: none)."""
    words = lowered_words(doc)
    listed = max(gazetteer.brands.longest_match(words, i), gazetteer.products.longest_match(words, i))
    if listed:
        end = i + listed
        line = gazetteer.products.longest_match(words, end)
        end += line
        # "Huawei nova 11", "Infinix Hot 30": a line word between a listed brand and its number
        if (
            end < len(doc)
            and doc[end].is_alpha
            and doc[end].lower_ not in _NUMBERED_NOUNS
            and doc[end].lower_ not in _COMPANY_WORDS
            and doc[end].lower_ not in _CONNECTORS
            and doc[end].lower_ not in _CONJUNCTIONS
            and len(doc[end]) > 2
            and _model_number_at(doc, end + 1)
        ):
            end += 1
        if doc[i].text[:1].isupper() or any(c.isupper() for c in doc[i].text):
            return end
        return end if _model_number_at(doc, end) and not _counts_goods(doc, end) else i
    end = i
    while end < len(doc) and not _model_number_at(doc, end):
        token = doc[end]
        inside = end > i and token.text[:1].isupper() and token.lower_ in CHAT_WORDS
        if inside and token.text.isupper() and _shouted(doc):
            break  # in a line of capitals every chat word is capitalised: "MUTHONI AT GITHURAI 45"
        if not (_capitalised_name_word(token) or inside):
            break
        end += 1  # "Air Force 1": a capitalised chat word inside a name
    return end


def _counts_goods(doc: Words, at: int) -> bool:
    """The number at `at` counts the plural goods after it: "could you pop 2 loaves aside" is no Pop 2."""
    following = doc[at + 1] if at + 1 < len(doc) else None
    if following is None or not doc[at].text.isdigit() or not following.is_lower or not following.is_alpha:
        return False
    word = following.lower_
    return len(word) > 3 and word.endswith("s") and word in ENGLISH_WORDS and word not in MODEL_WORDS


def _brand_and_line(doc: Words, i: int, gazetteer: Gazetteer, language: str | None) -> tuple[int, int] | None:
    """A listed brand and the capitalised line after it: "Toyota Probox", "Honda Civic", "Adidas Samba";
    not "Samsung Service", "Naivas Westlands", "MTN MoMo", "Equity Bank"."""
    if _starts_inside_name(doc, i) or not doc[i].text[:1].isupper() or _previous(doc, i) in _COMPANY_CUES:
        return None
    words = lowered_words(doc)
    brand = gazetteer.brands.longest_match(words, i)
    if not brand:
        return None
    end = i + brand
    while (
        end < len(doc)
        and end < i + brand + 3
        and doc[end].is_alpha
        and len(doc[end]) > 1
        and doc[end].text[:1].isupper()
        and doc[end].lower_ not in _COMPANY_WORDS
        and doc[end].lower_ not in PLACE_ENDINGS  # "Elm Avenue" is a street
        and doc[end].lower_ not in _MONTHS_AND_DAYS
        and doc[end].text not in _DEVICE_KINDS  # "Samsung TV" is the maker's set, no line named "TV"
        and not gazetteer.organisations.longest_match(words, end)
        and not _is_place_or_person(doc, end, end + 1, gazetteer)
        and not (language == "de" and _german_noun_after_brand(doc[end]))  # "Bosch Kühlschrank", "Hermes Paketshop"
    ):
        end += 1
    if end == i + brand:
        return None
    return i, _model_end(doc, end)


def _counted(doc: Words, i: int, gazetteer: Gazetteer, language: str | None) -> tuple[int, int] | None:
    """A capitalised name after a container or a count: "2 packets of Omo", "a crate of Tusker", "crate mbili
    za Tusker", "2 Kästen Augustiner", "3 Indomie"; or before a Swahili count: "Indomie tano"."""
    previous = _previous_token(doc, i)
    if previous is None or _starts_inside_name(doc, i) and previous.lower_ not in CONTAINERS:
        return None
    at = previous.i
    contained = False
    if previous.lower_ in _CONNECTORS:
        before = _previous_token(doc, at)
        while before is not None and before.lower_ in NUMBER_WORDS and before.lower_ not in ("a", "an"):
            before = _previous_token(doc, before.i)  # "crate mbili za", "pakiti tano za"
        contained = before is not None and before.lower_ in CONTAINERS
    elif previous.lower_ in CONTAINERS and not _modal(doc, previous):
        contained = True  # "2 packet Maggi", "2 Kästen Augustiner"
    counted = previous.text.isdigit() and len(previous.text) <= 3 and previous.text != "0" and previous.whitespace_
    counted = counted or previous.lower_ in COUNT_WORDS
    end = _name_end(doc, i, gazetteer, language)
    if end == i:
        return None
    if contained:
        return i, end
    # German capitalises what it counts ("2 Topfengolatschen"): there only a container names a product.
    # ... and a number after an address word is the address: "flat 304 Tower B".
    counted = counted and _previous(doc, previous.i) not in _NUMBERED_NOUNS
    if counted and language != "de" and doc[i].is_alpha and doc[i].lower_ not in _UNITS:
        if not _is_place_or_person(doc, i, end, gazetteer) and not _after_money(doc, previous.i):
            return i, end
    following = doc[end].lower_ if end < len(doc) else ""
    if language == "sw" and following in NUMBER_WORDS - {"a", "an"} and not _is_place_or_person(doc, i, end, gazetteer):
        return i, end  # "Nipe Indomie tano"
    return None


def _modal(doc: Words, word: Word) -> bool:
    """ "can" with no count or article before it asks something: "Can Abena do my hair", "can Lerato bring"."""
    if word.lower_ != "can":
        return False
    before = _previous_token(doc, word.i)
    return before is None or not (before.like_num or before.lower_ in NUMBER_WORDS)


def _before_goods(doc: Words, i: int, gazetteer: Gazetteer, language: str | None) -> tuple[int, int] | None:
    """A capitalised name before the goods it is: "Amul butter", "the Hisense fridge", "Ketepa tea"."""
    if _starts_inside_name(doc, i):
        return None
    end = _name_end(doc, i, gazetteer, language)
    if end == i or end >= len(doc):
        return None
    if language == "de" and _german_goods(doc, i, end, gazetteer):
        return i, end  # "der Bosch Kühlschrank", "die Nespresso Kapseln"
    goods = end
    if doc[goods].lower_ in GOODS_KINDS and doc[goods].is_lower and goods + 1 < len(doc):
        goods += 1  # "the Thermocool chest freezer", "a Sony bluetooth speaker"
    if (
        doc[goods].lower_ in ("and", "&")
        and goods + 1 < len(doc)
        and _before_goods(doc, goods + 1, gazetteer, language)
    ):
        goods = _before_goods(doc, goods + 1, gazetteer, language)[1]  # "Milo and Ideal milk": both brands
    if not doc[goods].is_lower:
        return None
    if doc[goods].lower_ not in GOODS and not _named_goods(doc, i, end, goods, gazetteer, language):
        return None
    if _is_place(doc, i, end, gazetteer) or _bare_opener(doc, i, end, gazetteer):
        return None  # "Kenya tea", "Huu mkate"; a surname ("Bajaj", "Heinz") before goods is the brand
    return i, end


def _named_goods(doc: Words, i: int, end: int, at: int, gazetteer: Gazetteer, language: str | None) -> bool:
    """On an English line, token `at` is a noun WordNet names goods by ("the Fairy liquid", "a Brita filter",
    "Milo refill"), after a name that is no shop's ("the Woolworths cake" is bought there) and no one's ("Hannah's
    cake")."""
    if not doc.user_data.get("names_english", language in (None, "", "en")):
        return False
    if doc[at].lower_ not in _goods_nouns() and not _goods_phrase_at(doc, at):
        return False
    name = doc.text[doc[i].idx : doc[end - 1].idx + len(doc[end - 1].text)]
    if doc[end - 1].text in ("'s", "’s") or sum(c.isalpha() for c in name) < 3 or any(c.isdigit() for c in name):
        return False  # "Hannah's cake"; "the TV screen", "A4 paper": a device or a size, no brand
    words, size = lowered_words(doc), end - i
    if gazetteer.dishes.longest_match(words, i) > size:
        return False  # "a Victoria sponge" is a dish of that name
    shop = gazetteer.organisations.longest_match(words, i) == size and gazetteer.brands.longest_match(words, i) != size
    return not shop


def _goods_phrase_at(doc: Words, at: int) -> bool:
    """Tokens from `at` are a noun of two or three lower-case words WordNet names goods by: "corn oil", "pressure
    cooker", "tea bags"."""
    phrases = _goods_phrases()
    for size in (2, 3):
        words = doc[at : at + size]
        if len(words) == size and all(t.is_alpha and t.is_lower for t in words):
            if " ".join(t.lower_ for t in words) in phrases:
                return True
    return False


@functools.cache
def _goods_nouns() -> frozenset[str]:
    """The one-word nouns of gazetteer/goods.txt (WordNet's goods), less the words this module reads otherwise after
    a name: a company's ("service", "shop"), a place's ("road", "estate"), an address's or a count's ("house", "box"),
    and the chat languages' small words."""
    return frozenset(noun for noun in _goods_list() if " " not in noun) - _TAKEN


@functools.cache
def _goods_phrases() -> frozenset[str]:
    """The nouns of two or three words of gazetteer/goods.txt, less those opening on a chat word ("a battery", "and
    gate", "first base": the name before them ends a clause more often than it names goods) or ending on a word
    `_goods_nouns` leaves out."""
    phrases = (noun.split() for noun in _goods_list() if " " in noun)
    return frozenset(" ".join(p) for p in phrases if p[0] not in CHAT_WORDS and p[-1] not in _TAKEN)


def _goods_list() -> list[str]:
    path = Path(__file__).parent / "gazetteer" / "goods.txt"
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def _german_goods(doc: Words, i: int, end: int, gazetteer: Gazetteer) -> bool:
    """A listed brand before a German noun that is goods, not the brand's shop or service: "Bosch Kühlschrank",
    not "Hermes Paketshop"."""
    noun = doc[end]
    if not _listed(doc, i, end, gazetteer) or not noun.text[:1].isupper() or not _common_noun(noun, "de"):
        return False
    more = end + 1 < len(doc) and doc[end + 1].text[:1].isupper()  # "Müller Haustechnik GmbH" is one name
    return not more and not noun.lower_.endswith(_GERMAN_COMPANY_ENDINGS)


def _german_noun_after_brand(token: Word) -> bool:
    """A German noun, or a compound naming a shop or service, that follows a brand without being its line."""
    return _common_noun(token, "de") or token.lower_.endswith(_GERMAN_COMPANY_ENDINGS)


def _after_goods(doc: Words, i: int, gazetteer: Gazetteer, language: str | None) -> tuple[int, int] | None:
    """A capitalised name after the goods it is, in Swahili and Romance order: "sabuni ya Menengai", "frigo
    Hisense", "café Pilão"."""
    if language not in ("sw", "es", "pt", "fr", "hi"):
        return None
    previous = _previous_token(doc, i)
    if previous is not None and previous.lower_ in _CONNECTORS:
        previous = _previous_token(doc, previous.i)
    if previous is None or previous.lower_ not in GOODS or _starts_inside_name(doc, i):
        return None
    end = _name_end(doc, i, gazetteer, language)
    if end == i or _is_place(doc, i, end, gazetteer):
        return None
    return i, end


def _name_end(doc: Words, i: int, gazetteer: Gazetteer, language: str | None) -> int:
    """The end of a product name of capitalised words from i ("Blue Band", "Coca-Cola", "Mrs Ball's",
    "Bon o Bon"); i when token i opens none."""
    end = i
    while end < len(doc) and end < i + 3:
        token = doc[end]
        if end > i and language == "de" and _german_noun(token):
            break  # "Thomy Senf": German capitalises the goods too
        if _capitalised_name_word(token) or (end > i and token.text[:1].isupper() and token.lower_ in CHAT_WORDS):
            end += 1  # "Thums Up", "Lucky Me"
        elif end > i and token.text in ("'s", "’s") and doc[end - 1].whitespace_ == "":
            return end + 1
        elif (
            end > i
            and token.text == "-"
            and doc[end - 1].whitespace_ == ""
            and token.whitespace_ == ""
            and end + 1 < len(doc)
            and doc[end + 1].is_alpha
        ):
            end += 2  # "Coca-Cola", "Parle-G", "K-Gas"
        elif end > i and token.lower_ == "o" and end + 1 < len(doc) and doc[end + 1].text == doc[i].text:
            end += 2  # "Bon o Bon"
        else:
            break
    if end == i or (end - i == 1 and (_everyday(doc[i]) or _common_noun(doc[i], language))):
        return i
    if doc[end - 1].lower_ in _ENDINGS or (end - i == 1 and doc[i].lower_ in _NUMBERED_NOUNS):
        return i  # "55 Water St", "2 bales za Grade 1"
    return end


def _bare_opener(doc: Words, i: int, end: int, gazetteer: Gazetteer) -> bool:
    """One word opening the sentence, capitalised only for that and listed nowhere: "Queria 1 kg", "Huu mkate",
    "Rozana 2 litre" (a brand there needs its list or its own capitals: "PhonePe", "boAt")."""
    token = doc[i]
    if end - i != 1 or not _opens_sentence(token) or not token.text[1:].islower():
        return False
    return not _listed(doc, i, end, gazetteer)


def _capitalised_name_word(token: Word) -> bool:
    text = token.text
    if not (token.has_capital and text[:1].isalpha()):  # `capitalised(text)`, its capital known per word
        return False
    lower = token.lower_
    if lower in _MONTHS_AND_DAYS or lower in CHAT_WORDS or lower in CONTAINERS:
        return False
    if text.isupper() and (lower in ENGLISH_WORDS or lower in _SMALL_WORDS) and _shouted(token.doc):
        return False  # "PLS DELIVER TO MUTHONI AT GITHURAI 45": a line in capitals, its words no brand's
    hyphenated = token.i + 1 < len(token.doc) and token.nbor(1).text == "-" and not token.whitespace_
    return not (text.isupper() and len(text) == 1) or hyphenated  # "K-Gas"


def _shouted(doc: Words) -> bool:
    """Most of the message's words are written in capitals."""
    shouted = doc.user_data.get("products_shouted")
    if shouted is None:
        words = [t for t in doc if t.is_alpha and len(t.text) > 1]
        shouted = doc.user_data["products_shouted"] = sum(t.text.isupper() for t in words) > 0.6 * len(words)
    return shouted


def _everyday(token: Word) -> bool:
    """A capitalised everyday word opening a sentence ("Fresh milk", "Please"), not a brand written mid-line."""
    if token.lower_ in CHAT_WORDS:
        return True
    opens = token.i == 0 or _opens_sentence(token)
    return opens and token.lower_ in ENGLISH_WORDS and token.text[1:].islower()


def _opens_sentence(token: Word) -> bool:
    """Whether the token starts a sentence: first in the text, or after an end mark or a line break."""
    before = _previous_token(token.doc, token.i)
    return before is None or before.text in (".", "!", "?", "…", ":") or "\n" in before.whitespace_


def _plain_word(token: Word) -> bool:
    return token.lower_ in ENGLISH_WORDS or token.lower_ in CHAT_WORDS


def _german_noun(token: Word) -> bool:
    return token.lower_ in common_nouns().get("de", frozenset())


def _common_noun(token: Word, language: str | None) -> bool:
    """A capitalised everyday noun of German ("3 Tage", "2 Flaschen Wasser"), or of Spanish, French or Portuguese
    opening a sentence; mid-sentence, those languages capitalise names only ("café Sello Rojo")."""
    if language not in ("de", "es", "fr", "pt") or not token.text[1:].islower():
        return False
    if language != "de" and not _opens_sentence(token):
        return False
    nouns = common_nouns().get(language, frozenset())
    word = token.lower_
    if word in nouns:
        return True
    # a German compound ending in a noun: "Rinderhack", "Hausnummer", "Mittagsmenüs"
    return language == "de" and len(word) >= 8 and any(word[cut:] in nouns for cut in range(3, len(word) - 3))


def _listed(doc: Words, start: int, end: int, gazetteer: Gazetteer) -> bool:
    words = lowered_words(doc)
    return bool(gazetteer.brands.longest_match(words, start) or gazetteer.products.longest_match(words, start))


def _is_place(doc: Words, start: int, end: int, gazetteer: Gazetteer) -> bool:
    return gazetteer.is_place(tuple(t.lower_ for t in doc[start:end]), doc.user_data.get("products_region"))


def _is_place_or_person(doc: Words, start: int, end: int, gazetteer: Gazetteer) -> bool:
    key = tuple(t.lower_ for t in doc[start:end])
    if _is_place(doc, start, end, gazetteer):
        return True
    return len(key) <= 2 and key[0] in gazetteer.people and key not in gazetteer.organisations


def _model_word_at(doc: Words, at: int) -> bool:
    """A model word, capitalised ("Pro", "OLED") or after a model number ("PS5 slim"): Hindi "se" is no SE."""
    if at >= len(doc) or doc[at].lower_ not in MODEL_WORDS or doc[at - 1].whitespace_ == "":
        return False
    if not doc[at].is_lower or any(c.isdigit() for c in doc[at - 1].text):
        return True
    # "iphone 13 pro max": a lower-case model word also follows one that followed the number
    return doc[at - 1].lower_ in MODEL_WORDS and _model_word_at(doc, at - 1)


def _model_number_at(doc: Words, at: int) -> bool:
    """A model name or number ("A15", "13C", "650", "90"), not a size ("500g", "128GB"), a year or a count."""
    if at >= len(doc):
        return False
    text = doc[at].text
    if not _MODEL.fullmatch(text) or _SIZE.fullmatch(text) or _YEAR.fullmatch(text) or text.startswith("0"):
        return False
    if text.isdigit() and len(text) > 4 or _ORDINAL.fullmatch(text) or _TIMES.fullmatch(text):
        return False  # an order or account number, "30th", "2x"
    if _SHORT_AMOUNT.fullmatch(text):
        return False  # "Saw 2k on the page", "Price 1.5m": an amount in thousands or millions
    if _spaced_size_at(doc, at):
        return False  # "Redmi Note 13 64 GB": the storage written apart
    following = doc[at + 1] if at + 1 < len(doc) else None
    if following is not None and following.lower_ in CONTAINERS:
        return False  # "Tusker 3 crates"
    if following is not None and following.like_num and not _storage_at(doc, at + 1):
        return False  # "Omo 2 1kg"; "galaxy a05 64gb" keeps its model before the storage
    if following is not None and following.lower_ in _SCREEN_SIZES and doc[at].whitespace_:
        return False  # "the Hisense 43 inch TV": a screen's size, not the model
    if following is not None and following.text == "-" and at + 2 < len(doc) and doc[at + 2].lower_ in _SCREEN_SIZES:
        return False  # "the Samsung 65-inch TV": the size written with a hyphen
    if text.isdigit() and following is not None and doc[at].whitespace_ == "" and following.is_alpha:
        # "6G" of "Activa 6G" is a model, "8GB" a size, "30 mins" no name's at all
        return _MODEL.fullmatch(text + following.text) is not None and not _SIZE.fullmatch(text + following.text)
    return True


def _spaced_size_at(doc: Words, at: int) -> bool:
    """Token `at` is a number and the next a unit of size, glued ("64gb" is read as two words) or apart ("64 GB")."""
    return (
        at + 1 < len(doc)
        and doc[at].text.isdigit()
        and doc[at + 1].lower_ in _UNITS
        and doc[at + 1].lower_ not in ("pc", "pcs")
    )


def _storage_at(doc: Words, at: int) -> bool:
    """Token `at` is a device's storage, "64" of "64gb" or "64 GB", which follows a model as a pack size does not."""
    return _spaced_size_at(doc, at) and doc[at + 1].lower_ in name_rules.STORAGE_UNITS


def _starts_inside_name(doc: Words, i: int) -> bool:
    """Token i continues a capitalised name or hyphenated word begun before it."""
    if i == 0:
        return False
    before = doc[i - 1]
    if before.whitespace_ == "" and (before.is_alpha or before.text == "-"):
        return True
    return _capitalised_name_word(before) and doc[i].text[:1].isupper() and before.lower_ not in CONTAINERS


def _after_money(doc: Words, at: int) -> bool:
    before = _previous_token(doc, at)
    return before is not None and (before.is_currency or before.lower_ in ("ksh", "kes", "rs", "₹", "$"))


def _previous_token(doc: Words, i: int) -> Word | None:
    for at in range(i - 1, -1, -1):  # backwards by index: a slice would copy every word before i
        if not doc[at].is_space:
            return doc[at]
    return None


def _previous(doc: Words, i: int) -> str:
    token = _previous_token(doc, i)
    return token.lower_ if token is not None else ""


def _entity(doc: Words, start: int, end: int) -> Entity:
    first, last = doc[start], doc[end - 1]
    begin = first.idx + (2 if _ELISION.match(first.text) else 0)  # "L'Itel A70" is the Itel A70
    text = doc.text[begin : last.idx + len(last.text)]
    return Entity(PRODUCT, text, begin, begin + len(text), " ".join(text.split()), "rule")
