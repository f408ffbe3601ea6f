"""The Google tab reads like the workbook's: bold frozen header, basic filter, hidden key column, column widths,
sent with the header (not on every sync), and a stand-in that refuses what Google refuses."""

from datetime import datetime

import gspread
import pytest

from wa_pipeline.sheets.google.sink import GoogleSheetsSink
from wa_pipeline.sheets.tabs.messages import MESSAGES
from wa_pipeline_tests.sheets.test_google_sink import user_worksheet

COLUMNS = list(MESSAGES.sheet_columns)
KEY = MESSAGES.sheet_key


def rows(first: int, n: int) -> list[list]:
    """Messages-tab rows: the key, a date-time, and text in every other managed column."""
    made = []
    for i in range(first, first + n):
        row = [f"cell {i}" for _ in COLUMNS]
        row[COLUMNS.index(KEY)] = f"wamid.{i:04d}"
        row[COLUMNS.index(MESSAGES.header("sent_at"))] = datetime(2026, 11, 16, 9, i % 60)
        row[COLUMNS.index(MESSAGES.header("text"))] = (
            "Please deliver 30 loaves on Friday, paid KES 4,500" if i else "ok"
        )
        made.append(row)
    return made


def format_requests(fake) -> list[str]:
    return [
        kind for r in fake.requests for kind in r.operations if kind in ("setBasicFilter", "updateDimensionProperties")
    ]


def test_a_synced_tab_has_a_bold_frozen_header_a_filter_a_hidden_key_and_widths(fake, account, key):
    sink = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint)
    sink.upsert("Messages", COLUMNS, KEY, rows(0, 5))
    look = fake.tab_format(key, "Messages")
    width = len(COLUMNS)
    key_at = COLUMNS.index(KEY)
    assert look["frozen_rows"] == 1
    assert look["bold_header"] == list(range(width))
    assert look["basic_filter"] == {
        "range": {
            "sheetId": look["basic_filter"]["range"]["sheetId"],
            "startRowIndex": 0,
            "startColumnIndex": 0,
            "endColumnIndex": width,
        }
    }
    assert look["hidden_columns"] == [key_at]
    pixels = look["column_pixels"]
    assert sorted(pixels) == list(range(width)) and all(56 <= p <= 350 for p in pixels.values())
    # The message column is sized to its text, wider than a short header's minimum.
    assert pixels[COLUMNS.index(MESSAGES.header("text"))] > pixels[COLUMNS.index(MESSAGES.header("sent_at"))]
    # The data rows are not bold: only the header.
    assert not fake.cell(key, "'Messages'!B2").bold

    # The next sync writes rows, not formatting: a width a person set stays theirs.
    sent = len(format_requests(fake))
    person = user_worksheet(fake, account, key, "Messages")
    person.spreadsheet.batch_update(
        {
            "requests": [
                {
                    "updateDimensionProperties": {
                        "range": {"sheetId": person.id, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2},
                        "properties": {"pixelSize": 333},
                        "fields": "pixelSize",
                    }
                }
            ]
        }
    )
    result = sink.upsert("Messages", COLUMNS, KEY, rows(0, 8))
    assert result.inserted == 3
    assert len(format_requests(fake)) == sent + 1  # the person's request only
    assert fake.tab_format(key, "Messages")["column_pixels"][1] == 333
    assert fake.tab_format(key, "Messages")["bold_header"] == list(range(width))


@pytest.mark.parametrize(
    ("request_body", "message"),
    [
        (
            {"setBasicFilter": {"filter": {"range": {"sheetId": "SHEET", "endColumnIndex": 99}}}},
            "exceeds grid limits",
        ),
        (
            {"setBasicFilter": {"filter": {"range": {"sheetId": "SHEET"}, "colour": "red"}}},
            "Unknown name \"colour\" at 'requests[0].set_basic_filter.filter': Cannot find field.",
        ),
        (
            {
                "repeatCell": {
                    "range": {"sheetId": "SHEET", "endRowIndex": 1},
                    "cell": {"userEnteredFormat": {"textFormat": {"bold": True, "heavy": True}}},
                    "fields": "userEnteredFormat.textFormat.bold",
                }
            },
            "Unknown name \"heavy\" at 'requests[0].repeat_cell.cell.user_entered_format.text_format'",
        ),
        (
            {
                "updateDimensionProperties": {
                    "range": {"sheetId": "SHEET", "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                    "properties": {"hidden": True},
                    "fields": "hiddenByUser",
                }
            },
            "Unknown name \"hidden\" at 'requests[0].update_dimension_properties.properties'",
        ),
        (
            {
                "updateDimensionProperties": {
                    "range": {"sheetId": "SHEET", "dimension": "COLUMNS", "startIndex": 3, "endIndex": 2},
                    "properties": {"pixelSize": 100},
                    "fields": "pixelSize",
                }
            },
            "range.endIndex must be greater than range.startIndex",
        ),
        (
            {
                "updateDimensionProperties": {
                    "range": {"sheetId": "SHEET", "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                    "properties": {"pixelSize": -5},
                    "fields": "pixelSize",
                }
            },
            "pixelSize: a non-negative integer is required",
        ),
    ],
)
def test_the_stand_in_refuses_bad_formatting_requests_as_google_does(fake, account, key, request_body, message):
    sink = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint)
    sink.upsert("Messages", COLUMNS, KEY, rows(0, 2))
    before = fake.tab_format(key, "Messages")
    sheet = user_worksheet(fake, account, key, "Messages")
    body = _with_sheet_id(request_body, sheet.id)
    with pytest.raises(gspread.exceptions.APIError) as refused:
        sheet.spreadsheet.batch_update({"requests": [body]})
    error = refused.value.response.json()["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT" and message in error["message"]
    assert fake.tab_format(key, "Messages") == before  # nothing of a refused batch applies


def _with_sheet_id(value, sheet_id):
    if isinstance(value, dict):
        return {k: _with_sheet_id(v, sheet_id) for k, v in value.items()}
    return sheet_id if value == "SHEET" else value


def test_a_columns_width_and_hiding_move_with_it_when_a_person_inserts_a_column(fake, account, key):
    sink = GoogleSheetsSink(account.path, key, endpoint=fake.endpoint)
    sink.upsert("Messages", COLUMNS, KEY, rows(0, 2))
    before = fake.tab_format(key, "Messages")
    sheet = user_worksheet(fake, account, key, "Messages")
    sheet.spreadsheet.batch_update(
        {
            "requests": [
                {
                    "insertDimension": {
                        "range": {"sheetId": sheet.id, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                        "inheritFromBefore": False,
                    }
                }
            ]
        }
    )
    after = fake.tab_format(key, "Messages")
    assert after["hidden_columns"] == [c + 1 for c in before["hidden_columns"]]
    assert after["column_pixels"] == {c + 1: px for c, px in before["column_pixels"].items()}
    sheet.spreadsheet.batch_update(
        {
            "requests": [
                {
                    "deleteDimension": {
                        "range": {"sheetId": sheet.id, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}
                    }
                }
            ]
        }
    )
    assert fake.tab_format(key, "Messages")["column_pixels"] == before["column_pixels"]
    assert fake.tab_format(key, "Messages")["hidden_columns"] == before["hidden_columns"]
