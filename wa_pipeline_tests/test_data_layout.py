"""One data layout: every path under WA_DATA_DIR is named in `data_layout.py`, and only there."""

import re
from pathlib import Path

from wa_pipeline.data_layout import DataLayout
from wa_pipeline.settings import Settings

REPO = Path(__file__).resolve().parents[1]
# A path under the data directory spelled out: the landing file, or a first-level folder joined onto a directory.
SPELLED_OUT = re.compile(r'"landing\.sqlite3"|/ "(?:frames|media|models|reports|output)"')


def spelled_out(text: str) -> list[str]:
    return SPELLED_OUT.findall(text)


def test_the_layout_puts_everything_under_the_data_directory(tmp_path):
    layout = DataLayout(tmp_path)
    paths = [
        layout.landing_db,
        layout.media_dir,
        layout.frame("raw_messages", "2026-11-16"),
        layout.frame(["enriched_messages"], None),
        layout.intent_model_dir,
        layout.reports_dir,
        layout.sheet_state_dir,
        layout.workbook,
    ]
    assert all(path == tmp_path or tmp_path in path.parents for path in paths)
    assert layout.frame("raw_messages", "2026-11-16") == tmp_path / "frames" / "raw_messages" / "2026-11-16.parquet"
    assert layout.frame(["enriched_messages"], None).name == "all.parquet"


def test_the_settings_layout_follows_the_variables(tmp_path):
    settings = Settings(data_dir=tmp_path / "d", workbook_path=tmp_path / "book.xlsx")
    assert settings.layout.landing_db == tmp_path / "d" / "landing.sqlite3"
    assert settings.layout.workbook == tmp_path / "book.xlsx"
    assert Settings(data_dir=tmp_path).layout.workbook == tmp_path / "output" / "wa_pipeline.xlsx"


def test_no_other_module_spells_out_a_data_path():
    sources = [
        *(REPO / "wa_pipeline").rglob("*.py"),
        *(REPO / "benchmarks").rglob("*.py"),
        *(REPO / "scripts").rglob("*.py"),
    ]
    found = {
        str(path.relative_to(REPO)): hits
        for path in sources
        if path.name != "data_layout.py" and (hits := spelled_out(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_a_spelled_out_path_is_caught():
    assert spelled_out('DeadLetterQueue(data_dir / "landing.sqlite3")') == ['"landing.sqlite3"']
    assert spelled_out('storage.root / "models" / "intent"') == ['/ "models"']
