"""Defaults from the data: the phone region and timezone an export's international numbers point to, said by
`import`, with the settings that contradict them."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from wa_pipeline.commands.locale_inference import export_texts, infer_locale
from wa_pipeline.settings import Settings
from wa_pipeline.store.landing_factory import open_landing_store

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data"
WA = Path(sys.executable).parent / "wa-pipeline"


def test_the_shipped_sample_points_to_kenya_and_nairobi():
    guess = infer_locale(export_texts(sorted(SAMPLE.glob("*.zip")) + sorted(SAMPLE.glob("*.txt"))))
    assert (guess.region, guess.timezone) == ("KE", "Africa/Nairobi") and guess.by_region["KE"] >= 1
    assert guess.contradictions("KE", "Africa/Nairobi") == []
    region, timezone = guess.contradictions("US", "UTC")
    assert "WA_DEFAULT_REGION is US" in region and "+254" in region and "WA_DEFAULT_REGION=KE" in region
    assert "Africa/Nairobi" in timezone


def test_most_numbers_decide_the_region_and_a_region_of_many_zones_names_none():
    kenyan = ["Call +254 712 345 678", "or +254722123456", "US office +1 212 555 0100"]
    assert infer_locale(kenyan).region == "KE"
    american = ["+1 212 555 0100", "+1 415 555 0100"]
    guess = infer_locale(american)
    assert guess.region == "US" and guess.timezone is None  # New York and San Francisco disagree
    split = infer_locale(["+254 712 345 678", "+1 212 555 0100", "+44 20 7946 0958"])
    assert split.region is None and split.by_region == {"KE": 1, "US": 1, "GB": 1}
    assert infer_locale(["call me on 0722 123456", "+12"]).region is None  # local or invalid numbers prove nothing


def test_import_says_what_it_inferred_and_which_settings_contradict_it(tmp_path):
    env = {**os.environ, "WA_DATA_DIR": str(tmp_path / "data"), "WA_DEFAULT_REGION": "US", "WA_TIMEZONE": "UTC"}
    done = subprocess.run(
        [str(WA), "import", "sample_data"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    # Said on the console (stderr), where the import's summary goes.
    out = " ".join((done.stdout + done.stderr).split())
    assert "inferred phone region KE, timezone Africa/Nairobi" in out
    assert "warning: WA_DEFAULT_REGION is US" in out and "set WA_DEFAULT_REGION=KE" in out
    agreeing = {**env, "WA_DEFAULT_REGION": "KE", "WA_TIMEZONE": "Africa/Nairobi", "WA_DATA_DIR": str(tmp_path / "d2")}
    quiet = subprocess.run(
        [str(WA), "import", "sample_data"], cwd=REPO, env=agreeing, capture_output=True, text=True, timeout=300
    )
    said = quiet.stdout + quiet.stderr
    assert quiet.returncode == 0 and "inferred phone region KE" in said and "warning" not in said


def import_(paths: list[Path], data: Path, **settings: str) -> str:
    env = {**os.environ, "WA_DATA_DIR": str(data), **settings}
    for name in ("WA_DEFAULT_REGION", "WA_TIMEZONE"):
        if name not in settings:
            env.pop(name, None)
    done = subprocess.run(
        [str(WA), "import", *map(str, paths)], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return " ".join((done.stdout + done.stderr).split())


def test_an_export_of_kenyan_numbers_makes_kenya_the_default_of_the_next_runs(tmp_path):
    data = tmp_path / "data"
    said = import_([SAMPLE], data)
    assert "inferred phone region KE, timezone Africa/Nairobi" in said
    assert "using WA_DEFAULT_REGION=KE and WA_TIMEZONE=Africa/Nairobi from now on" in said and "warning" not in said
    # What a later run reads when nothing is set: the inferred values, known to come from the data.
    later = Settings(_env_file=None, data_dir=data)
    assert (later.default_region, later.timezone) == ("KE", "Africa/Nairobi")
    assert later.from_data("timezone") and not later.explicit("timezone")
    # The import itself read the export's times in Nairobi: the iOS chat's first line is 08:30:05 local.
    sent = open_landing_store(later).changes_since(0).sent_at
    assert datetime(2026, 11, 16, 5, 30, 5, tzinfo=UTC) in sent


def test_a_setting_wins_over_the_inferred_default(tmp_path, monkeypatch):
    data = tmp_path / "data"
    said = import_([SAMPLE], data, WA_TIMEZONE="UTC")
    # The timezone was set: kept, warned about, not saved; the region was not: inferred and saved.
    assert "warning: WA_TIMEZONE is UTC but the numbers point to Africa/Nairobi" in said
    assert "using WA_DEFAULT_REGION=KE from now on" in said
    assert json.loads((data / "inferred_defaults.json").read_text()) == {"default_region": "KE"}
    monkeypatch.setenv("WA_DEFAULT_REGION", "UG")
    explicit = Settings(_env_file=None, data_dir=data)
    assert explicit.default_region == "UG" and explicit.explicit("default_region")
    sent = open_landing_store(explicit).changes_since(0).sent_at
    assert datetime(2026, 11, 16, 8, 30, 5, tzinfo=UTC) in sent  # read in UTC, as set
    monkeypatch.delenv("WA_DEFAULT_REGION")

    # A later import pointing elsewhere keeps the saved default (days already landed were read in it) and says so.
    nigerian = tmp_path / "WhatsApp Chat with Lagos Foods.txt"
    nigerian.write_text(
        "01/12/2026, 09:00 - Ade: call +234 803 123 4567\n01/12/2026, 09:05 - Ade: or +234 805 765 4321\n",
        encoding="utf-8",
    )
    again = import_([nigerian], data, WA_TIMEZONE="UTC")
    assert "WA_DEFAULT_REGION defaults to KE, inferred by an earlier import, but these exports point to NG" in again
    assert Settings(_env_file=None, data_dir=data).default_region == "KE"


def test_a_mixed_export_takes_the_majority_and_says_so(tmp_path):
    mixed = tmp_path / "WhatsApp Chat with Kampala Traders.txt"
    mixed.write_text(
        "02/12/2026, 10:00 - Okello: my number +256 772 123456\n"
        "02/12/2026, 10:01 - Okello: office +256 414 123456\n"
        "02/12/2026, 10:02 - Okello: Nairobi branch +254 712 345 678\n"
        "02/12/2026, 10:03 - Okello: shop +256 752 654321\n",
        encoding="utf-8",
    )
    said = import_([mixed], tmp_path / "data")
    assert "inferred phone region UG, timezone Africa/Kampala (3 of 4 international numbers are +256" in said
    assert "the majority decides over KE 1" in said
    assert Settings(_env_file=None, data_dir=tmp_path / "data").default_region == "UG"


def test_a_damaged_saved_default_is_ignored(tmp_path):
    (tmp_path / "inferred_defaults.json").write_text('{"default_region": "kenya", "timezone": "Mars/Base"}')
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert (settings.default_region, settings.timezone) == ("US", "UTC")
    (tmp_path / "inferred_defaults.json").write_text("not json")
    assert Settings(_env_file=None, data_dir=tmp_path).timezone == "UTC"
