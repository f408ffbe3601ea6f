"""Shapes of real public WhatsApp exports (round 18) that the enrichment read wrongly, each on invented text.

The exports themselves (starkdmi/whats_json, test/data/chats_unique) stay out of the repository; only their shapes,
and WhatsApp's and the phone networks' own strings (a USSD code), are kept here.
"""

from datetime import UTC, datetime

from wa_pipeline.nlp.entities import extract_entities
from wa_pipeline.nlp.language import detect_languages

SENT = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def read(texts, region):
    """Each text's entities as (label, text, value), read with its detected language as the enrichment does."""
    languages = detect_languages(texts)
    found = extract_entities(texts, region, sent_at=[SENT] * len(texts), languages=languages)
    return [[(e.label, e.text, e.value) for e in entities] for entities in found]


def test_a_ussd_code_is_no_order_number():
    # Forwarded "check your line" messages: a phone's menu code, not order #002; an order number still is one.
    assert read(
        ["Pls dial ##004# to stop the forwarding", "Dial *#062# on your line", "Order #4471 is packed"], "NG"
    ) == [
        [],
        [],
        [("REFERENCE", "4471", "order:4471")],
    ]


def test_the_kind_of_a_file_sent_is_no_business():
    # The model calls an all-capitals file type an organisation; a business beside it is still read.
    found = read(["Kindly send the PDF again", "I sent the PNG file to you", "Send the JPG from Jumia"], "NG")
    assert found[0] == [] and found[1] == []
    assert not any(text == "JPG" for _, text, _ in found[2])


def test_a_name_ends_before_the_slash_the_tokenizer_leaves_on_it():
    assert read(["Congratulations Tolu/ Sir", "Thanks Kemi/ Ma"], "NG") == [
        [("PERSON", "Tolu", "Tolu")],
        [("PERSON", "Kemi", "Kemi")],
    ]


def test_sr_addresses_the_reader_of_an_english_line():
    # West African chats write "Sr" for "Sir"; on Spanish lines it stays a title before a surname.
    assert read(["Pls Sr, the link is not opening", "Thanks Sr."], "NG") == [[], []]
    assert read(["El Sr Pérez llega mañana por la tarde"], "MX")[0][0] == ("PERSON", "Pérez", "Pérez")


def test_hbd_is_a_birthday_wish_not_part_of_the_name_wished():
    assert read(["Hbd Funmi, more wins", "HBD Tayo"], "NG") == [
        [("PERSON", "Funmi", "Funmi")],
        [("PERSON", "Tayo", "Tayo")],
    ]


def test_rupees_written_in_devanagari_are_money():
    assert read(["दुकानदार: 750 रुपये का", "2400 रुपए दे दो"], "IN") == [
        [("MONEY", "750 रुपये", "INR 750.00")],
        [("MONEY", "2400 रुपए", "INR 2400.00")],
    ]


def test_a_numbered_group_is_no_count():
    # "Group 4 leader" names the leader of group 4; a count of groups is still one.
    assert read(["Group 4 leader, please share the link", "We need 3 groups of volunteers"], "NG") == [
        [],
        [("QUANTITY", "3 groups of volunteers", "3 group of volunteers")],
    ]


def test_a_brand_and_a_number_after_and_are_two_things():
    # "and" starts another thing after a brand; it is no product line between the brand and a model number.
    found = read(["She has over 50k Instagram and 12k Twitter", "We stock Samsung and 5 Tecno phones"], "NG")
    assert all("and" not in text for entities in found for _, text, _ in entities)
    assert read(["Infinix Hot 30 iko?"], "KE")[0] == [("PRODUCT", "Infinix Hot 30", "Infinix Hot 30")]


def test_a_capitalised_kin_word_after_my_is_no_name():
    # The kin word names the relation; a name after it is still read.
    assert read(["My Cousin is doing a survey, pls help him", "my Cousin Ama will pay"], "GH") == [
        [],
        [("PERSON", "Ama", "Ama")],
    ]


def test_swahili_yesterday_is_hindi_to_go_on_a_hinglish_line():
    # "jana hai": has to go; on a Swahili line "jana" is still yesterday.
    sent = [SENT, SENT]
    texts = ["Mujhe kal bank jana hai", "Nimetuma pesa jana jioni"]
    found = extract_entities(texts, "KE", sent_at=sent, languages=["hi", "sw"])
    assert [(e.label, e.text) for e in found[0]] == [("DATE", "kal")]
    assert [(e.label, e.text, e.value) for e in found[1]] == [("DATE", "jana", "2026-11-17")]


def test_an_abbreviation_the_model_calls_a_person_is_none():
    # The model's guess alone makes no person of "KPI" or "TC"; initials a cue marks still are one.
    found = read(["ustad ko mail karne laga hu woh KPI system sy related", "Print it on letter heads, TC, forms"], "IN")
    assert found == [[], []]
    assert read(["Pls ask KK to send the invoice"], "IN")[0] == [("PERSON", "KK", "KK")]


# Round 19: text customers paste into business chats (mobile money and bank alerts, shop bots' and couriers' notices),
# each shape on invented text.


def test_the_code_a_mobile_money_confirmation_opens_with_is_its_transaction():
    # Codes of any length, with a single digit too, right before "Confirmed"; a word in capitals there is none.
    found = read(
        [
            "PK4TZ7Q Confirmed. Ksh450.00 sent to MAMA MBOGA SHOP on 3/2/27 at 9:10 AM.",
            "UHWQR2TXBN confirmed.You bought Ksh20.00 of airtime",
            "ORDER CONFIRMED, thank you",
        ],
        "KE",
    )
    assert ("REFERENCE", "PK4TZ7Q", "transaction:PK4TZ7Q") in found[0]
    assert ("REFERENCE", "UHWQR2TXBN", "transaction:UHWQR2TXBN") in found[1]
    assert not any(label == "REFERENCE" for label, _, _ in found[2])


def test_mobile_money_ids_keep_their_dots_and_trans_id_names_one():
    found = read(
        [
            "Txn ID: MP270104.5521. You have paid UGX 20,000 to a shop",
            "Y'ello. Trans ID: 55120934. New balance: UGX 3,000.",
            "TID: PP270104.1133.B22901. Dial *115# for your balance",
            "Order 4471.Thanks",
        ],
        "UG",
    )
    assert ("REFERENCE", "MP270104.5521", "transaction:MP270104.5521") in found[0]
    assert ("REFERENCE", "55120934", "transaction:55120934") in found[1]
    assert ("REFERENCE", "PP270104.1133.B22901", "transaction:PP270104.1133.B22901") in found[2]
    assert ("REFERENCE", "4471", "order:4471") in found[3]


def test_a_bank_alert_field_names_its_account_and_labels_its_date():
    # "Acct:" and "Date:" with nothing between the colon and the value, as Nigerian alerts print them.
    found = read(["Acct: XXXX7781\nAmt: NGN 2,000.00 DR\nDate:2027-01-14 4:05PM", "Desc: POS\nDate:14/01/2027"], "NG")
    assert ("REFERENCE", "XXXX7781", "account:XXXX7781") in found[0]
    assert ("DATE", "2027-01-14 4:05PM", "2027-01-14T16:05:00+00:00") in found[0]
    assert ("DATE", "14/01/2027", "2027-01-14") in found[1]


def test_bank_dates_run_together_or_with_a_two_digit_year():
    found = read(["Rs.200 debited on 14JAN27 at a store", "UPI txn on 05Feb26, Ref 1", "spent on 14-Jan-25."], "IN")
    assert [[(text, value) for label, text, value in entities if label == "DATE"] for entities in found] == [
        [("14JAN27", "2027-01-14")],
        [("05Feb26", "2026-02-05")],
        [("14-Jan-25", "2025-01-14")],
    ]


def test_a_mobile_money_time_keeps_its_seconds():
    found = read(["You have sent UGX 5,000 on 2027-01-03 18:22:47. Fee: UGX 500."], "UG")
    assert ("DATE", "2027-01-03 18:22:47", "2027-01-03T18:22:47+00:00") in found[0]


def test_the_brackets_around_a_phone_number_are_no_part_of_it():
    found = read(["You have received UGX 9,000 from Juma Okello (256772000111) today"], "UG")
    assert ("PHONE", "256772000111", "+256772000111") in found[0]


def test_the_field_names_of_a_pasted_alert_are_no_names():
    # "Bal:", "Desc:", "Date:" of a bank alert; a list of people and what each paid keeps its people.
    found = read(
        [
            "Debit: ₦4,100 POS at a shop. Bal: ₦9,300",
            "Acct: XXXX1180\nDesc: Transfer\nAmt: NGN 6,000.00\nBal: NGN 12,400.50\nDate: 02-Feb-2027",
            "Wanjiku: KES 500\nAchieng: KES 300",
        ],
        "NG",
    )
    labels = [
        [(label, text) for label, text, _ in entities if label not in ("MONEY", "DATE", "REFERENCE")]
        for entities in found
    ]
    assert labels[0] == [] and labels[1] == []
    assert labels[2] == [("PERSON", "Wanjiku"), ("PERSON", "Achieng")]


def test_an_everyday_word_opening_a_sentence_is_no_part_of_a_brand_in_capitals():
    # "New M-PESA balance": the balance is new, the service is M-PESA; a listed place keeps its "New".
    found = read(["RK2TQ7Z Confirmed. Ksh300.00 sent. New M-PESA balance is Ksh40.00.", "New York is far"], "KE")
    assert ("ORG", "M-PESA", "M-PESA") in found[0] and not any(text.startswith("New") for _, text, _ in found[0])
    assert [(label, text) for label, text, _ in found[1]] == [("GPE", "New York")]


def test_an_alert_addresses_the_business_s_users_not_a_person():
    found = read(
        ["Dear OPay user, N800.00 has been debited", "Dear Valued Customer, your card is ready", "Dear Kemi, thanks"],
        "NG",
    )
    assert ("ORG", "OPay", "OPay") in found[0] and not any(label == "PERSON" for label, _, _ in found[0])
    assert not any(label == "PERSON" for label, _, _ in found[1])
    assert found[2] == [("PERSON", "Kemi", "Kemi")]


def test_whom_money_is_transferred_or_sent_to_is_a_person():
    # Chatbot payment requests (round 20): the name after "to" in a clause that transfers money or sends an amount
    # is the payee, listed or not, in lower case too; a parcel delivered "to Karen" still goes to the place.
    found = read(
        [
            "transfer the money to wanjiru please",
            "Sent 2,000 to Chidinma this morning",
            "I will transfer the balance to Ayomide tomorrow",
            "We deliver to Karen and Runda",
        ],
        "KE",
    )
    assert ("PERSON", "wanjiru", "wanjiru") in found[0]
    assert ("PERSON", "Chidinma", "Chidinma") in found[1]
    assert ("PERSON", "Ayomide", "Ayomide") in found[2]
    assert [label for label, _, _ in found[3]] == ["GPE", "GPE"]


def test_a_listed_town_in_lower_case_after_in_is_a_place():
    # Restaurant-search bots' users write towns in lower case; after "in" a listed town that is no English word is
    # still the place, and "in cash", "in stock" stay words.
    found = read(["any good biryani places in hyderabad", "pay in cash", "is it in stock"], "IN")
    assert found[0] == [("GPE", "hyderabad", "hyderabad")]
    assert found[1] == [] and found[2] == []
    assert read(["same day delivery in kitengela?"], "KE")[0] == [("GPE", "kitengela", "kitengela")]


def test_a_dollar_or_pound_sign_after_the_amount_is_money():
    # Payment bots' users write the sign after the number, as "20€" is: the amount is still money, and a sign
    # before the next number stays that number's.
    assert read(["I can send 80$ tonight"], "US")[0][0] == ("MONEY", "80$", "USD 80.00")
    assert read(["it was 350£ in the end"], "GB")[0][0] == ("MONEY", "350£", "GBP 350.00")
    assert [e for e in read(["I need 2 $50 gift cards"], "US")[0] if e[0] == "MONEY"] == [("MONEY", "$50", "USD 50.00")]


def test_a_message_that_is_only_a_name_names_a_person():
    # Answers to a bot's "May I have your name?" (round 20): the whole message a name of two unlisted words, or a
    # listed given name alone; one unlisted word ("Amen") or everyday words stay unnamed, and a shop is no person
    # (Quickmart, a Kenyan supermarket chain, is listed since round 24: the business).
    found = read(["Yemi Fasipe", "Wanjiku?", "Amen", "Quickmart", "Okay Boss"], "KE")
    assert found[0] == [("PERSON", "Yemi Fasipe", "Yemi Fasipe")]
    assert found[1] == [("PERSON", "Wanjiku", "Wanjiku")]
    assert found[2] == [] and found[4] == []
    assert found[3] == [("ORG", "Quickmart", "Quickmart")]


# Round 21 (s21-ents4): customers' messages to shops and banks in bots' fixtures, demo chats and support samples.


def test_a_company_written_before_bank_or_customer_care_is_a_business():
    # Customers write their bank in any case with "bank" after it, and the company whose desk they want before
    # "customer care"; "my bank" and "the food bank" name none.
    assert read(
        [
            "is sbi bank open on saturday?",
            "NMB bank declined my card again",
            "hello paytm customer care, my wallet is blocked",
            "my bank app is down since morning",
            "I keep the receipts at the food bank",
        ],
        "IN",
    ) == [
        [("ORG", "sbi bank", "sbi bank"), ("DATE", "saturday", "2026-11-21")],
        [("ORG", "NMB bank", "NMB bank")],
        [("ORG", "paytm", "paytm")],
        [],
        [],
    ]


def test_the_count_an_order_writes_after_an_item_is_no_part_of_its_model():
    found = read(["Tecno Spark 20 x2 please, deliver to Yaba", "Do you still have the Samsung 65-inch TV?"], "NG")
    assert found[0] == [("PRODUCT", "Tecno Spark 20", "Tecno Spark 20"), ("GPE", "Yaba", "Yaba")]
    assert not any(text == "Samsung 65" for _, text, _ in found[1])  # "65-inch" is the screen's size


def test_initials_before_branch_name_the_company_and_its_people_the_firm():
    # Customers write their bank's initials before "branch"; a town or the CBD before it is where the branch is.
    assert read(
        ["I went to the KCB branch in town", "Come to our Westlands branch", "the CBD branch is closed"], "KE"
    ) == [
        [("ORG", "KCB", "KCB")],
        [("GPE", "Westlands", "Westlands")],
        [("GPE", "CBD", "CBD")],
    ]
    # Hinglish "walo"/"waalon", the plural of "wale": the firm's people, not a person.
    found = read(["yaar, Kotak walo ne kya bakwas service di hai", "Zomato waalon se baat karo bhai"], "IN")
    assert ("ORG", "Kotak", "Kotak") in found[0] and ("ORG", "Zomato", "Zomato") in found[1]


def test_a_currency_letter_glued_to_a_model_number_before_pro_is_no_money():
    found = read(["Can I get a quote for the DJI RS3 Pro gimbal?", "The charger is Rs450 only"], "IN")
    assert found[0] == [("PRODUCT", "DJI RS3 Pro", "DJI RS3 Pro")]
    assert found[1] == [("MONEY", "Rs450", "INR 450.00")]


def test_the_company_a_bill_or_subscription_is_owed_to_is_a_business():
    # Round 22: "Your <telco> bill is due", "your <streaming> subscription" (utility and promo texts); a person
    # named before "bill" stays a person and an everyday capitalised word names no one.
    found = read(
        [
            "Your Fibrenet bill is due on Friday",
            "my Streamflix subscription has ended",
            "Pay the Wanjiru bill too",
            "The Water bill is high",
        ],
        "KE",
    )
    assert ("ORG", "Fibrenet", "Fibrenet") in found[0]
    assert found[1] == [("ORG", "Streamflix", "Streamflix")]
    assert found[2] == [("PERSON", "Wanjiru", "Wanjiru")]
    assert found[3] == []


def test_a_capitalised_order_after_a_listed_company_is_no_product_line():
    # "Swiggy Order #445" was read as a product named "Swiggy Order"; the company is the business, the number its
    # order, and a listed line after a brand is still a product.
    found = read(["Your Swiggy Order #445 is late", "My Zomato Order never came", "Nike Air Max 90 please"], "IN")
    assert ("ORG", "Swiggy", "Swiggy") in found[0]
    assert found[1] == [("ORG", "Zomato", "Zomato")]
    assert found[2] == [("PRODUCT", "Nike Air Max 90", "Nike Air Max 90")]


def test_a_listed_company_in_lower_case_where_one_pays_or_orders_is_a_business():
    # "via paypal", "my flipkart order", "the zomato app": chats write companies in lower case; a given name
    # ("with tina") and an everyday word ("with cash") after the same words stay what they are.
    found = read(
        [
            "can I pay via paypal",
            "where is my flipkart order",
            "the zomato app is down",
            "I will come with tina",
            "pay with cash",
        ],
        "US",
    )
    assert found[0] == [("ORG", "paypal", "paypal")]
    assert found[1] == [("ORG", "flipkart", "flipkart")]
    assert found[2] == [("ORG", "zomato", "zomato")]
    assert found[3] == [] and found[4] == []


def test_whom_one_thanks_or_welcomes_is_a_person():
    # Round 23: "Thank you X" ends on "you", not on a greeting, so a given name that is also a word was lost after
    # it; a welcome was read as part of a town's name. Thanks or a welcome in Title Case still names nobody.
    assert read(
        [
            "Thank you Grace, the cake was lovely",
            "Thank you so much, Rose!",
            "Welcome Naledi to the group",
            "Welcome Mary, what would you like?",
            "Thank You Very Much",
            "Welcome Back!",
        ],
        "ZA",
    ) == [
        [("PERSON", "Grace", "Grace")],
        [("PERSON", "Rose", "Rose")],
        [("PERSON", "Naledi", "Naledi")],
        [("PERSON", "Mary", "Mary")],
        [],
        [],
    ]


def test_the_chains_of_the_markets_are_businesses():
    # Round 24: supermarkets, fast-food chains and couriers of the markets served were in no list, so a chat naming
    # them read a place or nothing; the Name Suggestion Index's brands now list them.
    found = read(
        [
            "I left my umbrella at Puregold yesterday",
            "We got the Chicken Republic combo for the office party",
            "Can you send it with Blue Dart this time?",
        ],
        "PH",
    )
    assert ("ORG", "Puregold", "Puregold") in found[0]
    assert ("ORG", "Chicken Republic", "Chicken Republic") in found[1]
    assert ("ORG", "Blue Dart", "Blue Dart") in found[2]


def test_the_swahili_word_for_a_shop_is_no_chain():
    # Round 24: "duka" is also a Tanzanian chain's name; in a Kenyan chat it is the shop itself.
    assert read(["Learn how to grow your duka this month", "Hello Duka owners, meeting at 4"], "KE") == [[], []]


def test_a_greeted_group_is_no_person():
    # Round 24: a greeting before a plural noun greets a group ("Good morning Shop Owners"); one word, or a listed
    # given name first, is still the person greeted.
    found = read(
        [
            "Good morning Shop Owners, the new stock is in",
            "Hi Miles, thanks for the payment",
            "Hi Sarah Woods, your parcel is ready",
        ],
        "KE",
    )
    assert found[0] == []
    assert found[1] == [("PERSON", "Miles", "Miles")]
    assert found[2] == [("PERSON", "Sarah Woods", "Sarah Woods")]


def test_god_thanked_is_no_person():
    # Round 24: "thank" is a greeting before a name, so "I thank God" named God; nobody in a chat is.
    found = read(["I thank God the parcel arrived safely", "Thank God for Wanjiru, she found my order"], "KE")
    assert found[0] == []
    assert found[1] == [("PERSON", "Wanjiru", "Wanjiru")]


def test_initials_after_your_or_the_are_the_chats_jargon():
    # Round 27: the model calls a chat's or a payment's initials after "your" or "the" an organisation ("check your
    # DM", "the TID is in the screenshot", "share the OTP"); initials a list names, or after "at", are still one.
    found = read(
        [
            "The receipt is in your DM, please check",
            "I paid already, the TID is in the screenshot",
            "Please share the OTP with the rider",
            "I paid at DHL this morning",
        ],
        "NG",
    )
    assert found[:3] == [[], [], []]
    assert ("ORG", "DHL", "DHL") in found[3]
