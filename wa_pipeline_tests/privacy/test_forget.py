"""`wa-pipeline forget` end to end: a customer imported and received, run through the days, then forgotten.

Afterwards no store file, frame, sheet or Dagster event log holds their number, name, words or photo bytes, and
re-importing the export, redelivering the webhooks or their poison element brings nothing back.
"""

import hashlib
import io
import json
import random
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import httpx
import pyarrow.parquet as pq
import pytest
from PIL import Image, ImageDraw

from wa_pipeline.privacy.forget import ForgetRequest, forget
from wa_pipeline.settings import get_settings
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline.sheets.xlsx.workbook_sink import WorkbookSink
from wa_pipeline.store.contacts import ContactStore
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.importer import import_exports
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline_tests.whatsapp.test_webhook_app import SECRET, TOKEN, serving, signed

pytestmark = pytest.mark.timeout(900)
DAY = "2026-11-20"
PHONE = "+254733111222"
WA_ID = "254733111222"
NAME = "Wanjiru Achieng"
# Every way the customer shows up in what she sent: her number as written, her name, her words.
NEEDLES = ["254733111222", "733111222", "733 111 222", "0733 111222", "Wanjiru", "Achieng", "Lavington", "zumaridi"]
RECEIVED_AT = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def photo(seed: int, caption: str) -> bytes:
    """A receipt-like PNG whose bytes no other file holds (a noise row seeded per photo)."""
    image = Image.new("RGB", (360, 90), "white")
    ImageDraw.Draw(image).text((10, 30), caption, fill="black")
    rng = random.Random(seed)
    for x in range(360):
        image.putpixel((x, 89), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def export_zip(path: Path, chat: str, lines: list[str], media: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"WhatsApp Chat with {chat}.txt", "\n".join(lines) + "\n")
        for name, data in media.items():
            archive.writestr(name, data)
    return path


def webhook(wamid: str, text: str, timestamp: str) -> bytes:
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                            "contacts": [{"profile": {"name": NAME}, "wa_id": WA_ID}],
                            "messages": [
                                {
                                    "from": WA_ID,
                                    "id": wamid,
                                    "timestamp": timestamp,
                                    "type": "text",
                                    "text": {"body": text},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload, separators=(",", ":")).encode()


BODIES = [
    webhook("wamid.forget-text-1", "Is my zumaridi on the way to Lavington?", "1795176000"),
    # Before 2009: dead-lettered with its bytes, the number inside them.
    webhook("wamid.forget-poison-1", "zumaridi again", "1000"),
]


def deliver(store, queue) -> None:
    app = create_webhook_app(store, queue, app_secret=SECRET, verify_token=TOKEN, clock=lambda: RECEIVED_AT)
    with serving(app) as url:
        for body in BODIES:
            assert httpx.post(f"{url}/webhook", content=body, headers=signed(body)).status_code == 200


def import_both(exports: list[Path], store, media_store, queue) -> None:
    import_exports(exports, store=store, media_store=media_store, dead_letters=queue, tz=get_settings().tz)


def traces(root: Path, needles: list[str], blobs: list[bytes]) -> list[str]:
    """Every file under `root` that holds a needle or a blob: raw bytes, the workbook's XML, the frames' values."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        texts = [data]
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                texts += [archive.read(name) for name in archive.namelist()]
        if path.suffix == ".parquet":
            texts.append(json.dumps(pq.read_table(path).to_pylist(), default=str, ensure_ascii=False).encode())
        for text in texts:
            hits = [n for n in needles if n.encode() in text] + [f"blob{i}" for i, b in enumerate(blobs) if b in text]
            if hits:
                found.append(f"{path.relative_to(root)}: {hits}")
    return found


def test_a_forgotten_customer_leaves_no_trace_and_nothing_brings_her_back(data_dir, tmp_path):
    settings = get_settings()
    store = SqliteLandingStore(settings.layout.landing_db)
    queue = DeadLetterQueue(settings.layout.landing_db)
    media_store = MediaStore(settings.layout.media_dir)
    hers, shared = photo(1, "PAID KES 4,500"), photo(2, "RECEIPT 0042")
    exports = [
        export_zip(
            tmp_path / "hers.zip",
            NAME,
            [
                f"20/11/26, 09:00 - {NAME}: Hello, I need 5 bags of zumaridi to Lavington, call 0733 111222",
                f"20/11/26, 09:05 - {NAME}: IMG-20261120-WA0001.png (file attached)",
                f"20/11/26, 09:06 - {NAME}: IMG-20261120-WA0002.png (file attached)",
                "20/11/26, 09:10 - Duka Hardware: Noted, KES 4,500 total.",
            ],
            {"IMG-20261120-WA0001.png": hers, "IMG-20261120-WA0002.png": shared},
        ),
        export_zip(
            tmp_path / "his.zip",
            "Brian Otieno",
            [
                "20/11/26, 10:00 - Brian Otieno: Same receipt as my neighbour, 2 bags of sand",
                "20/11/26, 10:01 - Brian Otieno: IMG-20261120-WA0002.png (file attached)",
            ],
            {"IMG-20261120-WA0002.png": shared},
        ),
    ]
    import_both(exports, store, media_store, queue)
    deliver(store, queue)
    assert any(m.sender_name == NAME for m in store.iter_messages())
    assert [letter.stage for letter in queue.list()] == ["webhook"]

    from wa_pipeline.definitions import defs

    job = defs().resolve_job_def("daily_pipeline")
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(partition_key=DAY, instance=instance)
        assert result.success
        workbook = settings.layout.workbook
        assert NAME in json.dumps(WorkbookSink(workbook).read_tab("Messages").rows)

        # Materialization metadata and every other event of the run: never her number, name or words.
        logs = "\n".join(
            dg.serialize_value(record) if not isinstance(record, str) else record
            for record in instance.all_logs(result.run_id)
        )
        assert [n for n in NEEDLES if n in logs] == []

    report = forget(ForgetRequest(phone=PHONE), landing=store, layout=settings.layout, sink=WorkbookSink(workbook))
    removed = report.removed
    assert removed["messages"] == 5  # four export lines of her chat and the webhook's text
    assert removed["media_files"] == 1 and removed["extraction_cache"] == 1
    assert removed["dead_letters"] >= 1 and removed["contacts"] == 1
    assert removed["frame_rows"] > 0 and removed["sheet:Messages"] == 5
    assert report.tombstones > 0

    assert traces(settings.layout.root, NEEDLES, [hers]) == []
    # The other customer's rows, and the photo his message still shares, stay.
    rows = WorkbookSink(workbook).read_tab("Messages").records()
    assert rows and all("Brian Otieno" in row[MESSAGES.header("sender")] for row in rows)
    assert media_store.has(hashlib.sha256(shared).hexdigest())

    before = store.count()
    import_both(exports, store, media_store, queue)
    deliver(store, queue)
    assert store.count() == before
    assert queue.list() == []
    assert not media_store.has(hashlib.sha256(hers).hexdigest())
    assert traces(settings.layout.root, NEEDLES, [hers]) == []
    contacts = ContactStore(settings.layout.landing_db)
    assert contacts.customer_of(phone=PHONE) is None and contacts.customer_of(name=NAME) is None


def test_forgetting_removes_her_rows_from_a_google_sheet_and_a_cli_run_prints_counts(data_dir, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from wa_pipeline.cli import app
    from wa_pipeline.sheets.google.sink import GoogleSheetsSink
    from wa_pipeline_tests.fakes.sheets_v4 import FakeGoogleSheets

    settings = get_settings()
    store = SqliteLandingStore(settings.layout.landing_db)
    queue = DeadLetterQueue(settings.layout.landing_db)
    deliver(store, queue)
    columns = [MESSAGES.sheet_key, MESSAGES.header("sender"), MESSAGES.header("text")]
    with FakeGoogleSheets() as fake:
        account = fake.write_service_account(tmp_path / "service-account.json")
        key = fake.create_spreadsheet(editors=[account.email])
        sink = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint, state_dir=settings.layout.sheet_state_dir)
        sink.upsert(
            MESSAGES.name,
            columns,
            MESSAGES.sheet_key,
            [["wamid.forget-text-1", NAME, "Is my zumaridi on the way?"], ["wamid.other", "Brian Otieno", "sand"]],
        )
        monkeypatch.setenv("WA_SHEET_BACKEND", "google")
        monkeypatch.setenv("WA_GOOGLE_CREDENTIALS", str(account.path))
        monkeypatch.setenv("WA_SPREADSHEET_KEY", key)
        monkeypatch.setenv("WA_SHEETS_ENDPOINT", fake.endpoint)
        get_settings.cache_clear()

        refused = CliRunner().invoke(app, ["forget", "--phone", "0733 111"])
        assert refused.exit_code == 2
        result = CliRunner().invoke(app, ["forget", "--phone", PHONE, "--json"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout.strip().splitlines()[-1])
        assert report["removed"]["messages"] == 1 and report["removed"]["sheet:Messages"] == 1
        assert report["removed"]["dead_letters"] == 1 and report["tombstones"] > 0
        assert PHONE not in result.stdout and NAME not in result.stdout

        values = fake.values(key, "Messages")
        assert [row[0] for row in values[1:]] == ["wamid.other"]
        assert [n for n in NEEDLES if n in json.dumps(values)] == []
    assert store.count() == 0
    deliver(store, queue)
    assert store.count() == 0 and queue.list() == []


def parsed(*bodies: bytes):
    from wa_pipeline.whatsapp.cloud_api import parse_webhook

    return [m for body in bodies for m in parse_webhook(body, now=RECEIVED_AT).messages]


def test_before_a_date_only_older_messages_go_and_stay_out_while_newer_ones_still_land(data_dir):
    settings = get_settings()
    store = SqliteLandingStore(settings.layout.landing_db)
    old = webhook("wamid.old", "last year's order", "1763640000")  # 2025-11-20
    new = webhook("wamid.new", "this year's order", "1795176000")  # 2026-11-20
    store.add_messages(parsed(old, new))
    cutoff = datetime(2026, 1, 1, tzinfo=UTC)
    report = forget(ForgetRequest(phone=PHONE, before=cutoff), landing=store, layout=settings.layout, sink=None)
    assert report.removed["messages"] == 1
    assert [m.message_id for m in store.iter_messages()] == ["wamid.new"]

    later = webhook("wamid.later", "and another", "1795262400")
    assert store.add_messages(parsed(old, new, later)).added == 1
    assert [m.message_id for m in store.iter_messages()] == ["wamid.new", "wamid.later"]


def test_a_chat_forgotten_by_name_keeps_other_chats_and_its_name_is_stored_only_hashed(data_dir, tmp_path):
    settings = get_settings()
    store = SqliteLandingStore(settings.layout.landing_db)
    queue = DeadLetterQueue(settings.layout.landing_db)
    media_store = MediaStore(settings.layout.media_dir)
    exports = [
        export_zip(tmp_path / f"{chat}.zip", chat, [f"20/11/26, 09:00 - {chat}: hello from {chat}"], {})
        for chat in ("Juma Hardware", "Brian Otieno")
    ]
    import_both(exports, store, media_store, queue)
    report = forget(ForgetRequest(chat="juma  HARDWARE"), landing=store, layout=settings.layout, sink=None)
    assert report.removed["messages"] == 1
    assert [m.chat_name for m in store.iter_messages()] == ["Brian Otieno"]
    import_both(exports, store, media_store, queue)
    assert [m.chat_name for m in store.iter_messages()] == ["Brian Otieno"]
    assert b"juma" not in settings.layout.landing_db.read_bytes().lower()


def test_after_forget_no_store_holds_her_number_in_base64_as_a_wamid_carries_it(data_dir, tmp_path):
    from wa_pipeline.sheets.google.sink import GoogleSheetsSink
    from wa_pipeline_tests.fakes.sheets_v4 import FakeGoogleSheets
    from wa_pipeline_tests.sheets.test_write_ledger import PHONE as PHONE_BYTES
    from wa_pipeline_tests.sheets.test_write_ledger import WAMID, base64_forms

    assert PHONE_BYTES.decode() == WA_ID
    settings = get_settings()
    store = SqliteLandingStore(settings.layout.landing_db)
    store.add_messages(parsed(webhook(WAMID, "Is my zumaridi on the way?", "1795176000")))
    with FakeGoogleSheets() as fake:
        account = fake.write_service_account(tmp_path / "service-account.json")
        key = fake.create_spreadsheet(editors=[account.email])
        sink = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint, state_dir=settings.layout.sheet_state_dir)
        columns = [MESSAGES.sheet_key, MESSAGES.header("text")]
        sink.upsert(MESSAGES.name, columns, MESSAGES.sheet_key, [[WAMID, "Is my zumaridi on the way?"]])
        WorkbookSink(settings.layout.workbook).upsert(MESSAGES.name, columns, MESSAGES.sheet_key, [[WAMID, "zumaridi"]])
        forget(ForgetRequest(phone=PHONE), landing=store, layout=settings.layout, sink=sink)
        assert WAMID not in json.dumps(fake.values(key, "Messages"))
    forget(
        ForgetRequest(phone=PHONE), landing=store, layout=settings.layout, sink=WorkbookSink(settings.layout.workbook)
    )
    needles = [WAMID, WA_ID, *(form.decode() for form in base64_forms(PHONE_BYTES))]
    # The landing store, the tombstones, the Google write ledger and the workbook: no wamid, no number, no base64 of it.
    assert (settings.layout.root / "sheets_state.sqlite3").exists()
    assert traces(settings.layout.root, needles, []) == []


def test_forget_on_a_postgresql_landing_store_removes_her_and_keeps_her_out(data_dir, landing_url):
    from wa_pipeline.store.landing_factory import open_landing_store

    settings = get_settings()
    store = open_landing_store(landing_url)
    queue = DeadLetterQueue(settings.layout.landing_db)
    old = webhook("wamid.pg-old", "last year's order", "1763640000")  # 2025-11-20
    new = webhook("wamid.pg-new", "this year's order", "1795176000")  # 2026-11-20
    body = webhook("wamid.pg-his", "sand please", "1795176000")
    [his] = parsed(body.replace(WA_ID.encode(), b"254700000001").replace(NAME.encode(), b"Brian Otieno"))
    assert store.add_messages([*parsed(old, new), his]).added == 3

    cutoff = datetime(2026, 1, 1, tzinfo=UTC)
    report = forget(ForgetRequest(phone=PHONE, before=cutoff), landing=store, layout=settings.layout, sink=None)
    assert report.removed["messages"] == 1 and report.tombstones > 0
    assert sorted(m.message_id for m in store.iter_messages()) == ["wamid.pg-his", "wamid.pg-new"]
    assert store.add_messages(parsed(old)).added == 0  # the tombstone lives in PostgreSQL too

    report = forget(ForgetRequest(phone=PHONE), landing=store, layout=settings.layout, sink=None)
    assert report.removed["messages"] == 1
    assert [m.message_id for m in store.iter_messages()] == ["wamid.pg-his"]
    assert store.add_messages(parsed(old, new)).added == 0
    # The tables kept in the SQLite file beside a PostgreSQL store refuse her as well.
    queue.add("webhook", "body-1", "bad", {"from": WA_ID})
    assert queue.list() == []
    # Nothing of hers left in PostgreSQL's tables, tombstones included (salted hashes only).
    db = store.database()
    try:
        dumped = json.dumps(
            [db.rows(f"SELECT * FROM {t}") for t in ("messages", "statuses", "tombstones")], default=str
        )
    finally:
        db.close()
    assert [n for n in ["254733111222", NAME, "pg-old", "pg-new"] if n in dumped] == []


def test_forget_on_postgresql_waits_for_a_landing_in_flight_and_removes_what_it_landed(data_dir, landing_url):
    import threading
    import time

    import psycopg2

    from wa_pipeline.store import landing_sql
    from wa_pipeline.store.landing_factory import open_landing_store

    settings = get_settings()
    store = open_landing_store(landing_url)
    [hers] = parsed(webhook("wamid.pg-in-flight", "zumaridi to Lavington", "1795176000"))
    landed = threading.Event()
    release = threading.Event()
    outcome: dict = {}

    def batches():
        yield landing_sql.prepare([hers])
        # Her message is written but not committed, the landing transaction open: forget starts now.
        landed.set()
        assert release.wait(60)

    def land() -> None:
        outcome["added"] = store.add_prepared_batches(batches()).added

    def forget_her() -> None:
        outcome["report"] = forget(ForgetRequest(phone=PHONE), landing=store, layout=settings.layout, sink=None)

    lander = threading.Thread(target=land)
    lander.start()
    assert landed.wait(60)
    forgetter = threading.Thread(target=forget_her)
    forgetter.start()
    # Either forget waits for the landing (a lock not granted) or it runs to its end past it; bounded either way.
    watcher = psycopg2.connect(landing_url)
    watcher.autocommit = True
    deadline = time.monotonic() + 60
    try:
        with watcher.cursor() as cur:
            while forgetter.is_alive() and time.monotonic() < deadline:
                cur.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                if cur.fetchone()[0]:
                    break
                time.sleep(0.05)
    finally:
        watcher.close()
    release.set()
    lander.join(60)
    forgetter.join(60)
    assert not lander.is_alive() and not forgetter.is_alive()
    assert outcome["added"] == 1
    # The message committed while forget ran is found by its search, not left behind it.
    assert outcome["report"].removed["messages"] == 1
    assert [m.message_id for m in store.iter_messages()] == []
    assert store.add_messages([hers]).added == 0


def test_forget_on_postgresql_removes_her_from_the_contacts_events_and_statuses_kept_there(data_dir, landing_url):
    from wa_pipeline.store.landing_factory import open_landing_store

    settings = get_settings()
    store = open_landing_store(landing_url)
    queue = DeadLetterQueue(settings.layout.landing_db)
    delivered = {"from": WA_ID, "id": "wamid.pg-sent-1", "status": "delivered", "timestamp": "1795176100"}
    status = json.loads(webhook("x", "x", "1"))
    value = status["entry"][0]["changes"][0]["value"]
    del value["messages"], value["contacts"]
    value["statuses"] = [{**delivered, "recipient_id": WA_ID}]
    del value["statuses"][0]["from"]
    deliver(store, queue)
    app = create_webhook_app(store, queue, app_secret=SECRET, verify_token=TOKEN, clock=lambda: RECEIVED_AT)
    with serving(app) as url:
        body = json.dumps(status).encode()
        assert httpx.post(f"{url}/webhook", content=body, headers=signed(body)).status_code == 200

    db = store.database()

    def dumped() -> str:
        tables = [
            row["table_name"]
            for row in db.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        ]
        return json.dumps({t: db.rows(f"SELECT * FROM {t}") for t in sorted(tables)}, default=str, ensure_ascii=False)

    try:
        # The receiver keeps her contact, her status and its history in PostgreSQL, beside the messages.
        assert WA_ID in dumped() and NAME in dumped()
        report = forget(ForgetRequest(phone=PHONE), landing=store, layout=settings.layout, sink=None)
        assert report.removed["messages"] == 1 and report.removed["contacts"] == 1
        left = dumped()
    finally:
        db.close()
    assert [n for n in [*NEEDLES, NAME, "wamid.pg-sent-1", "forget-text-1"] if n in left] == []
    assert traces(settings.layout.root, NEEDLES, []) == []


def test_an_event_being_added_while_forget_runs_is_refused_or_removed_never_left(data_dir):
    import threading
    from contextlib import contextmanager

    from wa_pipeline.message import Event
    from wa_pipeline.store.events import EventStore
    from wa_pipeline.store.landing_database import Statements
    from wa_pipeline.store.sqlite_landing import SqliteLandingDatabase
    from wa_pipeline.store.tombstones import SELECT_SALT

    settings = get_settings()
    store = SqliteLandingStore(settings.layout.landing_db)
    read = threading.Event()
    release = threading.Event()

    class PausingAfterTombstones(SqliteLandingDatabase):
        """The landing file, pausing an event writer once it has read the tombstones (none yet)."""

        def _pause(self, statement: str) -> None:
            if statement == SELECT_SALT and not read.is_set():
                read.set()
                assert release.wait(60)

        def rows(self, statement, params=()):
            rows = super().rows(statement, params)
            self._pause(statement)
            return rows

        @contextmanager
        def write(self, *, landing: bool = False):
            with super().write(landing=landing) as statements:

                def run(statement, params=()):
                    cursor = statements._execute(statement, params)
                    self._pause(statement)
                    return cursor

                yield Statements(run)

    events = EventStore(PausingAfterTombstones(settings.layout.landing_db))
    call = Event(
        event_id="call-1",
        kind="call",
        field="calls",
        occurred_at=RECEIVED_AT,
        customer=WA_ID,
        raw=f'{{"from":"{WA_ID}"}}',
    )
    adder = threading.Thread(target=events.add, args=([call],))
    adder.start()
    assert read.wait(60)
    outcome: dict = {}
    forgetter = threading.Thread(
        target=lambda: outcome.update(
            report=forget(ForgetRequest(phone=PHONE), landing=store, layout=settings.layout, sink=None)
        )
    )
    forgetter.start()
    # forget either waits for the writer's transaction or, reading around it, ends first; a bounded wait either way.
    forgetter.join(5)
    release.set()
    adder.join(60)
    forgetter.join(120)
    assert not adder.is_alive() and not forgetter.is_alive()
    assert EventStore(settings.layout.landing_db).events("call") == []
    assert outcome["report"].removed.get("events", 0) in (0, 1)


def test_forgetting_a_name_nothing_holds_says_so(data_dir):
    from typer.testing import CliRunner

    from wa_pipeline.cli import app

    store = SqliteLandingStore(get_settings().layout.landing_db)
    store.add_messages(parsed(webhook("wamid.kept", "two bags of cement", "1763640000")))
    # A typo of a chat's name: nothing is removed, and the person is told so instead of reading a column of zeros.
    result = CliRunner().invoke(app, ["forget", "--chat", "Kofi Mensha"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "nothing held matched" in said and "misspelt" in said
    assert store.count() == 1
    # When something was removed, there is no such warning.
    removed = CliRunner().invoke(app, ["forget", "--phone", PHONE])
    assert removed.exit_code == 0, removed.output
    assert store.count() == 0 and "nothing held matched" not in removed.output
