"""The Dagster UI as a user sees it: a real webserver on loopback, opened in headless Chromium."""

import os
import shutil
import sys
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from wa_pipeline_tests.servers import START_DEADLINE_S, server_on_free_port, start

# One worker runs the whole module: it shares one webserver and one browser.
pytestmark = pytest.mark.xdist_group("ui")
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# A bound for a hung page only: each wait ends as soon as the page shows what it waits for, however busy the machine.
UI_WAIT_S = START_DEADLINE_S


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copyfile(REPO / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home), "WA_DATA_DIR": str(home / "data")}
    log = home / "webserver.log"

    def launch(port: int):
        webserver = str(Path(sys.executable).parent / "dagster-webserver")
        return start(
            [webserver, "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)], log=log, env=env, cwd=REPO
        )

    def url(port: int) -> str:
        return f"http://127.0.0.1:{port}"

    with server_on_free_port(
        launch, lambda port: answers(f"{url(port)}/server_info"), what="dagster-webserver", log=log
    ) as (
        _,
        port,
    ):
        yield url(port)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1600,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(UI_WAIT_S)
    yield driver
    driver.quit()


def page_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def dismiss_dialog(driver) -> None:
    # The UI shows a newsletter dialog over the page, sometimes a while after loading; a user clicks "Skip".
    for button in driver.find_elements(By.XPATH, "//button[normalize-space()='Skip']"):
        try:
            button.click()
        except Exception:  # the dialog closed between finding and clicking the button
            pass


def wait_until_text(driver, words: list[str], timeout: float = UI_WAIT_S) -> str:
    def shown(d) -> bool:
        dismiss_dialog(d)
        return all(w in page_text(d) for w in words)

    WebDriverWait(driver, timeout).until(shown)
    return page_text(driver)


def open_page(driver, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, UI_WAIT_S).until(EC.presence_of_element_located((By.TAG_NAME, "body")))
    dismiss_dialog(driver)


@pytest.fixture(scope="module")
def expected():
    """What the code location defines, read the way the UI's server reads it."""
    from wa_pipeline.definitions import defs

    graph = defs().resolve_asset_graph()
    groups: dict[str, list[str]] = {}
    for key in graph.get_all_asset_keys():
        groups.setdefault(graph.get(key).group_name, []).append(key.to_user_string())
    checks: dict[str, list[str]] = {}
    for check in graph.asset_check_keys:
        checks.setdefault(check.asset_key.to_user_string(), []).append(check.name)
    return groups, checks


def test_asset_graph_shows_every_group_and_asset(webserver, browser, expected):
    groups, _ = expected
    open_page(browser, f"{webserver}/asset-groups")
    wait_until_text(browser, ["Global asset lineage", *groups])
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "asset_graph.png"))
    assert (ARTIFACTS / "asset_graph.png").stat().st_size > 10_000
    for group, assets in groups.items():
        # The group's list view names every asset; its lineage canvas only draws the nodes in view.
        open_page(browser, f"{webserver}/locations/wa_pipeline/asset-groups/{group}/list")
        try:
            wait_until_text(browser, assets)
        finally:
            browser.save_screenshot(str(ARTIFACTS / f"asset_group_{group}.png"))


def test_every_check_appears_on_its_assets_checks_page(webserver, browser, expected):
    _, checks = expected
    assert checks, "the code location defines asset checks"
    for asset, names in checks.items():
        open_page(browser, f"{webserver}/assets/{asset}?view=checks")
        wait_until_text(browser, [asset, *names])
        browser.save_screenshot(str(ARTIFACTS / f"checks_{asset}.png"))


def test_automation_page_lists_the_sensor_and_schedule(webserver, browser):
    open_page(browser, f"{webserver}/automation")
    wait_until_text(browser, ["landing_sensor", "daily_schedule"])
