"""Tests see none of the developer's settings: no WA_* variable from the shell, no .env file from the checkout."""

import os
import subprocess
import sys

PROBE = "from wa_pipeline.settings import get_settings; s = get_settings(); print(s.timezone, s.default_region)"


def settings_seen(tmp_path, *, through_conftest: bool) -> str:
    (tmp_path / ".env").write_text("WA_DEFAULT_REGION=JP\n")
    code = ("import wa_pipeline_tests.conftest; " if through_conftest else "") + PROBE
    env = {**os.environ, "WA_TIMEZONE": "Asia/Tokyo"}
    env.pop("WA_ENV_FILE")
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_developers_variables_and_env_file_do_not_reach_the_tests(tmp_path):
    assert settings_seen(tmp_path, through_conftest=False) == "Asia/Tokyo JP"  # what would leak without the guard
    timezone, region = settings_seen(tmp_path, through_conftest=True).split()
    assert timezone != "Asia/Tokyo" and region != "JP"


def test_this_process_holds_only_the_variables_the_suite_set():
    assert {name for name in os.environ if name.startswith("WA_")} == {"WA_ENV_FILE", "WA_DATA_DIR"}
    assert os.environ["WA_ENV_FILE"] == ""
