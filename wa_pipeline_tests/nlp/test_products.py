"""Named products (products.py), one test per rule, each with the case it must leave alone."""

from __future__ import annotations

from wa_pipeline.nlp.entities import extract_entities


def found(text: str, region: str, language: str) -> list[tuple[str, str]]:
    """The products, organisations and quantities extracted from one message, in text order."""
    [entities] = extract_entities([text], region, languages=[language])
    return [(e.label, e.text) for e in entities if e.label in ("PRODUCT", "ORG", "QUANTITY")]


def products(text: str, region: str, language: str) -> list[str]:
    return [text for label, text in found(text, region, language) if label == "PRODUCT"]


def test_a_listed_brand_with_a_model_is_a_product_not_an_organisation():
    assert found("Do you have the Samsung A15 in blue?", "KE", "en") == [("PRODUCT", "Samsung A15")]
    assert products("Sent you $40 on Venmo for the Jordan 4", "US", "en") == ["Jordan 4"]
    assert products("Is the iPhone 15 Pro still there, 256GB?", "US", "en") == ["iPhone 15 Pro"]


def test_a_number_after_a_place_an_address_word_or_a_verb_is_no_model():
    assert products("Please deliver to Lekki Phase 1 tomorrow", "NG", "en") == []
    assert products("Deliver to Githurai 45 please", "KE", "en") == []
    assert products("Need 50 pcs of printed T-shirts for our event", "KE", "en") == []
    assert found("Your Tesco order 44812 will arrive tomorrow", "GB", "en") == [("ORG", "Tesco")]


def test_a_model_alone_after_an_article_is_a_product():
    assert products("Le pagué por Nequi el PS5, ¿me confirma?", "CO", "es") == ["PS5"]
    assert products("Paid, ref AB12 for the order", "KE", "en") == []


def test_a_listed_name_ending_in_its_number_is_a_product():
    assert found("O PlayStation 5 vem com dois controles?", "BR", "pt") == [("PRODUCT", "PlayStation 5")]


def test_a_name_with_a_pack_size_is_a_product_without_the_size():
    assert products("The Blue Band 500g you sent had expired last month.", "KE", "en") == ["Blue Band"]
    assert products("Sugar 2kg and bread please", "KE", "en") == []


def test_a_name_after_a_container_is_a_product():
    text = "Niletee pakiti mbili za Omo na kopo moja la Kimbo, niko Kawangware."
    assert products(text, "KE", "sw") == ["Omo", "Kimbo"]
    assert products("Ich hätte gern 2 Kästen Augustiner zum Abholen.", "DE", "de") == ["Augustiner"]
    assert products("Hello, unauza mitumba bales? Nataka 2 bales za Grade 1", "KE", "sw") == []


def test_english_quantities_keep_their_contents_and_other_languages_keep_the_product_too():
    assert found("Please bring a tin of Kimbo and 2 packets of Omo", "KE", "en") == [
        ("PRODUCT", "Kimbo"),
        ("QUANTITY", "2 packets of Omo"),
    ]
    [entities] = extract_entities(["Please bring 2 packets of Omo"], "KE", languages=["en"])
    assert [(e.label, e.value) for e in entities] == [("QUANTITY", "2 packet of omo")]
    assert found("3 bottle Thums Up aur 2 packet Kurkure bhejna please.", "IN", "hi") == [
        ("PRODUCT", "Thums Up"),  # "3 bottle Thums" cut the name: no quantity of it
        ("QUANTITY", "2 packet Kurkure"),
        ("PRODUCT", "Kurkure"),
    ]


def test_a_capitalised_name_after_a_count_is_a_product_but_not_a_capitalised_noun():
    assert products("Nipe Indomie tano na Royco mbili tafadhali.", "KE", "sw") == ["Indomie", "Royco"]
    assert products("Manda 2 Heineken gelada e um pão.", "BR", "pt") == ["Heineken"]
    assert products("Ich hätte gern zwei Torten und 3 Tage Zeit.", "DE", "de") == []


def test_a_brand_before_its_goods_is_a_product_and_before_its_service_an_organisation():
    assert products("Paid through PhonePe, please send the Amul butter today.", "IN", "en") == ["Amul"]
    service = found("Took my phone to the Samsung service centre at Sarit.", "KE", "en")
    assert ("ORG", "Samsung") in service and not [name for label, name in service if label == "PRODUCT"]
    assert products("Fresh milk and bread please", "KE", "en") == []


def test_a_brand_after_its_goods_is_a_product_but_not_after_a_device_it_made():
    assert products("Friji ya Hisense mliyoniuzia haipozi kabisa.", "TZ", "sw") == ["Hisense"]
    text = "Nimekaa wiki nzima nikingoja simu ya Samsung niliyolipia."
    assert found(text, "KE", "sw") == [("ORG", "Samsung")]


def test_a_listed_brand_with_its_line_is_a_product_but_not_with_a_branch_or_a_service():
    assert products("Do you stock brake pads for a Toyota Probox?", "KE", "en") == ["Toyota Probox"]
    assert products("Super accueil chez Fnac Montparnasse, merci.", "FR", "fr") == []
    assert products("I have sent it through MTN MoMo, please confirm.", "GH", "en") == []
    # round 27: "Pesa" after a brand is its wallet as "Money" and "Cash" are, "Paid with Tigo Pesa"
    assert found("Paid with Tigo Pesa, please send the receipt", "TZ", "en") == [("ORG", "Tigo Pesa")]


def test_an_elided_article_is_not_part_of_the_product():
    assert products("L'Itel A70 que j'ai pris chez vous ne marche plus.", "CI", "fr") == ["Itel A70"]


def test_a_town_of_the_region_before_goods_is_a_place_not_a_brand():
    text = "The Stanley cup I ordered came with a dent."
    assert products(text, "KE", "en") == ["Stanley"]
    assert products(text, "US", "en") == []  # Stanley is a town there


def test_no_product_from_a_flat_number_a_german_compound_a_multiplier_or_a_verb_before_a_size():
    assert products("Please deliver to flat 304 Tower B, Kilimani", "KE", "en") == []
    assert products("Einmal das Tagesmenü 2 und eine Cola, bitte", "DE", "de") == []
    assert products("Bitte 3x Currywurst mit Pommes", "DE", "de") == []
    assert products("Ich hätte gern 6 Brezeln und 2 Mohnschnecken", "DE", "de") == []
    assert products("Quero 1 kg de carne moída", "BR", "pt") == []


def test_can_is_a_container_only_with_a_count_before_it():
    assert products("Can Wanjiru bring the cake at 5?", "KE", "en") == []
    assert found("Send 2 cans of Pringles please", "KE", "en") == [("QUANTITY", "2 cans of Pringles")]


def test_a_count_before_plural_goods_is_no_model_of_a_lower_case_line():
    assert products("Could you pop 2 cakes aside for me?", "GB", "en") == []
    assert products("is the tecno pop 7 still available", "KE", "en") == ["tecno pop 7"]


def test_a_lower_case_model_word_after_another_stays_in_the_model():
    assert products("is the redmi note 12 pro plus still there?", "KE", "en") == ["redmi note 12 pro plus"]
    assert products("Is the iPhone 14 case in stock?", "US", "en") == ["iPhone 14"]


def test_a_storage_after_a_model_stays_outside_and_leaves_the_model_a_product():
    assert products("how much for the galaxy a14 128gb?", "KE", "en") == ["galaxy a14"]
    assert products("the Pixel 7 128 GB is sold out", "US", "en") == ["Pixel 7"]
    assert found("need Omo 2 1kg", "KE", "en") == [("QUANTITY", "1kg")]


def test_a_lower_case_maker_before_its_listed_line_and_model_is_part_of_the_product():
    assert products("is the tecno pova 5 available", "KE", "en") == ["tecno pova 5"]
    assert products("the new galaxy a15 is out", "KE", "en") == ["galaxy a15"]


def test_a_number_that_counts_plural_goods_or_dozens_after_a_name_is_their_quantity_not_its_model():
    assert found("Grab 8 muffins from the bakery on your way", "GB", "en") == [("QUANTITY", "8 muffins")]
    assert found("can you grab 3 dozen buns for the party", "AU", "en") == [("QUANTITY", "3 dozen buns")]
    assert found("Could you pop 4 loaves aside for me?", "GB", "en") == [("QUANTITY", "4 loaves")]
    assert products("Is the iPhone 14 case in stock?", "US", "en") == ["iPhone 14"]


def test_an_amount_in_thousands_is_no_model():
    assert products("Is it 5k? Saw 3k on the flyer", "PK", "en") == []
    assert products("is the tecno pop 7 still available", "KE", "en") == ["tecno pop 7"]


def test_a_german_noun_after_a_listed_brand_is_the_goods_unless_it_names_the_brands_shop():
    assert products("Ist der Siemens Geschirrspüler noch zu haben?", "DE", "de") == ["Siemens"]
    assert products("Bitte beim DHL Paketshop abgeben, danke", "DE", "de") == []


def test_a_bar_of_chocolate_is_a_container_and_a_legal_form_a_company():
    assert products("Zwei Tafeln Lindt bitte", "DE", "de") == ["Lindt"]
    assert found("Rechnung bitte an Schmidt Elektro GmbH schicken", "DE", "de") == [("ORG", "Schmidt Elektro GmbH")]


def test_a_brand_before_goods_of_round_14_is_a_product():
    assert products("Is the JBL speaker waterproof?", "KE", "en") == ["JBL"]
    assert products("Do you keep Gowardhan ghee in the big tin?", "IN", "en") == ["Gowardhan"]
    assert products("My Casio watch needs a new strap", "GB", "en") == ["Casio"]
    assert products("Please watch the gate for me", "GB", "en") == []


def test_products_of_round_15_a_kind_before_the_goods_a_second_brand_and_a_screen_size():
    assert products("Do you have the Hisense chest freezer?", "KE", "en") == ["Hisense"]
    assert products("Please add Peak and Cowbell milk to the list", "NG", "en") == ["Peak", "Cowbell"]
    assert products("How much is the Skyworth 43 inch?", "KE", "en") == []
    assert products("My Samsung TV has no sound", "KE", "en") == []
    assert products("PLS SEND TO ATIENO AT KAYOLE 4 TODAY", "KE", "en") == []


def test_a_shop_before_a_capitalised_word_is_the_shop_not_a_product_line():
    # A chain's branch or its own service ("Jollibee Ortigas", "Naivas Westlands") is no goods: the shops and
    # services list (shops.txt) makes businesses for names.py and no brand of goods for products.py.
    assert found("We ate at Jollibee Ortigas after the meeting", "PH", "en") == [("ORG", "Jollibee")]
    assert products("Bought it at Naivas Westlands on Friday", "KE", "en") == []


def test_a_name_before_goods_wordnet_names_is_a_product_on_english_lines():
    # gazetteer/goods.txt: nouns whose first WordNet sense is a made thing, a food or a substance (round 30)
    assert products("Please add Harpic cleaner to my order", "KE", "en") == ["Harpic"]
    assert products("Do you stock Morning Fresh liquid?", "ZA", "en") == ["Morning Fresh"]
    assert found("Thanks Esther, the Colgate mouthwash arrived", "KE", "en") == [("PRODUCT", "Colgate")]
    # a verb after a name, a shop's goods and a person's are no product
    assert products("Is Amani working today?", "KE", "en") == []
    assert products("My sister Wanjiru needs the same bag", "KE", "en") == []
    assert found("The Woolworths cake was lovely", "ZA", "en") == [("ORG", "Woolworths")]
    assert products("Paid for Rehema's cake already", "KE", "en") == []
    assert products("The TV screen has a crack and the A4 paper is wet", "KE", "en") == []
    assert products("Can you bake a Victoria sponge for Saturday?", "GB", "en") == []


def test_a_name_before_goods_of_two_or_three_words_wordnet_names_is_a_product_on_english_lines():
    # gazetteer/goods.txt also holds WordNet's goods nouns of two and three words (round 31): "olive oil"
    assert products("Do you have Zamora olive oil in stock?", "KE", "en") == ["Zamora"]
    assert products("Please add the Velbon pressure cooker to my cart", "IN", "en") == ["Velbon"]
    assert products("Are the Nakuru tea bags fresh?", "KE", "en") == []  # a town, no brand
    # a phrase opening on a chat word ("a battery") after a name is no goods
    assert products("Tell Baraka a battery is in the drawer", "KE", "en") == []
