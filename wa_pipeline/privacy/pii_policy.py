"""The PII policy, applied in one place per destination: which class each column holds, and what each mode does.

Classes: phones, emails, names, places, payments (payment references) and free text (messages, captions, OCR and
transcripts). Modes: keep; mask (`+254 712 345 678` -> `+254 7•• ••• 678`, `amina@duka.co.ke` -> `a••••@duka.co.ke`);
hash (a salted HMAC, `#` and 12 hex digits, the same for the same value however it is written, so counts and joins
still work); drop (empty). The sheet's rows pass `PiiPolicy.sheet_rows` once, in the tab factory, before any
sink; log records of `wa_pipeline.*` pass `scrub_log` (numbers, e-mails and wamids found in the line).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from wa_pipeline.settings import PiiSettings

if TYPE_CHECKING:
    import pandas as pd

PiiClass = Literal["phones", "emails", "names", "places", "payments", "free_text"]
Destination = Literal["sheet", "report", "logs"]
CLASSES: tuple[PiiClass, ...] = ("phones", "emails", "names", "places", "payments", "free_text")
MASK = "•"
# Several values in one cell ("+254 712 345 678; +254 722 000 111"), as the tabs join them.
SEPARATOR = "; "
_PHONE = re.compile(r"\+?\d[\d \-().]{5,18}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NOT_A_PHONE = re.compile(r"\d{4}-\d\d-\d\d|\d{1,3}(?:\.\d{1,3}){3}(?!\d)")
# A wamid is base64 of a record that holds the customer's number: in a log line it is the number.
# Digits written straight against a unit ("1234.5ms", "120kb") measure something; a phone number never runs into a word.
_MEASURE = re.compile(r"[^\W\d_]")
# The date in a name WhatsApp gives a file ("IMG-20261116-WA0001.jpg"): eight digits that read as one.
_FILE_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_FOUND = re.compile(rf"(?P<wamid>wamid\.[A-Za-z0-9+/=_-]+)|(?P<email>{_EMAIL.pattern})|(?P<phone>{_PHONE.pattern})")

# Which class each managed column of each tab holds; a column not named holds nothing personal.
SHEET_COLUMNS: Mapping[str, Mapping[str, PiiClass]] = {
    "Messages": {
        "chat": "names",
        "sender": "names",
        "text": "free_text",
        # A quote of the message answered and who wrote it: free text, as the message itself is.
        "in_reply_to": "free_text",
        "phones": "phones",
        "emails": "emails",
        "people": "names",
        "places": "places",
        "references": "payments",
        "media_text": "free_text",
    },
    "Media": {"chat": "names", "sender": "names", "text": "free_text"},
    "Threads": {
        "chat": "names",
        "participants": "names",
        "first_message": "free_text",
        "last_message": "free_text",
        "last_sender": "names",
    },
    "Entities": {"chat": "names", "sender": "names"},
    "Orders": {
        "chat": "names",
        "customer": "names",
        "first_message": "free_text",
        "payment_reference": "payments",
        "delivery_place": "places",
    },
    "Consent": {"customer": "phones", "message": "free_text"},
    # Issue 12's tabs, by their column names, for when they sync through the tab factory.
    "Customers": {"name": "names", "other_names": "names", "username": "names", "phone": "phones"},
    "Deliveries": {"chat": "names", "text": "free_text"},
}
# An Entities row's value (and the text it was found in) is of the class its label says.
ENTITY_LABELS: Mapping[str, PiiClass] = {
    "Phone": "phones",
    "Email": "emails",
    "Person": "names",
    "Place": "places",
    "Reference": "payments",
}


@dataclass(frozen=True)
class PiiPolicy:
    """The modes of one deployment (`PiiSettings`) and where its salt is kept: WA_PII_SALT, else a random one in
    `salt_file` (DATA_DIR/pii.salt), made the first time a value is hashed."""

    settings: PiiSettings
    salt_file: Path

    @classmethod
    def load(cls, settings: PiiSettings, data_dir: Path) -> PiiPolicy:
        return cls(settings, Path(data_dir) / "pii.salt")

    @cached_property
    def salt(self) -> bytes:
        if self.settings.salt is not None:
            return self.settings.salt.get_secret_value().encode()
        if not self.salt_file.exists():
            self.salt_file.parent.mkdir(parents=True, exist_ok=True)
            try:
                with self.salt_file.open("x", encoding="ascii") as handle:
                    handle.write(secrets.token_hex(32))
                self.salt_file.chmod(0o600)
            except FileExistsError:
                pass  # another process made it first: use theirs
        return self.salt_file.read_text(encoding="ascii").strip().encode()

    def mode(self, destination: Destination, pii_class: PiiClass) -> str:
        return getattr(self.settings, f"{destination}_{pii_class}")

    def apply(self, destination: Destination, pii_class: PiiClass, value: object) -> object:
        """One value as `destination` may hold it. Non-text values (numbers, dates) and empty cells pass unchanged."""
        if not isinstance(value, str) or not value:
            return value
        mode = self.mode(destination, pii_class)
        if mode == "keep":
            return value
        if mode == "drop":
            return ""
        if pii_class == "free_text":
            # Free text is hashed whole; masked, the numbers and addresses inside it are.
            return self.digest("free_text", value) if mode == "hash" else _mask_inside(value)
        parts = value.split(SEPARATOR)
        if mode == "hash":
            return SEPARATOR.join(self.digest(pii_class, part) for part in parts)
        return SEPARATOR.join(MASKS[pii_class](part) for part in parts)

    def digest(self, pii_class: PiiClass, value: str) -> str:
        """`#` and 12 hex digits: the same for the same value however it is written (spacing, case, a + or not)."""
        normal = NORMALISE.get(pii_class, _collapse)(value)
        return "#" + hmac.new(self.salt, f"{pii_class}:{normal}".encode(), hashlib.sha256).hexdigest()[:12]

    def sheet_rows(self, tab: str, rows: pd.DataFrame) -> pd.DataFrame:
        """A tab's rows as the sheet may hold them: the one place the sheet's policy is applied (the tab factory)."""
        columns = SHEET_COLUMNS.get(tab, {})
        labelled = tab == "Entities" and "label" in rows.columns
        classes = set(columns.values()) | (set(ENTITY_LABELS.values()) if labelled else set())
        if not len(rows) or all(self.mode("sheet", pii_class) == "keep" for pii_class in classes):
            return rows
        out = rows.copy()
        for column, pii_class in columns.items():
            if column in out.columns and self.mode("sheet", pii_class) != "keep":
                out[column] = [self.apply("sheet", pii_class, value) for value in out[column]]
        if labelled:
            for column in ("text", "value"):
                if column in out.columns:
                    out[column] = [
                        self.apply("sheet", ENTITY_LABELS[label], value) if label in ENTITY_LABELS else value
                        for label, value in zip(out["label"], out[column])
                    ]
        return out

    def scrub_text(self, destination: Destination, text: str) -> str:
        """Numbers, e-mail addresses and wamids found in a line of text, each as `destination` may hold them (one
        pass: what a replacement writes is not scanned again)."""
        return _FOUND.sub(lambda m: self._found(destination, m), text)

    def _found(self, destination: Destination, match: re.Match[str]) -> str:
        value, kind, text = match.group(), match.lastgroup, match.string
        if kind == "phone" and (
            len(re.sub(r"\D", "", value)) < 7
            or _NOT_A_PHONE.match(value)
            or _MEASURE.match(text, match.end())
            or (_FILE_DATE.fullmatch(value) and text[match.start() - 1 : match.start()] in ("-", "_"))
        ):
            # A quantity, a price, a date (a file's too), an IP address or a measure ("200 1234.5ms": a status and a
            # duration): not a number someone can be called on.
            return value
        pii_class: PiiClass = "emails" if kind == "email" else "phones"
        mode = self.mode(destination, pii_class)
        if mode == "keep":
            return value
        if mode == "hash":
            # A wamid hashed whole (its digits alone would make two messages one).
            return "wamid" + self.digest("free_text", value) if kind == "wamid" else self.digest(pii_class, value)
        if mode == "drop" or kind == "wamid":
            return f"[{kind}]"
        return MASKS[pii_class](value)


def mask_phone(value: str) -> str:
    """Keep the country code and first digit after it, and the last three digits; the layout stays."""
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(digits) < 7:
        return "".join(MASK if ch.isdigit() else ch for ch in value)
    shown = set(digits[:4] + digits[-3:])
    return "".join(MASK if i in digits and i not in shown else ch for i, ch in enumerate(value))


def mask_email(value: str) -> str:
    local, at, domain = value.partition("@")
    return f"{local[:1]}{MASK * max(len(local) - 1, 1)}{at}{domain}" if at else _mask_words(value)


def _mask_words(value: str) -> str:
    """Each word's first letter, the rest hidden: `Wanjiru Achieng` -> `W•••••• A••••••`."""
    return re.sub(r"(\w)(\w*)", lambda m: m.group(1) + MASK * len(m.group(2)), value)


def mask_reference(value: str) -> str:
    """Only the last four characters: enough to tell two payments apart on a call."""
    return MASK * max(len(value) - 4, 0) + value[-4:]


def _mask_inside(text: str) -> str:
    text = _EMAIL.sub(lambda m: mask_email(m.group()), text)
    return _PHONE.sub(lambda m: mask_phone(m.group()) if len(re.sub(r"\D", "", m.group())) >= 7 else m.group(), text)


def _collapse(value: str) -> str:
    return " ".join(value.casefold().split())


MASKS = {
    "phones": mask_phone,
    "emails": mask_email,
    "names": _mask_words,
    "places": _mask_words,
    "payments": mask_reference,
    "free_text": _mask_inside,
}
NORMALISE = {
    "phones": lambda value: re.sub(r"\D", "", value),
    "emails": lambda value: value.strip().casefold(),
    "payments": lambda value: re.sub(r"\s", "", value).upper(),
}


class PiiLogFilter(logging.Filter):
    """Rewrites each record of the `wa_pipeline` loggers by the logs' policy before any handler sees it."""

    def __init__(self, policy: PiiPolicy) -> None:
        super().__init__()
        self.policy = policy

    def filter(self, record: logging.LogRecord) -> bool:
        # `logging.makeLogRecord` makes a record without a name first, then fills it in.
        name = record.name or ""
        if name == "wa_pipeline" or name.startswith("wa_pipeline."):
            record.msg = self.policy.scrub_text("logs", record.getMessage())
            record.args = ()
        return True


def install_log_policy(policy: PiiPolicy) -> None:
    """Every record made from now on by a `wa_pipeline.*` logger is scrubbed, whatever handler it reaches."""
    scrub = PiiLogFilter(policy)
    previous = logging.getLogRecordFactory()
    if getattr(previous, "pii_policy", None) is not None:
        previous = previous.wrapped  # installed again (settings changed): replace, do not stack

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        scrub.filter(record)
        return record

    factory.pii_policy = policy  # type: ignore[attr-defined]
    factory.wrapped = previous  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_LONG_WAMID = re.compile(r"wamid\.([A-Za-z0-9+/=_-]{21,})")


def short_wamids(text: str) -> str:
    """Each wamid in `text` as `wamid.…` and its last 12 characters: the message's own random id, enough to find
    its row in the sheet, without the base64 of the customer's number that the full wamid begins with."""
    return _LONG_WAMID.sub(lambda m: "wamid.…" + m.group(1)[-12:], text)
