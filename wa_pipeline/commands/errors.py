"""What a verb's unexpected error tells the person who ran it: one line and an exit code, never a traceback."""

from __future__ import annotations

import json

# Exit codes: 2 when the input or the invocation is wrong (fix what you passed), 1 when the work failed.
BAD_INPUT = 2
FAILED = 1
# A line, not a page: an error can quote its input, and the input can be a 10 MB line.
MAX_LINE_CHARS = 300
DEBUG_HINT = " (run with --debug for the traceback)"


def error_line(error: BaseException) -> tuple[int, str]:
    """The exit code and the one line that say what went wrong in `error`."""
    from pydantic import ValidationError

    if isinstance(error, ValidationError) and error.title == "Settings":
        return BAD_INPUT, _one_line(f"error: settings are invalid: {_settings_problems(error)}")
    if isinstance(error, UnicodeDecodeError):
        return BAD_INPUT, _one_line(f"error: input is not UTF-8 text (byte {error.start}: {error.reason})")
    if isinstance(error, json.JSONDecodeError):
        return BAD_INPUT, _one_line(f"error: not valid JSON: {error.msg} (line {error.lineno} column {error.colno})")
    if isinstance(error, OSError) and error.filename is not None:
        return BAD_INPUT, _one_line(f"error: {error.filename}: {error.strerror or error}")
    if isinstance(error, (ValueError, TypeError, KeyError, LookupError, RecursionError)):
        return BAD_INPUT, _one_line(f"error: {_described(error)}") + DEBUG_HINT
    return FAILED, _one_line(f"error: {_described(error)}") + DEBUG_HINT


def _settings_problems(error) -> str:
    """Each bad setting as its variable, the value given and why it is refused: `WA_TIMEZONE='Mars/Base': ...`."""
    problems = []
    for problem in error.errors(include_url=False):
        variable = "WA_" + "__".join(str(part) for part in problem["loc"]).upper()
        reason = problem["msg"].removeprefix("Value error, ")
        given = problem.get("input")
        problems.append(
            f"{variable}={given!r}: {reason}" if isinstance(given, str | int | float) else f"{variable}: {reason}"
        )
    return "; ".join(problems)


def _described(error: BaseException) -> str:
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_LINE_CHARS else flat[: MAX_LINE_CHARS - 1] + "…"
