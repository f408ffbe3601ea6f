"""Names, organisations, places and products: lists, the words around a name, and the model last."""

from pathlib import Path

import pytest

from wa_pipeline.nlp.entities import extract_entities
from wa_pipeline.nlp.evaluation import NAME_LABELS as EVALUATED_NAME_LABELS
from wa_pipeline.nlp.evaluation import evaluate_dev_language
from wa_pipeline.nlp.gazetteer import load_gazetteer
from wa_pipeline.nlp.heldout import load_heldout
from wa_pipeline.nlp.names import find_names
from wa_pipeline.nlp.spacy_model import load_ner

NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT"}


def names(text, region="KE"):
    [found] = extract_entities([text], region)
    return [(e.label, e.text) for e in found if e.label in NAME_LABELS]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # listed organisations, however the chat spells them, with the kind of business after them
        ("Nimetuma 2k kwa M-Pesa, check", [("ORG", "M-Pesa")]),
        ("PAYPAL code ni RKT4N8P2QW", [("ORG", "PAYPAL")]),
        ("Will send via DHL Express tomorrow", [("ORG", "DHL Express")]),
        ("Thank you for ordering from Haldiram's!", [("ORG", "Haldiram's")]),
        # a listed product line with its model name; "128" of "128GB" is a size
        (
            "For 10k tuko na Samsung Galaxy A05 na Xiaomi Redmi Note 12",
            [("PRODUCT", "Samsung Galaxy A05"), ("PRODUCT", "Xiaomi Redmi Note 12")],
        ),
        ("iPhone 15 128GB ni 69,900", [("PRODUCT", "iPhone 15")]),
        # the word that ends a name says what it is
        ("Your appointment at Bright Smiles Dental is on Monday", [("ORG", "Bright Smiles Dental")]),
        ("Paid to MAMA MBOGA BAKERY. on 18/11", [("ORG", "MAMA MBOGA BAKERY")]),
        ("Tuko Moi Avenue, Imenti House 2nd floor", [("FAC", "Moi Avenue"), ("FAC", "Imenti House")]),
        ("Need 3 large pizzas delivered to 55 Water St by 7pm", [("FAC", "55 Water St")]),
        (
            "Please deliver to Kilimani, Argwings Kodhek Rd. Nitakuwa hapo",
            [("GPE", "Kilimani"), ("FAC", "Argwings Kodhek Rd")],
        ),
        ("Amefika Langata road, anakuja", [("FAC", "Langata road")]),
        ("How much be delivery to Lekki Phase 1?", [("FAC", "Lekki Phase 1")]),
        # the noun after it, the title or greeting before it
        ("Bring it to our Ngara branch with the receipt", [("GPE", "Ngara")]),
        ("Hii ni ya Mrs Njoroge, atalipa kesho", [("PERSON", "Njoroge")]),
        ("Habari Zuhura, cake yako iko ready", [("PERSON", "Zuhura")]),
        ("Driver number na 0803 123 4567, him name na Musa", [("PERSON", "Musa")]),
        # the lists of people and towns, and the preposition before an unknown name
        ("Wanjiku Kamau amesema atalipa balance on Friday", [("PERSON", "Wanjiku Kamau")]),
        ("Asante, karibu tena Dar es Salaam", [("GPE", "Dar es Salaam")]),
        ("Tunaleta mpaka Kamulu kesho", [("GPE", "Kamulu")]),
        ("Payment via Chumz Wallet, thanks", [("ORG", "Chumz Wallet")]),
    ],
)
def test_names_are_labelled_by_the_evidence_around_them(text, expected):
    assert names(text) == expected


def test_a_capitalised_word_opening_a_sentence_needs_list_evidence():
    # The raw model calls these a person and an organisation; nothing here is a name.
    assert names("Biltong is R420 per kg. Brisket is $18/lb", "ZA") == []
    assert names("Delivery to Sandton is R60", "ZA") == [("GPE", "Sandton")]
    assert names("Emeka paid ₦25,000 for the shoes", "NG") == [("PERSON", "Emeka")]


def test_towns_are_read_in_their_own_region_and_big_cities_everywhere():
    assert names("Tumefika Nanyuki", "KE") == [("GPE", "Nanyuki")]
    gazetteer = load_gazetteer(load_ner())
    assert gazetteer.is_place(("nanyuki",), "KE") and not gazetteer.is_place(("nanyuki",), "US")
    assert gazetteer.is_place(("lagos",), "KE") and gazetteer.is_place(("lagos",), "US")


def test_the_model_labels_only_what_nothing_else_explains():
    nlp = load_ner()
    gazetteer = load_gazetteer(nlp)
    doc = nlp("We met the Zubeda people yesterday")
    from wa_pipeline.nlp.entity import Entity

    guess = Entity("ORG", "Zubeda", 11, 17, "Zubeda", "model")
    assert [(e.label, e.text, e.source) for e in find_names(doc, "KE", gazetteer, [guess])] == [
        ("ORG", "Zubeda", "model")
    ]
    assert find_names(doc, "KE", gazetteer, []) == []
    # A title or a list beats the model's label.
    doc = nlp("Call Thandi on 082 555 1234")
    wrong = Entity("ORG", "Thandi", 5, 11, "Thandi", "model")
    assert [(e.label, e.source) for e in find_names(doc, "ZA", gazetteer, [wrong])] == [("PERSON", "rule")]


def test_lower_case_brand_words_are_not_organisations():
    # "target", "square" and "stripe" are words first; a listed name counts when written as a name.
    assert names("Our target is to square the balance today") == []
    assert names("Pay with Square or Stripe") == [("ORG", "Square"), ("ORG", "Stripe")]


@pytest.mark.parametrize(
    "text",
    [
        "Hello World",
        "Hi Team, the order is ready",
        "Dear Customer, your parcel is here",
        "Regards, Management",
        "Good morning Family!",
        "Hey Guys 👋",
        "Hi Team Members",
    ],
)
def test_a_greeting_or_sign_off_to_a_group_names_nobody(text):
    assert names(text) == []


def test_a_greeting_to_a_person_still_names_them():
    assert names("Hi Team, Wanjiku will deliver. Regards, Otieno") == [("PERSON", "Wanjiku"), ("PERSON", "Otieno")]


def names_in(text, region, language):
    [found] = extract_entities([text], region, languages=[language])
    return [(e.label, e.text) for e in found if e.label in NAME_LABELS]


@pytest.mark.parametrize(
    ("text", "region", "language", "expected"),
    [
        # every German noun is capitalised: a common one is no name without a title, greeting or list behind it
        ("Die Lieferung ist nicht gekommen, die Torte war im Karton.", "DE", "de", []),
        ("Die Käsesahne war super lecker", "DE", "de", []),  # a compound ending in a noun
        ("Die Fischer haben heute frischen Lachs", "DE", "de", []),
        ("Termin bei Herrn Fischer am Dienstag um 15 Uhr", "DE", "de", [("PERSON", "Fischer")]),
        ("Gibt es die Jacke auch in Größe L?", "DE", "de", []),
        ("Kann man in der Lindenstraße parken?", "DE", "de", [("FAC", "Lindenstraße")]),
        ("Hab es an Mode Fischer GmbH überwiesen", "DE", "de", [("ORG", "Mode Fischer GmbH")]),
        # Spanish, French, Portuguese: a capitalised common word after an article is a thing
        ("La Camiseta llegó rota y la Caja venía abierta", "ES", "es", []),
        ("Gracias Pilar, todo perfecto", "ES", "es", [("PERSON", "Pilar")]),  # a listed first name stays one
        # titles and forms of address of each language stay outside the name
        ("Doña Chela quiere 50 tamales para la fiesta", "MX", "es", [("PERSON", "Chela")]),
        ("Bom dia dona Cida, tudo bem?", "BR", "pt", [("PERSON", "Cida")]),
        ("Merci Tonton Moussa", "SN", "fr", [("PERSON", "Moussa")]),
        # the business or street word opens the name
        ("Qué delicia los buñuelos de la Panadería La Victoria", "CO", "es", [("ORG", "Panadería La Victoria")]),
        ("Bonjour, c'est Karim de la part de Sarl Benali", "FR", "fr", [("PERSON", "Karim"), ("ORG", "Sarl Benali")]),
        ("Entrega na Rua Augusta depois do almoço", "BR", "pt", [("FAC", "Rua Augusta")]),
        ("Vocês atendem na Zona Norte?", "BR", "pt", [("FAC", "Zona Norte")]),
        # the preposition before a name, and where one buys is a business
        ("Livrez à Cocody svp, merci", "CI", "fr", [("GPE", "Cocody")]),
        ("Compré en Garbarino y la heladera vino rota", "AR", "es", [("ORG", "Garbarino")]),
        # a wish is no town ("Feliz Natal" is one in Mato Grosso); the town is one after a preposition
        ("Feliz Natal a todos!", "BR", "pt", []),
        ("Moro em Natal, vocês entregam?", "BR", "pt", [("GPE", "Natal")]),
        # an all-capitals brand (ANA, an airline) is not the first name written like a name
        ("Segue o comprovante, nome da conta é Ana Paula", "BR", "pt", [("PERSON", "Ana Paula")]),
    ],
)
def test_names_are_read_in_the_messages_language(text, region, language, expected):
    assert names_in(text, region, language) == expected


def test_a_short_line_without_a_language_is_read_by_its_function_words():
    # The detector gives "" to lines it cannot tell; German function words still say German.
    assert names_in("Die Bestellung ist noch nicht da, und der Kuchen auch nicht", "DE", "") == []
    assert names("Die Bestellung ist noch nicht da, und der Kuchen auch nicht", "DE") == []


def test_english_function_words_overrule_a_detector_that_says_german():
    # "Fischer" is a German noun; an English line the detector misread keeps it a name.
    assert names_in("Please ask Fischer to call me", "DE", "de") == [("PERSON", "Fischer")]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # forms of address stay outside the name, before it in Swahili, after it in Hinglish
        ("Asante Bi Zuhura kwa keki", "sw", [("PERSON", "Zuhura")]),
        ("Kaka Baraka ameleta mzigo", "sw", [("PERSON", "Baraka")]),
        ("Nimeongea na bwana kiprono jana", "sw", [("PERSON", "kiprono")]),
        ("Saxena ji ka parcel aaya kya?", "hi", [("PERSON", "Saxena")]),
        ("Manoj bhaiya se baat karo", "hi", [("PERSON", "Manoj")]),
        ("rakesh bhaiya ko bolo", "hi", [("PERSON", "rakesh")]),
        ("Chopra madam ne order diya", "hi", [("PERSON", "Chopra")]),
        ("Nitin ko bol dena parcel ready hai", "hi", [("PERSON", "Nitin")]),
        ("Table ke liye naam Harshit likh lo", "hi", [("PERSON", "Harshit")]),
        # shop words that end a business's name
        ("Kal Gupta Sweets se mithai lena", "hi", [("ORG", "Gupta Sweets")]),
        ("Jain Bhandar band hai aaj", "hi", [("ORG", "Jain Bhandar")]),
        ("Nimelipa kwa Halo Pesa", "sw", [("ORG", "Halo Pesa")]),
    ],
)
def test_swahili_and_hinglish_people_and_businesses(text, language, expected):
    assert names_in(text, "IN" if language == "hi" else "KE", language) == expected


def test_a_hinglish_word_after_a_title_is_no_name():
    # "uncle bol rahe the": "bol" (say) after "uncle" is a verb, not a lower-case name.
    assert names_in("Kapoor uncle bol rahe the", "IN", "hi") == [("PERSON", "Kapoor")]


def test_a_listed_products_model_number_is_not_a_quantity():
    assert names_in("¿Tenéis el iPhone 15 libre o hay que reservarlo?", "ES", "es") == [("PRODUCT", "iPhone 15")]


DEV = Path(__file__).parent / "data" / "dev"
# Names micro-F1 on the dev sets written before tuning (data/dev/, read with their errors), measured 2026-12-04:
# de 0.914, es 0.819, fr 0.800, pt 0.816;
# each floor is the figure less about 0.05. English names (dev/en_names.txt, PERSON/ORG/PLACE): 0.812 before the
# English people and organisation rules, 0.948 after (s8-names).
# dev/names9.txt (English, German, Spanish, Portuguese; every name label): 0.794 before round 9's rules, 0.908 after.
# dev/names11.txt (English from eight regions and Hinglish; people, organisations, places, products): 0.795 before
# round 11's rules, 0.877 after.
# dev/names12.txt (English from eight regions; people, organisations, places, products, quantities): names 0.839
# before round 12's rules, 0.929 after.
# dev/orgs12.txt (Portuguese, French, Spanish, German, Swahili, Hinglish businesses): 0.771 before round 12b's
# rules, 0.948 after.
# dev/names13.txt (English from eight regions; names, quantities and references): names 0.828 before round 13's
# rules, 0.925 after.
DEV_FLOORS = {
    "de": 0.86,
    "es": 0.77,
    "fr": 0.75,
    "pt": 0.76,
    "en_names": 0.89,
    "names9": 0.86,
    "names11": 0.82,
    "names12": 0.88,
    "orgs12": 0.90,
    "names13": 0.88,
}
# All-label micro-F1 (names, dates, money, references...) on the Swahili and Hinglish dev sets, written before
# tuning (baseline sw 0.713, hi 0.677), measured 2026-12-04 after the Swahili/Hinglish rules: sw 0.856, hi 0.889;
# each floor is the figure less about 0.05.
DEV_ALL_LABEL_FLOORS = {"sw": 0.80, "hi": 0.82}


@pytest.mark.parametrize("language", sorted(DEV_FLOORS))
def test_dev_set_name_figures_stay_above_their_floors(language):
    report = evaluate_dev_language(load_heldout(DEV / f"{language}.txt"))
    assert report.micro(EVALUATED_NAME_LABELS).f1 >= DEV_FLOORS[language]


@pytest.mark.parametrize("language", sorted(DEV_ALL_LABEL_FLOORS))
def test_swahili_and_hinglish_dev_figures_stay_above_their_floors(language):
    report = evaluate_dev_language(load_heldout(DEV / f"{language}.txt"))
    assert report.micro().f1 >= DEV_ALL_LABEL_FLOORS[language]


# English people and organisations found by the words around them (issue 14, dev/en_names.txt); every sentence
# here is new, and each positive one was read wrongly before these rules.
def english(text, region):
    return names_in(text, region, "en")


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("Kuya Ramon, pick up the cake at 3 please", "PH", [("PERSON", "Ramon")]),
        ("Gogo Mokoena is waiting at the gate", "ZA", [("PERSON", "Mokoena")]),
        ("Sister Akua will collect it", "GH", [("PERSON", "Akua")]),
        # a chat word or a greeting elsewhere ("asante" is Swahili thanks) is a name after a title
        ("Mr Asante paid already", "GH", [("PERSON", "Asante")]),
    ],
)
def test_regional_titles_mark_the_name_after_them(text, region, expected):
    assert english(text, region) == expected


def test_words_of_address_and_thanks_after_a_title_name_nobody():
    assert english("Bro Thanks so much!", "NG") == []
    assert english("Hi Ma'am! Happy Monday po", "PH") == []


def test_a_birthday_wish_names_the_person_wished():
    assert english("Happy Birthday Chloe, from all of us", "US") == [("PERSON", "Chloe")]
    assert english("Happy Birthday Team!", "US") == []


def test_thanks_to_or_spoke_to_a_name_is_a_person_and_deliver_to_a_place():
    assert english("Big thanks to Palesa for the quick service", "ZA") == [("PERSON", "Palesa")]
    assert english("I spoke to Nandi about the refund", "ZA") == [("PERSON", "Nandi")]
    assert english("Deliver to Palesa tomorrow", "ZA") == [("GPE", "Palesa")]


def test_with_names_a_person_after_a_booking_word_and_a_business_after_a_payment():
    assert english("Can I book an appointment with Jordan on Friday?", "US") == [("PERSON", "Jordan")]
    assert english("Paid with Palmpay, check it", "NG") == [("ORG", "Palmpay")]


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("Your delivery guy from Kwikie left it outside", "KE", [("ORG", "Kwikie")]),
        ("I bought two at Makro and one was broken", "ZA", [("ORG", "Makro")]),
        ("Saw your post on Kilimall, is it original?", "KE", [("ORG", "Kilimall")]),
        ("Please pay thru Palmpay", "NG", [("ORG", "Palmpay")]),
        ("Sent it to your Stanbic account", "KE", [("ORG", "Stanbic")]),
        ("Please EFT to Nedbank acc 1234567890", "ZA", [("ORG", "Nedbank")]),
    ],
)
def test_the_words_around_an_unknown_business_say_it_is_one(text, region, expected):
    assert english(text, region) == expected


def test_the_words_that_mark_a_business_leave_people_and_places_alone():
    assert english("This is Thabo from Mabopane", "ZA") == [("PERSON", "Thabo"), ("GPE", "Mabopane")]
    assert english("Send to Wanjiku account please", "KE") == [("PERSON", "Wanjiku")]
    assert english("Meet me at Kwanele tomorrow", "ZA") == [("GPE", "Kwanele")]


def test_a_lower_case_name_after_an_introduction_or_tell_is_a_person():
    assert english("hello i'm wanjala, i ordered a sofa", "KE") == [("PERSON", "wanjala")]
    assert english("my name is chiamaka", "NG") == [("PERSON", "chiamaka")]
    assert english("tell njoroge to bring the invoice", "KE") == [("PERSON", "njoroge")]


def test_lower_case_words_after_an_introduction_stay_words():
    assert english("i'm waiting for the rider", "KE") == []
    assert english("i'm kinda busy today", "KE") == []
    assert english("tell them to hurry", "KE") == []


def test_a_name_signing_off_a_message_is_a_person():
    assert english("Payment done. - Thabiso", "ZA") == [("PERSON", "Thabiso")]
    assert english("Delivery was late again. Disappointed", "ZA") == []
    assert english("Thanks. - Management", "GB") == []


def test_names_listed_with_a_person_are_people():
    assert english("Chioma and Ifeanyi will collect the order", "NG") == [("PERSON", "Chioma"), ("PERSON", "Ifeanyi")]
    assert english("Confirm with Ritesh, Harsh and Kunal", "IN") == [
        ("PERSON", "Ritesh"),
        ("PERSON", "Harsh"),
        ("PERSON", "Kunal"),
    ]
    assert english("Delivery and Installation are extra", "US") == []


def test_a_business_named_after_its_owner_is_one_organisation():
    assert english("Book for Thabo's Carwash on Monday", "ZA") == [("ORG", "Thabo's Carwash")]
    assert english("We ate at Aunty Esi's Kitchen yesterday", "GH") == [("ORG", "Aunty Esi's Kitchen")]
    assert english("Invoice to Hargreaves & Sons Roofing please", "GB") == [("ORG", "Hargreaves & Sons Roofing")]
    # alone, no business: an invoice goes to someone, never to a place (round 9; it read as a town before)
    assert english("Invoice to Hargreaves please", "GB") == [("PERSON", "Hargreaves")]


def test_a_listed_wallet_takes_its_service_word():
    assert english("Send it by MTN MoMo", "GH") == [("ORG", "MTN MoMo")]
    assert english("paid with airtel money just now", "KE") == [("ORG", "airtel money")]
    assert english("Our target money for March is 50k", "KE") == []


def test_a_listed_business_that_is_also_a_given_name_is_the_person_introduced():
    assert english("Hi, this is Jasmine, I ordered the cake", "PH") == [("PERSON", "Jasmine")]


def test_everyday_words_capitalised_for_emphasis_are_no_names():
    assert english("the Packaging was Nice", "GB") == []
    assert english("The food was good, Delivery was slow", "US") == []


def test_a_surname_particle_opens_the_surname():
    assert english("Please call De Villiers about the quote", "ZA") == [("PERSON", "De Villiers")]
    assert english("Invoice for Van der Merwe Plumbing please", "ZA") == [("ORG", "Van der Merwe Plumbing")]
    # in Spanish "De" is a preposition, outside the name after it
    assert [text for _, text in names_in("Los pedidos vienen De Toledo", "ES", "es")] == ["Toledo"]


def test_nigerian_honorifics_are_titles_with_or_without_their_full_stop():
    assert english("Oga Chukwudi said I should pay half", "NG") == [("PERSON", "Chukwudi")]
    assert english("Engr. Bello will inspect the site", "NG") == [("PERSON", "Bello")]
    assert english("Oga thanks for the delivery", "NG") == []
    assert english("I paid. Bello will confirm", "NG") == []  # a sentence's full stop is no title's


def test_what_a_shop_accepts_is_a_way_to_pay():
    assert english("Do you accept Yoco card payments?", "ZA") == [("ORG", "Yoco")]
    assert english("I accept Wanjiku will collect", "KE") == [("PERSON", "Wanjiku")]  # a listed person stays one


def test_the_english_rules_leave_lines_of_other_languages_as_they_were():
    # "Tito" is a Filipino title in English chats and a name in Spanish ones
    assert names_in("Gracias Tito, todo perfecto", "ES", "es") == [("PERSON", "Tito")]
    assert english("Tito Boy, thanks for the ride", "PH") == [("PERSON", "Boy")]


# Round 9 (dev/names9.txt): cues of English, Spanish, Portuguese and German chats; every sentence here is new.
@pytest.mark.parametrize(
    ("text", "region", "language", "expected"),
    [
        # a paper sent, or a thing handed over, "to" someone is for a person; a parcel "to" a listed town is not
        ("Please forward the receipt to Wairimu", "KE", "en", [("PERSON", "Wairimu")]),
        ("Hand it to Musa at the gate", "NG", "en", [("PERSON", "Musa")]),
        ("Please send the parcel to Eldoret", "KE", "en", [("GPE", "Eldoret")]),
        # "for" a listed person who shares a town's name; "to" that town stays the town
        ("Keep two for Tyler please", "US", "en", [("PERSON", "Tyler")]),
        ("We deliver to Tyler on Fridays", "US", "en", [("GPE", "Tyler")]),
        # a family word before a name, even one that is a chat word elsewhere; a family word alone names nobody
        ("My cousin Lena will pick it up", "GB", "en", [("PERSON", "Lena")]),
        ("Tell my Mum thanks", "GB", "en", []),
        ("Thanks Bru, all sorted", "ZA", "en", []),
        # what people do at a sentence's start, or are asked to do; an everyday word stays one
        ("Amara said the cake is ready", "NG", "en", [("PERSON", "Amara")]),
        ("Could Nkechi bring the receipt tomorrow?", "NG", "en", [("PERSON", "Nkechi")]),
        ("Can Delivery be done today?", "KE", "en", []),
        # "from X and family" is a person; a listed town stays a town
        ("Happy Easter from Chiamaka and family", "NG", "en", [("PERSON", "Chiamaka")]),
        ("Greetings from Kisumu and family", "KE", "en", [("GPE", "Kisumu")]),
        # India's English writes "aunty" after a name; alone it names nobody
        ("Give the box to Kavita aunty please", "IN", "en", [("PERSON", "Kavita")]),
        ("Good morning aunty, is the shop open?", "IN", "en", []),
    ],
)
def test_english_cues_of_round_9(text, region, language, expected):
    assert names_in(text, region, language) == expected


@pytest.mark.parametrize(
    ("text", "region", "language", "expected"),
    [
        # telling or asking someone: "-le a", "pro", "mal"; a place after the same prepositions stays a place
        ("Pregúntale a Rocío si ya salió el pedido", "ES", "es", [("PERSON", "Rocío")]),
        ("Dile a pepe que pase mañana por la tienda", "ES", "es", [("PERSON", "pepe")]),
        ("Lo mandamos a Sevilla mañana por la tarde", "ES", "es", [("GPE", "Sevilla")]),
        ("Fala pro Juninho trazer o troco", "BR", "pt", [("PERSON", "Juninho")]),
        ("pede pro joão separar as caixas para mim", "BR", "pt", [("PERSON", "joão")]),
        ("Vocês mandam pra Curitiba também?", "BR", "pt", [("GPE", "Curitiba")]),
        ("Sag mal Jens, dass die Ware da ist", "DE", "de", [("PERSON", "Jens")]),
        ("Frag mal nach der Rechnung, bitte", "DE", "de", []),
        # in whose name
        ("Reserva a nombre de Ximena Torres para el sábado", "MX", "es", [("PERSON", "Ximena Torres")]),
        ("Pode deixar no nome de Kátia que ela retira", "BR", "pt", [("PERSON", "Kátia")]),
        # what one pays with or from is a business, whom one meets a person; a German noun stays a noun
        ("Te pago con Bizum esta tarde, vale?", "ES", "es", [("ORG", "Bizum")]),
        ("Tengo cita con Marta el jueves por la mañana", "ES", "es", [("PERSON", "Marta")]),
        ("Ich habe mit Kreditkarte bezahlt, passt das?", "DE", "de", []),
        ("La transferencia desde Santander ya salió", "ES", "es", [("ORG", "Santander")]),
        ("Paguei no débito do Bradesco, confere aí", "BR", "pt", [("ORG", "Bradesco")]),
        ("Llego desde Santander mañana temprano", "ES", "es", [("GPE", "Santander")]),
        # two capitalised words after a preposition are a name mid-sentence; capitals for emphasis are not
        ("Compré por Mercado Libre el cargador y no anda", "AR", "es", [("ORG", "Mercado Libre")]),
        ("A Nota Fiscal veio errada de novo", "BR", "pt", []),
        # business words that end a name, and a legal form keeps its full stop
        ("Das Konto ist bei der Erste Bank, die IBAN schicke ich gleich", "AT", "de", [("ORG", "Erste Bank")]),
        ("Die Bank hat die Zahlung noch nicht gebucht", "DE", "de", []),
        ("Mándalo por Correos Express, por favor", "ES", "es", [("ORG", "Correos Express")]),
        ("La factura va a Construcciones Gómez S.L., gracias", "ES", "es", [("ORG", "Construcciones Gómez S.L.")]),
        # a person, then the shop they are from
        (
            "Aqui é o Marcelo da Farmácia Central, bom dia",
            "BR",
            "pt",
            [("PERSON", "Marcelo"), ("ORG", "Farmácia Central")],
        ),
        # sign-offs and hails; alone they name nobody
        ("Liefern Sie am Samstag? Gruss Beat", "CH", "de", [("PERSON", "Beat")]),
        ("Valeu Tonho, chegou tudo certo", "BR", "pt", [("PERSON", "Tonho")]),
        ("Che Facundo, ¿mañana abrís?", "AR", "es", [("PERSON", "Facundo")]),
        ("Che, ¿mañana abrís temprano?", "AR", "es", []),
        ("Die Rechnung kommt per Mail, danke", "DE", "de", []),
    ],
)
def test_spanish_portuguese_and_german_cues_of_round_9(text, region, language, expected):
    assert names_in(text, region, language) == expected


# Round 11 (dev/names11.txt): English and Hinglish cues; every sentence here is new and each was read wrongly before.
@pytest.mark.parametrize(
    ("text", "region", "language", "expected"),
    [
        # a telling verb opening the request, then the person told
        ("Ask Chinedu to call me when he arrives", "NG", "en", [("PERSON", "Chinedu")]),
        ("Tell Baraka the parcel is ready", "KE", "en", [("PERSON", "Baraka")]),
        ("Please ask for Tunde at the gate", "NG", "en", [("PERSON", "Tunde")]),
        # what is booked "with" someone is their time; "with" a wallet or a courier stays a business
        ("I booked a facial for Saturday with Mpho", "ZA", "en", [("PERSON", "Mpho")]),
        ("Paid with Mukuru at the till", "ZA", "en", [("ORG", "Mukuru")]),
        # where one paid or found the goods is a shop; a listed town there stays the town
        ("Found it at Makro for less", "ZA", "en", [("ORG", "Makro")]),
        ("Paid at Kisumu, receipt attached", "KE", "en", [("GPE", "Kisumu")]),
        # a request's verb after "please" is nobody
        ("Kindly check and please revert", "IN", "en", []),
        # a business run into its town, or into a branch noun, is the business and the place
        ("The service is at Mavuno Church Karen", "KE", "en", [("ORG", "Mavuno Church"), ("GPE", "Karen")]),
        ("Pick it up at Kilele Stores Ruaka", "KE", "en", [("ORG", "Kilele Stores"), ("GPE", "Ruaka")]),
        ("Pay at Tumaini Osu branch", "GH", "en", [("ORG", "Tumaini"), ("GPE", "Osu")]),
        ("Thanks for hosting us at Victory Chapel", "NG", "en", [("ORG", "Victory Chapel")]),
        # a given name, then a surname a business also bears or a particle opening the surname
        ("Sent to Carmen Vega via Zelle", "US", "en", [("PERSON", "Carmen Vega"), ("ORG", "Zelle")]),
        ("Sender name is Maria Dela Rosa", "PH", "en", [("PERSON", "Maria Dela Rosa")]),
        # thanks in South Africa and the Philippines, then the person thanked
        ("Shot Thandiwe, the cake was perfect", "ZA", "en", [("PERSON", "Thandiwe")]),
        ("Received, salamat. Salamat, Marites", "PH", "en", [("PERSON", "Marites")]),
        # Hinglish: the number of a sector before "mein" is the place's
        ("hamari dukaan ab Sector 62 mein hai", "IN", "hi", [("FAC", "Sector 62")]),
    ],
)
def test_english_and_hinglish_cues_of_round_11(text, region, language, expected):
    assert names_in(text, region, language) == expected


# Round 12 (dev/names12.txt): English cues; every sentence here is new and each was read wrongly before.
@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # the writer or the reader named in so many words, even by a given name that is an everyday word
        ("Mercy here, the parcel reached safely", "KE", [("PERSON", "Mercy")]),
        ("Kagiso here, is the cake ready?", "ZA", [("PERSON", "Kagiso")]),
        ("Charity, abeg call me when you see this", "NG", [("PERSON", "Charity")]),
        ("Faith will drop the cash at the shop", "KE", [("PERSON", "Faith")]),
        ("Is Comfort coming to the stall today?", "GH", [("PERSON", "Comfort")]),
        ("I phoned and Bongiwe from the call centre was rude", "ZA", [("PERSON", "Bongiwe")]),
        ("We need the hall for Thandeka's wedding", "ZA", [("PERSON", "Thandeka")]),
        # a Spanish word on an English line after "tell" or a sign-off dash is a name
        ("Please tell Segun the bill is ready", "NG", [("PERSON", "Segun")]),
        # Ghana's "Nana" is a title, outside the name
        ("Nana Kwesi says thank you for the cloth", "GH", [("PERSON", "Kwesi")]),
        # a business's name that holds "the", a lender's and a law firm's names, a greeting word in a garage's
        ("Wedding at Mary the Queen Parish next month", "KE", [("ORG", "Mary the Queen Parish")]),
        ("I repaid Juhudi Microfinance this morning", "KE", [("ORG", "Juhudi Microfinance")]),
        ("The contract is with Mahlangu Attorneys now", "ZA", [("ORG", "Mahlangu Attorneys")]),
        ("Got the spare from Asante Motors", "GH", [("ORG", "Asante Motors")]),
        # who works for a business, where goods were seen, a branch in a place, a courier's tracking
        ("The Sendwave agent never called back", "KE", [("ORG", "Sendwave")]),
        ("I saw it at Hubtel cheaper", "GH", [("ORG", "Hubtel")]),
        ("Is it the Chandarana at Ruaka?", "KE", [("ORG", "Chandarana"), ("GPE", "Ruaka")]),
        ("Aramex says delivered but I have nothing", "ZA", [("ORG", "Aramex")]),
        # a listed brand before a street word is a street
        ("The shop is on Apple Street now", "US", [("FAC", "Apple Street")]),
    ],
)
def test_english_cues_of_round_12(text, region, expected):
    assert english(text, region) == expected


def test_everyday_words_that_are_given_names_stay_words_without_such_cues():
    assert english("Joy is not what I felt when the box came open", "NG") == []
    assert english("Hope you are well, the goods are ready", "KE") == []
    assert english("Hope will be fine once it rains", "KE") == []
    # a greeting no list knows, opening a line before a comma, greets nobody
    assert english("Wagwan, two patties please", "GB") == []


# Round 12b (dev/orgs12.txt): businesses in each language; every sentence here is new and each was read wrongly
# before the round's rules.
@pytest.mark.parametrize(
    ("text", "region", "language", "expected"),
    [
        # a trade word opens a business's name, whatever the words after it are listed as
        ("Comprei pão na Confeitaria Santo Antônio hoje", "BR", "pt", [("ORG", "Confeitaria Santo Antônio")]),
        ("O Açougue Dois Irmãos abre domingo?", "BR", "pt", [("ORG", "Açougue Dois Irmãos")]),
        ("Les gâteaux de la Pâtisserie du Lac sont prêts", "FR", "fr", [("ORG", "Pâtisserie du Lac")]),
        ("Fui a la Carnicería El Buen Corte ayer", "MX", "es", [("ORG", "Carnicería El Buen Corte")]),
        ("Ich war gestern im Modehaus Kowalski", "DE", "de", [("ORG", "Modehaus Kowalski")]),
        ("Die Apotheke am Bahnhof hat offen", "DE", "de", [("ORG", "Apotheke am Bahnhof")]),
        # a bank in one word; a town named after a saint
        ("Ich habe bei der Postbank eingezahlt", "DE", "de", [("ORG", "Postbank")]),
        ("Überweisung an die Raiffeisenbank ist raus", "DE", "de", [("ORG", "Raiffeisenbank")]),
        ("L'agence Ecobank ouvre à 8h", "CI", "fr", [("ORG", "Ecobank")]),  # an elided article is no name
        ("Vocês entregam em São Caetano?", "BR", "pt", [("GPE", "São Caetano")]),
        # Swahili and Hinglish: a shop named after its owner, a business's staff, an account
        ("Nilinunua sukari kwa duka la Mama Wanjiru", "KE", "sw", [("ORG", "Mama Wanjiru")]),
        ("Dereva wa Littlecab amechelewa", "KE", "sw", [("ORG", "Littlecab")]),
        ("Ekart ka delivery boy aaya tha", "IN", "hi", [("ORG", "Ekart")]),
        ("Kotak account mein paise daal diye", "IN", "hi", [("ORG", "Kotak")]),
        ("Malhotra Book House wale ko call karo", "IN", "hi", [("ORG", "Malhotra Book House")]),
    ],
)
def test_businesses_of_round_12b(text, region, language, expected):
    assert names_in(text, region, language) == expected


@pytest.mark.parametrize(
    ("text", "region", "language"),
    [
        ("Loan balance is still 20k, I will clear it Friday", "KE", "en"),
        ("Sawubona, Thandeka here, is the cake ready?", "ZA", "en"),  # a greeting before the writer's name
    ],
)
def test_words_that_name_nobody_in_round_12b(text, region, language):
    found = names_in(text, region, language)
    assert all(entity_text not in ("Loan", "Sawubona") for _, entity_text in found)


# Round 13 (dev/names13.txt): addresses, landmarks, businesses and people in English; every sentence here is new and
# each was read wrongly before the round's rules.
@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # a numbered place keeps its number; a landmark in lower case after a place is not its name
        ("The bus dropped me at Rongai Phase 3 yesterday evening", "KE", [("FAC", "Rongai Phase 3")]),
        ("Drop it at Tema Community 18, by the school", "GH", [("FAC", "Tema Community 18")]),
        ("Meet me at the Kitengela stage at six", "KE", [("GPE", "Kitengela")]),
        ("Leave it at flat 2 Kingsway Manor, the guard knows me", "ZA", [("FAC", "Kingsway Manor")]),
        ("It is at unit 7 Fairway Gardens", "ZA", [("FAC", "Fairway Gardens")]),
        # whose office, parcel, fuel station or service; where things are bought; what a courier loses
        ("Go to the Swiftline office in Kisii and collect it", "KE", [("ORG", "Swiftline"), ("GPE", "Kisii")]),
        ("My Shein parcel never came, please check", "US", [("ORG", "Shein")]),
        ("UPS tracking says it is out for delivery", "US", [("ORG", "UPS")]),
        ("Wait for me near the Hass petrol station", "KE", [("ORG", "Hass")]),
        ("Excellent service from Sendle this week", "US", [("ORG", "Sendle")]),
        ("I will buy the charcoal from Mapato on my way", "KE", [("ORG", "Mapato")]),
        ("Aramex have lost my parcel for the second time", "ZA", [("ORG", "Aramex")]),
        ("I left it in the Chimwemwe Gallery upstairs", "GH", [("ORG", "Chimwemwe Gallery")]),
        # a business word, then its town; a shop's "'s" before a preposition
        (
            "Register him at St Jude Primary School Ebute, please",
            "NG",
            [("ORG", "St Jude Primary School"), ("GPE", "Ebute")],
        ),
        ("Is the Sainsbury's in Hove still open?", "GB", [("ORG", "Sainsbury's"), ("GPE", "Hove")]),
        # people: a coach, the hellos of South Africa and Ghana, the writer from somewhere, a man and his firm
        ("Coach Derrick said training moves to Friday", "US", [("PERSON", "Derrick")]),
        ("Sawubona Thabiso, the order is ready", "ZA", [("PERSON", "Thabiso")]),
        ("Akwaaba Kwesi, thanks for coming", "GH", [("PERSON", "Kwesi")]),
        ("Lebo here from Soweto, please call me", "ZA", [("PERSON", "Lebo"), ("GPE", "Soweto")]),
        (
            "Oga Musa of Musa & Sons Electricals fixed it",
            "NG",
            [("PERSON", "Musa"), ("ORG", "Musa & Sons Electricals")],
        ),
        # a landmark of an address is no person; a city GeoNames also names without "City" is a town
        ("The clinic is behind Mulleys, ask anyone", "KE", [("ORG", "Mulleys")]),
        ("Kapitolyo, Pasig po ang address", "PH", [("GPE", "Pasig")]),
        ("Marikina is flooded so delivery is late", "PH", [("GPE", "Marikina")]),
        # a verb opening a request is no name; nor is a festival
        ("Mark it as paid please, I sent the money", "US", []),
        ("Wishing you a joyful Onam, Suresh", "IN", [("PERSON", "Suresh")]),
        ("Happy Pongal to all at the shop", "IN", []),
    ],
)
def test_english_places_businesses_and_people_of_round_13(text, region, expected):
    assert english(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # what a courier or a shop does to an order names it; "shows out of stock" too; a title may open it
        ("Sendle lost my parcel again this week", "US", [("ORG", "Sendle")]),
        ("Konga sent the wrong blender, please sort it", "NG", [("ORG", "Konga")]),
        ("Mr Biggs delivered the wrong order today", "NG", [("ORG", "Mr Biggs")]),
        ("Ozon shows out of stock for that size", "GB", [("ORG", "Ozon")]),
        # ... but a listed person who brings the order stays a person
        ("Musa delivered my order on time", "NG", [("PERSON", "Musa")]),
        # a given name that is also a town, paid through a wallet
        ("Paid on Venmo to Austin for the tickets", "US", [("ORG", "Venmo"), ("PERSON", "Austin")]),
        # Tagalog hellos, a payment's sender, a friend and the writer, a Dutch surname, a surname that thanks
        ("Magandang umaga Hope! Ready na po", "PH", [("PERSON", "Hope")]),
        ("Money received, sender Mawuli", "GH", [("PERSON", "Mawuli")]),
        ("Hope and I will come for the cake at five", "GB", [("PERSON", "Hope")]),
        ("Please ask Willem van der Walt about the gate", "ZA", [("PERSON", "Willem van der Walt")]),
        ("Deposit made this morning, from Yaw Asante.", "GH", [("PERSON", "Yaw Asante")]),
        # the pronoun after a family word; a listed business written as a surname; a listed name's deeds
        ("My neighbour I think took the box", "GB", []),
        ("Cancel my box please. Regards, Peter Jenkins", "GB", [("PERSON", "Peter Jenkins")]),
        ("Jasmine did my braids, thank you", "GB", [("PERSON", "Jasmine")]),
    ],
)
def test_english_people_and_businesses_of_round_14(text, region, expected):
    assert english(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # a business's own notes: the reader before ", your", a label and its name, staff with a title
        ("Reminder: Kwabena Asare, your fitting is on Friday", "GH", [("PERSON", "Kwabena Asare")]),
        ("Your parcel is on the way. Driver: Jun", "PH", [("PERSON", "Jun")]),
        ("Rider Kwame will call you on arrival.", "GH", [("PERSON", "Kwame")]),
        ("Your stylist Faith will be with you shortly.", "KE", [("PERSON", "Faith")]),
        # ... its sign-off: a name no person bears, a brand's inner capitals, the writer and then the business
        (
            "Your order left our Yaba store today. - Buka Corner Foods Ikeja",
            "NG",
            [("GPE", "Yaba"), ("ORG", "Buka Corner Foods"), ("GPE", "Ikeja")],
        ),
        ("Thanks for your payment. - Phone Point Kenya", "KE", [("ORG", "Phone Point Kenya")]),
        ("Your screen is fixed. - iFixItNow", "US", [("ORG", "iFixItNow")]),
        ("Collect it any time. - Segun, Techplug", "NG", [("PERSON", "Segun"), ("ORG", "Techplug")]),
        ("Regards, Team Kilele", "KE", [("ORG", "Team Kilele")]),
        # ... whom it thanks, books and sells for; a team, a title or a "The" inside the business's name
        ("Thank you for choosing Zuri, see you next time!", "KE", [("ORG", "Zuri")]),
        ("Your booking at Casa Rosa is confirmed", "KE", [("ORG", "Casa Rosa")]),
        ("Hi Jack, Sam from Pret here", "GB", [("PERSON", "Jack"), ("PERSON", "Sam"), ("ORG", "Pret")]),
        ("Your order from Aling Rosa's Carinderia is ready", "PH", [("ORG", "Aling Rosa's Carinderia")]),
        ("My Mr Delivery order never came", "ZA", [("ORG", "Mr Delivery")]),
        ("Booked you in at The Hair Lounge for 3pm", "GB", [("ORG", "The Hair Lounge")]),
        ("I ordered the cake from Bakes by Tolu yesterday", "NG", [("ORG", "Bakes by Tolu")]),
        ("The Pick n Pay near me has no bread", "ZA", [("ORG", "Pick n Pay")]),
        ("Is Shakeys open on Sundays?", "PH", [("ORG", "Shakeys")]),
        (
            "Payment received via GCash from MARIA DELOS REYES",
            "PH",
            [("ORG", "GCash"), ("PERSON", "MARIA DELOS REYES")],
        ),
        # greetings and polite words; a friend's hail; whom a greeting addresses in lower case
        ("Hi Ma'am Joy, the cake is ready", "PH", [("PERSON", "Joy")]),
        ("Good Morning Sir, Happy Holi to you all!", "IN", []),
        ("Chale Nii, the shop is open", "GH", [("PERSON", "Nii")]),
        ("Happy Sunday, Mummy Bimpe", "NG", [("PERSON", "Bimpe")]),
        ("hey guys, is the shop open", "US", []),
        # a street after a branch noun and "on"; Taglish "sa"; a unit's code; a courier's tracking
        ("Is your store on Kingsway open?", "GB", [("GPE", "Kingsway")]),
        ("For pickup sa Tutuban po", "PH", [("GPE", "Tutuban")]),
        ("Collect it at shop C14, first floor", "KE", []),
        ("Fastway says the parcel is at the depot", "ZA", [("ORG", "Fastway")]),
        ("Sent with G4S. Waybill to follow", "KE", [("ORG", "G4S")]),
        ("Your item has been shipped via J&T.", "PH", [("ORG", "J&T")]),
        # a business's own branch after "our"; a business named with a title where one shops
        ("Your laptop is ready at our Circle shop", "GH", [("GPE", "Circle")]),
        ("Thanks for shopping at Mr Price!", "ZA", [("ORG", "Mr Price")]),
    ],
)
def test_business_side_messages_and_english_names_of_round_15(text, region, expected):
    assert english(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # Muslim greetings and wishes before a name are no part of it
        ("Assalamu alaikum Musa, is the shop open today?", "NG", [("PERSON", "Musa")]),
        ("Eid Mubarak Salma, thank you for the sweets", "IN", [("PERSON", "Salma")]),
        # forms of address of other English-speaking markets stay outside the person
        ("Please ask Ba Mwansa to call me back", "ZM", [("PERSON", "Mwansa")]),
        ("Amai Rumbi said the dress is ready", "ZW", [("PERSON", "Rumbi")]),
        ("Terima kasih Kak Aminah for the kuih", "MY", [("PERSON", "Aminah")]),
        # a business's branch after "our"/"your" and before a branch noun, even where a person bears the words
        ("Your order is waiting at our Prince George branch", "CA", [("GPE", "Prince George")]),
        ("Is your Brooklyn location open late?", "US", [("GPE", "Brooklyn")]),
        # whose name an order or a booking is kept under
        ("The order is under Wanjiku, she will pick it up", "KE", [("PERSON", "Wanjiku")]),
        ("Please book a table under the name Ochieng", "KE", [("PERSON", "Ochieng")]),
        # kin by marriage, which the tokenizer splits at the hyphens
        ("My sister-in-law Chioma will collect the gown", "NG", [("PERSON", "Chioma")]),
        # towns of the markets added to the town list are read in their own region
        ("Do you deliver to Parramatta?", "AU", [("GPE", "Parramatta")]),
    ],
)
def test_english_names_of_round_17(text, region, expected):
    assert english(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # given names of the African and Indian markets that Faker lacks (scripts/sources/regional_names.tsv):
        # the subject of a deed or a question, or whom a parcel or money goes to, is the person, not a town
        ("Sipho fixed our fridge yesterday, great guy", "ZA", [("PERSON", "Sipho")]),
        ("Is Tunde around? I want to collect the shoes", "NG", [("PERSON", "Tunde")]),
        ("Kehinde handled the order very well, thanks", "NG", [("PERSON", "Kehinde")]),
        ("Please give the parcel to Nakato at the gate", "UG", [("PERSON", "Nakato")]),
        ("Paid via GCash to Deepak", "IN", [("ORG", "GCash"), ("PERSON", "Deepak")]),
        ("Send the cake to Meena in Chennai", "IN", [("PERSON", "Meena"), ("GPE", "Chennai")]),
    ],
)
def test_regional_given_names_of_round_25(text, region, expected):
    assert english(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # a desk or department greeted in Title Case is nobody's name (round 26, issue 14)
        ("Dear Customer Care, my order never came", "NG", []),
        ("Hello Customer Service, the box arrived open", "GB", []),
        # a given name that is also a word, or a listed one, is still the person greeted
        ("Hi Rose Mary, is the cake ready?", "KE", [("PERSON", "Rose Mary")]),
        # a listed given name in lower case that ends the thanks is the person thanked
        ("thank you njeri, the curtains fit well", "KE", [("PERSON", "njeri")]),
        ("Thanks so much, kwame!", "GH", [("PERSON", "kwame")]),
        ("thank you hope you enjoy it", "KE", []),
    ],
)
def test_english_names_of_round_26(text, region, expected):
    assert english(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # a bank the index lists as "<Word> Bank" is named by that word alone (round 26, issue 14)
        ("Deposit went through from my Capitec just now", "ZA", [("ORG", "Capitec")]),
    ],
)
def test_a_bank_is_named_by_its_first_word(text, region, expected):
    assert english(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # a thing sent, given, passed or handed over "to" a listed given name (lower case too) goes to a person
        ("kindly send the cooler box to njoroge before noon", "KE", [("PERSON", "njoroge")]),
        ("pls hand over the bags to suresh at the counter", "IN", [("PERSON", "suresh")]),
        # ... but a listed place, or an area before its town, stays where it is
        ("send the mattress to Kitengela tomorrow", "KE", [("GPE", "Kitengela")]),
        # Swahili thanks and a blessing end the way "thank you" does, before a given name that is also a word
        ("asante sana Mercy, the mandazi were still warm", "KE", [("PERSON", "Mercy")]),
        ("God bless you Divine, the tray arrived whole", "GH", [("PERSON", "Divine")]),
        # a given name of the regional extract that is also a word ("Precious") is one of the listed word names
        ("Thank you Precious, the wrapper is lovely", "NG", [("PERSON", "Precious")]),
        # a listed person who is also a listed town, asked after what they are doing behind a greeting
        ("Hello is Marcus coming in today? he has my watch", "US", [("PERSON", "Marcus")]),
        # Tagalog marks a person's name with "kay" and "ni" (on chats of the Philippines)
        ("paki-abot kay Rowena yung resibo po", "PH", [("PERSON", "Rowena")]),
        # a group chat's mention of a listed given name is that person, without the "@"
        ("@Wanjiru pls confirm the 3 crates for Friday", "KE", [("PERSON", "Wanjiru")]),
        ("follow @duka_bora for offers", "KE", []),
    ],
)
def test_people_as_customers_name_them(text, region, expected):
    assert names(text, region) == expected


def _names_in(text, region, language):
    [found] = extract_entities([text], region, languages=[language])
    return [(e.label, e.text) for e in found if e.label in NAME_LABELS]


@pytest.mark.parametrize(
    ("text", "region", "language", "expected"),
    [
        # a line the detector gives to Swahili or Hindi for its names alone, with no word of that language and
        # English function words around them, is read by the English rules ("ask for" names a person)
        ("deliver it to Kireka, ask for Ssebunya", "UG", "sw", [("GPE", "Kireka"), ("PERSON", "Ssebunya")]),
        ("please give the bag to Ssebunya at the gate", "UG", "sw", [("PERSON", "Ssebunya")]),
        # ... while one word of Swahili keeps it Swahili's: "kwa" and "ya" are not English
        ("Nimetuma kwa Kamau ya duka", "KE", "sw", [("PERSON", "Kamau")]),
        # the regions' own thanks and hellos before a name, as "Hi" and "Thanks" are
        ("Medaase Kofi, the kenkey was still warm", "GH", "en", [("PERSON", "Kofi")]),
        ("Mangwanani Tendai, is the dress ready?", "ZW", "en", [("PERSON", "Tendai")]),
        ("Shukriya Farhan, the parcel came on time", "IN", "en", [("PERSON", "Farhan")]),
        # Tagalog's "si" and "sina" mark a person's name as "kay" and "ni" do, on a line the detector reads as Swahili
        ("bukas na lang, si Marivic ang kukuha", "PH", "sw", [("PERSON", "Marivic")]),
        # a thing given or passed "to" goes to a person even with no object between ("send to X" stays a place's)
        ("Pass to Siew Lan at the counter please", "SG", "en", [("PERSON", "Siew Lan")]),
    ],
)
def test_people_in_chats_of_six_regions_of_round_31(text, region, language, expected):
    assert _names_in(text, region, language) == expected


def test_a_listed_town_in_lower_case_after_to_is_a_place_but_not_an_english_word():
    assert names("can you deliver to eldoret by friday", "KE") == [("GPE", "eldoret")]
    assert names("pls send it to kumasi, my sister will collect", "GH") == [("GPE", "kumasi")]
    assert names("I want to collect it myself", "KE") == []


def test_a_listed_given_name_in_lower_case_after_a_form_of_address_is_a_person():
    assert names("pls hand the parcel to aunty folake", "NG") == [("PERSON", "folake")]
    assert names("ask uncle kwabena for the change", "GH") == [("PERSON", "kwabena")]
    assert names("my aunty will pass by later", "NG") == []


def test_aunt_is_a_title_outside_the_name_in_any_case():
    assert names("Please hand it to Aunt Lindiwe at the gate", "ZA") == [("PERSON", "Lindiwe")]
    assert names("ask my aunt nomsa for the key", "ZA") == [("PERSON", "nomsa")]
    assert names("my aunt will pass by later", "ZA") == []


def test_fao_and_attn_are_titles_outside_the_name():
    assert names("Courier it to Bristol please, FAO Fiona Walsh", "GB") == [
        ("GPE", "Bristol"),
        ("PERSON", "Fiona Walsh"),
    ]
    assert names("Quote attached, Attn: Peter Mwangi", "KE") == [("PERSON", "Peter Mwangi")]


def test_a_listed_given_name_in_lower_case_after_for_or_from_that_ends_its_clause_is_a_person():
    assert names("this cake is for wambui, she will collect at 5", "KE") == [("PERSON", "wambui")]
    assert names("take the balance from kunle and bring the change", "NG") == [("PERSON", "kunle")]
    assert names("is this parcel for sasa?", "KE") == []
    assert names("buy the charger from kamau", "KE") == []  # where one buys may be a business


def test_a_listed_bank_wallet_or_post_of_several_words_in_lower_case_is_a_business():
    assert names("I will pay with standard bank tomorrow", "ZA") == [("ORG", "standard bank")]
    assert names("india post still has not delivered my parcel", "IN") == [("ORG", "india post")]
    assert names("is there an indian bank near the station?", "IN") == []


def test_a_listed_name_in_lower_case_before_a_trade_ending_is_a_business():
    assert names("I bought the fridge from otieno electronics", "KE") == [("ORG", "otieno electronics")]
    assert names("we get stock from adeyemi traders ltd", "NG") == [("ORG", "adeyemi traders ltd")]
    assert names("pay wanjiku school fees first", "KE") == [("PERSON", "wanjiku")]


def test_a_lower_case_name_after_my_and_a_family_or_staff_word_is_a_person_listed_or_not():
    assert names("can my daughter lwazi collect the dress?", "ZA") == [("PERSON", "lwazi")]  # in no list
    assert names("my driver elikem will pass by at noon", "GH") == [("PERSON", "elikem")]
    assert names("my son texted you the address", "GB") == []
    assert names("my mate reckons the screen is cracked", "GB") == []


def test_a_chain_of_the_market_named_by_an_english_word_is_a_business_after_at_or_from():
    assert names("I found the cough syrup at Clicks yesterday", "ZA") == [("ORG", "Clicks")]
    assert ("ORG", "Clicks") not in names("I found the cough syrup at Clicks yesterday", "KE")  # not Kenya's chain
