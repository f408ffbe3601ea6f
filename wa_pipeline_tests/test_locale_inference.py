"""Defaults from the data: the phone region and timezone an export's international numbers point to, said by
`import`, with the settings that contradict them."""

import os
import subprocess
import sys
from pathlib import Path

from wa_pipeline.commands.locale_inference import export_texts, infer_locale

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
