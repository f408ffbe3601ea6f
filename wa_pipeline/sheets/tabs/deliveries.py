"""The `Deliveries` rows: one per message the business sent, with its final status, timings, cost and failure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from wa_pipeline.message import STATUS_ORDER, Message
from wa_pipeline.sheets.cell_safety import safe_cell

DELIVERIES_TAB = "Deliveries"
DELIVERIES_KEY = "message_id"
DELIVERIES_COLUMNS = (
    "message_id",
    "sent_at",
    "chat",
    "text",
    "status",
    "seconds_to_delivered",
    "seconds_to_read",
    "failure",
    "pricing_category",
    "billable",
)
# Meta's codes for the failures a small business meets most, in words its staff can act on.
PLAIN_FAILURES = {
    131026: "the number cannot receive it (not on WhatsApp, an old app, or terms not accepted)",
    131047: "more than 24 hours since the customer last wrote: only a template can reopen the chat",
    131049: "Meta held back this marketing message to keep engagement healthy",
    131050: "the customer stopped marketing messages",
    131056: "too many messages to this customer in a short time",
    131042: "a payment problem on the WhatsApp Business account",
    131021: "the business cannot message its own number",
    130472: "the customer's number is part of a Meta experiment",
}


def failure_in_words(errors: Iterable[Mapping]) -> str:
    """Meta's first error as a sentence: our words for a known code, else its title and details."""
    for error in errors:
        code = error.get("code")
        details = error.get("error_data", {}).get("details") if isinstance(error.get("error_data"), Mapping) else None
        plain = PLAIN_FAILURES.get(code) if isinstance(code, int) else None
        said = plain or "; ".join(str(p) for p in (error.get("title") or error.get("message"), details) if p)
        return f"{said} (Meta error {code})" if code is not None else said
    return ""


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def build_delivery_rows(
    status_history: Iterable[Mapping], messages: Mapping[str, Message], tz: ZoneInfo
) -> list[dict[str, object]]:
    """Rows for every message with statuses, joined to its message when it has landed (by id), in send order.

    `status_history` is `EventStore.status_history()`; `messages` maps message ids to landed messages (the
    business's echoes, or any message a status names).
    """
    by_message: dict[str, dict[str, Mapping]] = {}
    for status in status_history:
        by_message.setdefault(status["message_id"], {})[status["status"]] = status
    rows = []
    for message_id, statuses in by_message.items():
        message = messages.get(message_id)
        final = max(statuses, key=lambda s: STATUS_ORDER.get(s, 0))
        times = {name: _when(s["at"]) for name, s in statuses.items()}
        sent = message.sent_at if message is not None else times.get("sent") or min(t for t in times.values() if t)
        priced = next((s["pricing"] for s in statuses.values() if s.get("pricing")), None) or {}
        failed = statuses.get("failed")

        def seconds(name: str, sent: datetime = sent, times: dict = times) -> float | str:
            moment = times.get(name)
            return round((moment - sent).total_seconds(), 3) if moment is not None else ""

        rows.append(
            {
                "message_id": message_id,
                "sent_at": sent.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                "chat": (message.chat_name or message.chat_id) if message is not None else "",
                "text": safe_cell((message.text or message.caption or "") if message is not None else ""),
                "status": final,
                "seconds_to_delivered": seconds("delivered"),
                "seconds_to_read": seconds("read"),
                "failure": safe_cell(failure_in_words(failed["errors"] or []) if failed else ""),
                "pricing_category": priced.get("category") or "",
                "billable": priced.get("billable") if isinstance(priced.get("billable"), bool) else "",
                "_sent": sent,
            }
        )
    rows.sort(key=lambda row: (row["_sent"], row["message_id"]))
    for row in rows:
        del row["_sent"]
    return rows
