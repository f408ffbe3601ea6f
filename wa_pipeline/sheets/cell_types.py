"""Dates and times as spreadsheets hold them: a serial number of days, shown through a number format.

Both Excel (1900 date system) and Google Sheets count days from 1899-12-30, so one serial serves both backends,
and a date read back from either compares by that number, never by how it is displayed.
"""

from __future__ import annotations

from datetime import date, datetime

# Day zero of the serial numbers Google Sheets and Excel's 1900 system give dates after 1900-02-28.
SERIAL_EPOCH = datetime(1899, 12, 30)
SECONDS_PER_DAY = 86_400

# How a date-time and a date are shown: ISO order, read the same in every locale, sorted as text too.
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"


def is_date_value(value: object) -> bool:
    return isinstance(value, (datetime, date))


def serial(value: date | datetime) -> float:
    """Days since SERIAL_EPOCH, to the second (a sheet keeps no more, and both sides round the same way)."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    seconds = round((moment.replace(tzinfo=None) - SERIAL_EPOCH).total_seconds())
    return seconds / SECONDS_PER_DAY


def number_format(value: date | datetime) -> str:
    return DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT


def shown(value: date | datetime) -> str:
    """A date or date-time as the number formats above display it; midnight shows as the date alone, as a date
    column read back from a workbook (always a date-time there) must compare equal to the date written."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    return text.removesuffix(" 00:00:00")
