"""Who speaks for the business once WA_BUSINESS_SENDERS names it: those senders, and no longer whoever the chat is
named after (a shop owner's exports are named after each customer)."""

from wa_pipeline.defs.nlp.resources import NlpSettings


def test_named_business_senders_leave_the_customer_a_chat_is_named_after_a_customer():
    business = NlpSettings(business_senders=["Duka la Neema"]).business()

    assert business.is_business("chat_export", "c1", "Kofi Mensah", None, "Duka la Neema")
    # The shop owner's export of their chat with Kofi is named "Kofi Mensah": Kofi is the customer.
    assert not business.is_business("chat_export", "c1", "Kofi Mensah", None, "Kofi Mensah")


def test_with_no_business_sender_named_the_chat_name_still_tells():
    business = NlpSettings().business()

    assert business.is_business("chat_export", "c1", "Mama Mboga Bakery", None, "Mama Mboga Bakery")
