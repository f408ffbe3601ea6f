"""The names WhatsApp itself gives an export's files: safe to show where a name a person chose may not be."""

import re

# Android's IMG-20261116-WA0003.jpg, iOS's 00000012-PHOTO-2026-11-16-09-15-07.jpg.
WHATSAPP_NAME = re.compile(r"(?:[A-Z]{3}-\d{8}-WA\d+|\d{8}-[A-Z]+-\d{4}(?:-\d\d){5})\.\w+")


def made_by_whatsapp(filename: str | None) -> bool:
    """Whether WhatsApp made this file's name (a date and a counter), so it names no one."""
    return bool(filename) and WHATSAPP_NAME.match(filename) is not None
