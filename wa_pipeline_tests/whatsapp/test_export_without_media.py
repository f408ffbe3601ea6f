"""A .txt shared without its media is normal: the day runs with every check passing, and the Media tab says so."""

from __future__ import annotations

from datetime import date

import dagster as dg
import openpyxl

from wa_pipeline.settings import get_settings
from wa_pipeline.sheets.tabs.media import MEDIA
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.importer import import_exports

DAY = "2026-11-16"
EXPORT = (
    "16/11/2026, 09:00 - Wanjiku Kamau: Please send 20 loaves tomorrow\n"
    "16/11/2026, 09:01 - Wanjiku Kamau: IMG-20261116-WA0001.jpg (file attached)\n"
    "Receipt for the deposit\n"
    "16/11/2026, 09:02 - Mama Mboga Bakery: INV-2026-0042.pdf • 1 page (file attached)\n"
    "16/11/2026, 09:03 - Wanjiku Kamau: PTT-20261116-WA0002.opus (file attached)\n"
    "16/11/2026, 09:04 - Brian Otieno: <Media omitted>\n"
    "16/11/2026, 09:05 - Mama Mboga Bakery: Asante, tutaleta kesho\n"
)


def test_a_txt_day_with_media_mentions_runs_with_every_check_passing(data_dir):
    settings = get_settings()
    path = data_dir.parent / "WhatsApp Chat with Mama Mboga Bakery.txt"
    path.write_text(EXPORT, encoding="utf-8")
    summary = import_exports(
        [path],
        store=SqliteLandingStore(settings.layout.landing_db),
        media_store=MediaStore(settings.layout.media_dir),
        dead_letters=DeadLetterQueue(settings.layout.landing_db),
        tz=settings.tz,
        today=date(2026, 12, 3),
    )
    assert (summary.added, summary.media_linked, summary.errors) == (6, 0, [])

    from wa_pipeline.definitions import defs

    job = defs().resolve_job_def("daily_pipeline")
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(partition_key=DAY, instance=instance)
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert evaluations and [e.asset_check_key.to_user_string() for e in evaluations if not e.passed] == []
    assert [letter for letter in DeadLetterQueue(settings.layout.landing_db).list() if letter.stage == "media"] == []

    sheet = openpyxl.load_workbook(settings.layout.workbook)[MEDIA.name]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    media = {row[header.index(MEDIA.header("file"))]: dict(zip(header, row)) for row in rows[1:]}
    # The three files the messages name, each shown as left out of the export; "<Media omitted>" names none.
    assert set(media) == {"IMG-20261116-WA0001.jpg", "INV-2026-0042.pdf", "PTT-20261116-WA0002.opus"}
    assert {row[MEDIA.header("status")] for row in media.values()} == {"media_omitted:not_in_export"}
