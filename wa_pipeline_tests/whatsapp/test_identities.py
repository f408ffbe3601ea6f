"""One identity per customer across exports (by name or number) and webhooks (phone, BSUID), over real HTTP."""

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from wa_pipeline.message import Sighting
from wa_pipeline.store.contacts import NAME_LINK_CONFIDENCE, ContactStore
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing_factory import open_landing_store
from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.identities import EXPORT_NAME_CONFIDENCE, export_phone, export_sightings
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline_tests.whatsapp.test_webhook_app import SECRET, TOKEN, serving, signed, wait_landed

pytestmark = pytest.mark.timeout(300)
PAYLOADS = Path(__file__).resolve().parent / "payloads"
BSUID = "US.13491208655302741918"
PARENT = "US.ENT.11815799212886844830"
EXPORT = (
    "16/11/24, 09:15 - Sheena N.: Hi, do you have the blue ones?\n"
    "16/11/24, 09:20 - Mama Mboga Bakery: Yes we do\n"
    "17/11/24, 10:02 - +1 (212) 555-7890: Is this the bakery?\n"
    "17/11/24, 10:05 - Sheena N.: Thanks!\n"
)


@pytest.fixture
def world(tmp_path, landing_target):
    # The customers tables live in the landing database: the SQLite file, or PostgreSQL.
    store = open_landing_store(landing_target)
    contacts = ContactStore(store.database())
    dead_letters = DeadLetterQueue(tmp_path / "dead_letters.sqlite3")
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN, contacts=contacts)
    with serving(app) as url:

        def post(name: str, edit=None) -> None:
            payload = json.loads((PAYLOADS / f"{name}.json").read_text())
            if edit:
                edit(payload["entry"][0]["changes"][0]["value"])
            raw = json.dumps(payload).encode()
            assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw), timeout=60).status_code == 200
            wait_landed(app)

        yield contacts, post


def import_export(contacts: ContactStore) -> None:
    parsed = parse_chat_export(EXPORT, chat_name="Sheena N.", tz=UTC)
    contacts.observe(export_sightings(parsed.messages, region="US", business_names=["Mama Mboga Bakery"]))


def test_a_customer_first_seen_in_an_export_by_name_then_by_webhook_with_phone_and_bsuid_is_one_customer(world):
    contacts, post = world
    import_export(contacts)
    before = {c["customer_id"] for c in contacts.customers()}
    post("text_bsuid_with_phone")  # profile "Sheena N.", wa_id 16505551234, user_id and parent_user_id
    customers = contacts.customers()
    # The bakery itself is not a customer; the unsaved number is a customer of its own.
    assert len(customers) == 2
    [sheena] = [c for c in customers if c["phones"] == ["+16505551234"]]
    assert sheena["customer_id"] in before  # the export's customer, now known by phone and BSUID too
    assert (sheena["user_ids"], sheena["parent_user_ids"]) == ([BSUID], [PARENT])
    assert sheena["names"] == [("Sheena N.", "chat_export"), ("Sheena N.", "cloud_api")]
    assert sheena["confidence"] == NAME_LINK_CONFIDENCE  # linked by name: as sure as a name can be
    assert sheena["first_seen"].startswith("2024-11-16") and sheena["last_seen"].startswith("2025-06-08")
    assert contacts.customer_of(user_id=BSUID) == contacts.customer_of(phone="+16505551234") == sheena["customer_id"]
    # A username customer who later writes with the BSUID alone, under another name, is still the same one.
    post("text_bsuid")
    assert len(contacts.customers()) == 2
    assert ("Bob", "cloud_api") in [c for c in contacts.customers() if c["user_ids"] == [BSUID]][0]["names"]


def test_an_unsaved_export_sender_is_found_by_number(world):
    contacts, post = world
    import_export(contacts)
    [unsaved] = [c for c in contacts.customers() if c["phones"]]
    assert unsaved["phones"] == ["+12125557890"] and unsaved["names"] == []

    def from_that_number(value):
        value["contacts"] = [{"profile": {"name": "Juma"}, "wa_id": "12125557890"}]
        value["messages"][0]["from"] = "12125557890"

    post("text", from_that_number)
    [juma] = [c for c in contacts.customers() if c["phones"] == ["+12125557890"]]
    assert juma["customer_id"] == unsaved["customer_id"] and juma["names"] == [("Juma", "cloud_api")]


def test_two_people_with_one_name_and_different_numbers_stay_two_customers(world):
    contacts, post = world

    def named(number):
        def edit(value):
            value["contacts"] = [{"profile": {"name": "Sheena N."}, "wa_id": number}]
            value["messages"][0]["from"] = number
            value["messages"][0]["id"] += number

        return edit

    post("text", named("16505551234"))
    post("text", named("447700900123"))
    assert sorted(c["phones"][0] for c in contacts.customers()) == ["+16505551234", "+447700900123"]


def test_a_status_naming_phone_and_bsuid_joins_the_customer_known_each_way(world):
    contacts, post = world
    post("text_bsuid")  # known by BSUID only
    post("text")  # known by phone only (16505551234, "Sheena Nelson")
    assert len(contacts.customers()) == 2
    post("status_read_pricing")  # recipient_id 16505551234 with recipient_user_id BSUID
    [customer] = contacts.customers()
    assert customer["phones"] == ["+16505551234"] and customer["user_ids"] == [BSUID]
    assert {name for name, _ in customer["names"]} == {"Bob", "Sheena Nelson"}


def test_the_business_address_book_names_a_number(world):
    contacts, post = world
    post("smb_app_state_sync")
    [pablo] = contacts.customers()
    assert pablo["phones"] == ["+16505551234"] and pablo["names"] == [("Pablo Morales", "app_contacts")]


def test_export_sender_names_that_are_numbers():
    assert export_phone("+254 712 345678", "KE") == "+254712345678"
    assert export_phone("0712 345678", "KE") == "+254712345678"
    assert export_phone("\u202a+1 (212) 555-7890\u202c", "US") == "+12125557890"
    assert export_phone("Sheena N.", "US") is None and export_phone("Shop 24", "US") is None
    assert EXPORT_NAME_CONFIDENCE < 1


def test_a_changed_number_or_bsuid_reported_by_meta_stays_the_same_customer(world):
    contacts, post = world
    post("text")  # Sheena Nelson, 16505551234
    post("system")  # user_changed_number: 16505551234 -> 16505551235

    def from_new_number(value):
        value["contacts"] = [{"profile": {"name": "Sheena"}, "wa_id": "16505551235"}]
        value["messages"][0].update({"from": "16505551235", "id": "wamid.after-change"})

    post("text", from_new_number)
    [customer] = contacts.customers()
    assert customer["phones"] == ["+16505551234", "+16505551235"] and customer["confidence"] == 1.0

    post("text_bsuid")  # a username user known by BSUID only: another person so far
    assert len(contacts.customers()) == 2

    def bsuid_changed(value):
        value["messages"] = [
            {
                "from_user_id": "US.99999999999999999999",
                "id": "wamid.bsuid-change",
                "timestamp": "1779372900",
                "type": "system",
                "system": {
                    "body": "User Bob changed their business-scoped user ID",
                    "type": "user_changed_user_id",
                    "user_id": "US.99999999999999999999",
                    "previous_user_id": BSUID,
                },
            }
        ]
        value.pop("contacts")

    post("text_bsuid", bsuid_changed)
    [bob] = [c for c in contacts.customers() if BSUID in c["user_ids"]]
    assert bob["user_ids"] == sorted([BSUID, "US.99999999999999999999"]) and len(contacts.customers()) == 2


def test_one_batch_that_creates_merges_and_widens_customers_lands_as_one_sighting_at_a_time(tmp_path, landing_target):
    # A batch reads its keys and spans once and writes spans at its end: the result must not depend on batching.
    def at(hour: int) -> datetime:
        return datetime(2026, 3, 1, hour, tzinfo=UTC)

    sightings = [
        Sighting("cloud_api", at(10), phone="+16505550001", name="Ana"),
        Sighting("cloud_api", at(11), user_id=BSUID, name="Ana P."),
        Sighting("cloud_api", at(12), phone="+16505550001", user_id=BSUID),  # joins the two: a merge mid-batch
        Sighting("cloud_api", at(8), phone="+16505550001", name="Ana"),  # earlier: widens the kept one back
        Sighting("chat_export", at(9), name="Bob", name_confidence=0.5),
        Sighting("cloud_api", at(13), phone="+16505550002", name="Bob"),  # linked to Bob by name
    ]
    batched = ContactStore(open_landing_store(landing_target).database())
    batched.observe(sightings)
    one_by_one = ContactStore(tmp_path / "one_by_one.sqlite3")
    for sighting in sightings:
        one_by_one.observe([sighting])
    people = batched.customers()
    assert people == one_by_one.customers()
    assert batched.key_owners() == one_by_one.key_owners()
    ana = next(p for p in people if p["phones"] == ["+16505550001"])
    assert ana["user_ids"] == [BSUID]
    assert (ana["first_seen"], ana["last_seen"]) == ("2026-03-01T08:00:00.000000Z", "2026-03-01T12:00:00.000000Z")
    assert sorted(ana["names"]) == [("Ana", "cloud_api"), ("Ana P.", "cloud_api")]
    assert len(people) == 2
