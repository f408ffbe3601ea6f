"""Fixtures for the sheet sinks: the Sheets v4 stand-in on loopback, a service account, a spreadsheet."""

import pytest

from wa_pipeline_tests.fakes.sheets_v4 import FakeGoogleSheets
from wa_pipeline_tests.sheets.manual_clock import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock):
    """A stand-in of its own per test (faults and quotas never leak between tests), on the test's clock."""
    with FakeGoogleSheets(clock=clock) as server:
        yield server
    assert server.internal_errors == []


@pytest.fixture
def account(fake, tmp_path):
    return fake.write_service_account(tmp_path / "service-account.json")


@pytest.fixture
def key(fake, account):
    return fake.create_spreadsheet(title="WhatsApp", editors=[account.email])
