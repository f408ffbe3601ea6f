import pytest

from wa_pipeline.nlp.references import find_references


def references(text):
    return [(e.text, e.value) for e in find_references(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("order #4521 not delivered", [("4521", "order:4521")]),
        ("my order number is 7781", [("7781", "order:7781")]),
        ("Sir aapka order #OD4421 dispatch", [("OD4421", "order:OD4421")]),
        ("invoice INV-2026-0042 attached", [("INV-2026-0042", "invoice:INV-2026-0042")]),
        ("INV-2026-0042.pdf", [("INV-2026-0042", "invoice:INV-2026-0042")]),
        ("receipt no: 000123", [("000123", "receipt:000123")]),
        ("booking ref BK2231", [("BK2231", "booking:BK2231")]),
        ("tracking number TRK99812KE", [("TRK99812KE", "tracking:TRK99812KE")]),
        ("Paid KES 3,500 via M-Pesa, ref QK7XZ12AB3.", [("QK7XZ12AB3", "transaction:QK7XZ12AB3")]),
        ("QL3RT56UV8 Confirmed. Ksh2,300.00 paid", [("QL3RT56UV8", "transaction:QL3RT56UV8")]),
        ("UPI ref no 631245789012", [("631245789012", "transaction:631245789012")]),
        ("Paybill 247247 account 0711222333", [("247247", "paybill:247247"), ("0711222333", "account:0711222333")]),
        ("Pay to Till 123456.", [("123456", "till:123456")]),
        ("Pay to GTBank 0123456789", [("0123456789", "account:0123456789")]),
    ],
)
def test_kinds(text, expected):
    assert references(text) == expected


def test_a_generic_reference_takes_its_kind_from_the_message():
    assert references("Sent $400 on Venmo, confirmation 3847261950") == [("3847261950", "transaction:3847261950")]
    assert references("2 nights from Dec 18, confirmation code HX7781") == [("HX7781", "booking:HX7781")]
    assert references("Ref: 88123") == [("88123", "reference:88123")]


@pytest.mark.parametrize(
    "text",
    [
        "order 20 loaves",
        "order 1000 pieces",
        "order: 10 boxes of sweets",
        "open till 25th November",
        "order is 3 cakes",
        "CONFIRMED please",
        "call 0722 123456",
    ],
)
def test_not_references(text):
    assert references(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Necesito cancelar el pedido 55210", ("55210", "order:55210")),
        ("Pedido nº 7731 pagado", ("7731", "order:7731")),
        ("Factura F-2026-552 pagada", ("F-2026-552", "invoice:F-2026-552")),
        ("Commande CMD-4410 réglée", ("CMD-4410", "order:CMD-4410")),
        ("Rechnung R2026-77 bezahlt", ("R2026-77", "invoice:R2026-77")),
        ("Suivi XW123456789FR", ("XW123456789FR", "tracking:XW123456789FR")),
        ("Transferencia hecha, comprobante M4820999", ("M4820999", "transaction:M4820999")),
    ],
)
def test_references_in_spanish_portuguese_french_and_german(text, expected):
    assert [(e.text, e.value) for e in find_references(text)] == [expected]


def test_a_foreign_order_of_a_quantity_is_no_reference():
    assert find_references("Quiero hacer un pedido 3 kilos de arroz") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See you Sunday! Your appointment # is A-30921", [("A-30921", "booking:A-30921")]),
        ("appt no. 4471 tomorrow", [("4471", "booking:4471")]),
        ("PNR: X7K2LQ for the flight", [("X7K2LQ", "booking:X7K2LQ")]),
        ("consignment no 88123401 not received", [("88123401", "tracking:88123401")]),
    ],
)
def test_appointments_flights_and_consignments_have_their_kind(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    "text", ["appointment at 10 tomorrow", "shipment of 2000 pieces", "my appointment with Dr Otieno"]
)
def test_those_keywords_before_a_time_or_a_count_are_no_reference(text):
    assert references(text) == []


def test_a_keyword_read_as_the_identifier_of_another_leaves_it_its_own():
    # "po" (a purchase order) would take "order" as its identifier; "order" then reads its own number.
    assert references("Cancel ko na lang po order 12045, sorry") == [("12045", "order:12045")]


# Round 13 (dev/names13.txt): Nigeria's session ID and references a payer writes in capital letters.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Transfer done, session ID 000015231207110512345678",
            [("000015231207110512345678", "transaction:000015231207110512345678")],
        ),
        ("I don send am, the session ID na 100033221907", [("100033221907", "transaction:100033221907")]),
        ("Paid to the shop, reference MAMA-NJERI", [("MAMA-NJERI", "transaction:MAMA-NJERI")]),
        ("Sent by EFT, reference PATELGROCERS", [("PATELGROCERS", "transaction:PATELGROCERS")]),
    ],
)
def test_session_ids_and_payers_references_of_letters_are_transactions(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I paid, the reference is DUBE",  # one short word is the payer's name
        "ORDER REF: ASAP PLEASE, I PAID",  # a shouted message's words are no code
        "Good reference letter for Wanjiru, she is HARDWORKING",  # no payment, and a word after the keyword
    ],
)
def test_words_after_a_reference_keyword_are_no_reference(text):
    assert references(text) == []


def test_an_eft_pays_and_a_paybill_account_may_be_written_in_capitals():
    assert references("EFT sent from FNB, reference MOKOENA-DEC") == [("MOKOENA-DEC", "transaction:MOKOENA-DEC")]
    assert references("Lipa na paybill 522522, account MAMAFUA") == [
        ("522522", "paybill:522522"),
        ("MAMAFUA", "account:MAMAFUA"),
    ]
    assert references("Open a new account BEFORE Friday") == []


def test_a_long_number_counts_nothing_after_its_keyword():
    assert references("Tracking number 9400100000000000000000 shows delivered") == [
        ("9400100000000000000000", "tracking:9400100000000000000000")
    ]
    assert references("order 20 loaves") == []


def test_the_identifier_after_what_a_reference_is_for():
    assert references("Reference for the Zeepay transfer is ZP88127734, sender Selasi") == [
        ("ZP88127734", "transaction:ZP88127734")
    ]
    assert references("the reference for this is 5 pieces") == []


def test_a_keyword_is_no_keyword_inside_a_longer_word():
    assert references("Policy number POL/2231/27") == []
    assert references("PO 4471 approved") == [("4471", "order:4471")]


@pytest.mark.parametrize("text", ["Your appointment: 16/03/2027 @ 08:30", "Booking: 15/03 at 2pm", "Order: 2027-03-11"])
def test_a_date_after_a_keyword_is_no_identifier(text):
    assert references(text) == []


def test_a_couriers_parcel_number_is_a_tracking_number():
    assert references("Collect by 18/03. Parcel no. G4S-2231-KE") == [("G4S-2231-KE", "tracking:G4S-2231-KE")]
    assert references("parcel 2 of 3") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Order 5518 and 5519 are both late", [("5518", "order:5518"), ("5519", "order:5519")]),
        ("invoice 20931 & 20935 unpaid", [("20931", "invoice:20931"), ("20935", "invoice:20935")]),
        (
            "order no. 3301, 3302 or #3310?",
            [("3301", "order:3301"), ("3302", "order:3302"), ("3310", "order:3310")],
        ),
    ],
)
def test_identifiers_listed_after_a_reference_written_as_it_is(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order 5518 and 20 boxes more",  # a count, shorter than the order number
        "ref 5518 and 2000/= balance",  # an amount
        "order 5518 and 1200 loaves",  # a count of the same length
    ],
)
def test_what_follows_a_reference_in_another_shape_or_counting_is_no_reference(text):
    assert [found for found, _ in references(text)] == ["5518"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bayad na po via Maya, reference number 5512093348", [("5512093348", "transaction:5512093348")]),
        ("Venmo'd you for the cake, the ref is 88120457", [("88120457", "transaction:88120457")]),
        ("Got your parcel, ref 88120457", [("88120457", "reference:88120457")]),
    ],
)
def test_a_reference_beside_a_wallet_is_a_transaction(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Salamat po! OR No. 118734 attached", [("118734", "receipt:118734")]),
        ("Here is the OR# 55021 for the deposit", [("55021", "receipt:55021")]),
        ("Call or no 5 min delay is fine", []),
    ],
)
def test_a_philippine_official_receipt_number(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your refund ref RF88123 is being processed", [("RF88123", "reference:RF88123")]),
        ("Refund sent, ref RF88123", [("RF88123", "transaction:RF88123")]),
    ],
)
def test_a_refund_asked_for_is_no_payment_made(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Renewed GOtv, smartcard 4021998713", [("4021998713", "account:4021998713")]),
        ("Pay for my DStv IUC: 7102244581 please", [("7102244581", "account:7102244581")]),
    ],
)
def test_a_pay_tv_smartcard_is_the_account_paid_to(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OR no. 0048812 please, for our company reimbursement", [("0048812", "receipt:0048812")]),
        ("Yes OR no 5 times, I cannot choose", []),
    ],
)
def test_an_official_receipt_with_a_lower_case_no(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please add it, my customer number na CUS-2291", [("CUS-2291", "account:CUS-2291")]),
        ("KPLC meter number 37192288401, the token has not come", [("37192288401", "account:37192288401")]),
        ("Call our customer care number if it fails", []),
    ],
)
def test_customer_and_meter_numbers_are_accounts(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Paid thru GCash, Ref No. 7731 204 558190", [("7731 204 558190", "transaction:7731204558190")]),
        (
            "tracking 9205 5000 1234 5678 9012 34 shows pending",
            [("9205 5000 1234 5678 9012 34", "tracking:9205500012345678901234")],
        ),
        ("order 5521 20 boxes", [("5521", "order:5521")]),
    ],
)
def test_a_long_number_written_in_groups_is_one_reference(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Docket no. K7719204 with DTDC has not moved", [("K7719204", "tracking:K7719204")]),
        ("Airway bill 176-55012934 for the samples", [("176-55012934", "tracking:176-55012934")]),
        ("RTGS done, ref no B33092177140", [("B33092177140", "transaction:B33092177140")]),
        ("Pa-deliver po 3pcs ensaymada", []),
    ],
)
def test_dockets_airway_bills_indian_bank_transfers_and_counts_after_po(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hindi pa dumating yung 250114QWE82K7M ko", [("250114QWE82K7M", "order:250114QWE82K7M")]),
        ("Serial 251399QWE82K7M on the box", []),
    ],
)
def test_a_marketplace_order_number_opening_with_its_date_names_itself(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("POS debited me twice, RRN 310245889012", [("310245889012", "transaction:310245889012")]),
        ("Trx ID: 7Q2W9E4R1T, please confirm", [("7Q2W9E4R1T", "transaction:7Q2W9E4R1T")]),
    ],
)
def test_a_card_payments_rrn_and_a_trx_id_are_transactions(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inv. No. 5530 is still unpaid", [("5530", "invoice:5530")]),
        ("Acct. No: 0091827364, Zenith", [("0091827364", "account:0091827364")]),
        ("Txn. ID 55120987 failed", [("55120987", "transaction:55120987")]),
        ("Rcpt. No. 000872 attached", [("000872", "receipt:000872")]),
        ("I placed the order. No one called me", []),
    ],
)
def test_a_keyword_abbreviated_with_a_dot_before_its_number_word(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The number on my statement is ACC-51190", [("ACC-51190", "account:ACC-51190")]),
        ("Please quote REF-22013 on the parcel", [("REF-22013", "reference:REF-22013")]),
        ("Ref-22013 attached", [("22013", "reference:22013")]),
        ("ORDER-20 BOXES", []),
    ],
)
def test_a_keyword_in_capitals_joined_by_a_dash_is_part_of_the_identifier(text, expected):
    assert references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cash in ok, TrxID 7HQ2KD91ZX", [("7HQ2KD91ZX", "transaction:7HQ2KD91ZX")]),
        ("sent, TxnID: 550918273", [("550918273", "transaction:550918273")]),
        ("my OrderID is 88213", [("88213", "order:88213")]),
        ("the ordered 300 are ready", []),
    ],
)
def test_a_keyword_with_its_id_glued_on(text, expected):
    assert references(text) == expected
