"""Conversations inside a chat: which messages belong together, who took part, how fast the business
answered, and whether a customer is still waiting.

A message joins the thread of the message it replies to (`reply_to`, when that message is in the frame);
otherwise it continues the thread of the chat's previous message, unless more than `gap` (default 4 h)
passed since it, which starts a new thread. System notes ("Messages are end-to-end encrypted") belong to
no thread.

Across midnight: a day's threads are computed over the day's messages plus the day before's (`earlier`), and a
thread is the day's when at least one of its messages is: so a conversation that started at 23:50 is one thread,
and the day it ends reports it whole, with the id the day before gave it (the id is the chat's and the thread's
first message's). The day before reported the same thread as it stood at midnight; the Threads tab is keyed by
thread id, so the later day's row replaces it. A conversation that runs on across two midnights without a
4-hour pause gets a new id on its third day (only one day before is read).

A thread started from a click-to-WhatsApp ad says which ad: `referral` is the raw JSON of the first of its messages
that carries one (WhatsApp puts it on the customer's first message), kept across midnight like the rest; "" when none.

The business is told apart from its customers by a set of sender names and ids, plus two defaults: in a
chat export, the sender whose name is the chat's name (a business exporting its group or broadcast chat);
in the Cloud API, a message sent from the business's own phone number id (outbound echoes). When no sender is
configured, the business is inferred (`infer_business`): the participant present in the most chats, two or
more (the owner of the phone that exported them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

from wa_pipeline.business_senders import BusinessSenders
from wa_pipeline.message import stable_id

DEFAULT_GAP = timedelta(hours=4)
THREAD_COLUMNS = (
    "thread_id",
    "chat_id",
    "chat_name",
    "started_at",
    "last_message_at",
    "messages",
    "participants",
    "first_message_id",
    "first_message",
    "last_message_id",
    "last_message",
    "last_sender",
    "first_response_s",
    "awaiting_reply",
    "intents",
    "referral",
)
# Not a turn of the conversation: a note from WhatsApp, or a reaction to someone else's message.
_NO_THREAD_KINDS = frozenset({"system"})
_NOT_A_TURN_KINDS = frozenset({"system", "reaction"})
_NOT_AN_INTENT = frozenset({"", "other"})
_SEPARATOR = "; "
_SUMMARY_COLUMNS = (
    "message_id",
    "chat_id",
    "chat_name",
    "sender_id",
    "sender_name",
    "source",
    "sent_at",
    "kind",
    "text",
    "caption",
    "intent",
    "referral",
)


@dataclass(frozen=True)
class InferredBusiness:
    """Who the business is when nobody said: a sender present in every chat."""

    sender: str  # a sender id where the messages carry one, else a display name
    is_id: bool
    chats: int  # the chats it writes in
    of_chats: int  # the chats there are

    def senders(self, chat_name_is_business: bool = True) -> BusinessSenders:
        return BusinessSenders(
            frozenset() if self.is_id else frozenset({self.sender.casefold()}),
            frozenset({self.sender}) if self.is_id else frozenset(),
            chat_name_is_business,
        )

    def statement(self) -> str:
        """One line for `wa-pipeline doctor`."""
        return (
            f"business sender not configured; inferred {self.sender!r}, the participant present in {self.chats} "
            f"of {self.of_chats} chats (set WA_BUSINESS_SENDERS to override)"
        )


def infer_business(frame: pd.DataFrame, min_chats: int = 2) -> InferredBusiness | None:
    """The sender who writes in the most chats of `frame`, or None when that is not clear.

    The exporting phone's owner is a participant of every exported chat, but need not have written in each on
    a given day (a customer still waiting). So: the one sender found in more chats than anyone else, in at
    least `min_chats` and at least half of them; a tie, or a sender of a single chat, infers nobody.
    """
    if frame.empty:
        return None
    turns = frame[~frame["kind"].isin(_NO_THREAD_KINDS)]
    ids = turns["sender_id"].where(turns["sender_id"].notna() & (turns["sender_id"] != ""), None)
    keyed = pd.DataFrame(
        {
            "chat": turns["chat_id"],
            "sender": ids.fillna(turns["sender_name"]),
            "is_id": ids.notna(),
        }
    ).dropna(subset=["sender"])
    chats = keyed["chat"].nunique()
    if chats < min_chats:
        return None
    presence = keyed.groupby(["sender", "is_id"])["chat"].nunique().sort_values(ascending=False)
    most = int(presence.iloc[0])
    if most < min_chats or most * 2 < chats or (len(presence) > 1 and int(presence.iloc[1]) == most):
        return None
    sender, is_id = presence.index[0]
    return InferredBusiness(str(sender), bool(is_id), most, int(chats))


def assign_threads(frame: pd.DataFrame, gap: timedelta = DEFAULT_GAP) -> pd.Series:
    """Thread id of every message, aligned with `frame`'s index ("" for system notes)."""
    if gap <= timedelta(0):
        raise ValueError(f"the thread gap must be positive, got {gap}")
    # Positions, not labels, and a plain list: setting one cell of a string Series copies its Arrow array each
    # time, which made this quadratic in the day's messages.
    columns = frame[["message_id", "chat_id", "sent_at", "kind", "reply_to"]].reset_index(drop=True)
    ordered = columns.sort_values(["chat_id", "sent_at", "message_id"], kind="stable")
    thread_of: dict[str, str] = {}
    ids = [""] * len(frame)
    previous: dict[str, tuple[pd.Timestamp, str]] = {}  # chat -> (last sent_at, its thread)
    for position, message_id, chat_id, sent_at, kind, reply_to in zip(
        ordered.index,
        ordered["message_id"],
        ordered["chat_id"],
        ordered["sent_at"],
        ordered["kind"],
        ordered["reply_to"],
    ):
        if kind in _NO_THREAD_KINDS:
            continue
        replied = thread_of.get(reply_to) if isinstance(reply_to, str) else None
        last = previous.get(chat_id)
        if replied is not None:
            thread = replied
        elif last is not None and sent_at - last[0] <= gap:
            thread = last[1]
        else:
            thread = stable_id(chat_id, message_id, prefix="thr_")
        thread_of[message_id] = thread
        previous[chat_id] = (sent_at, thread)
        ids[position] = thread
    return pd.Series(ids, index=frame.index, dtype="str")


def conversation_threads(
    frame: pd.DataFrame,
    business: BusinessSenders | None = None,
    gap: timedelta = DEFAULT_GAP,
    earlier: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per thread with a message in `frame` (`THREAD_COLUMNS`), ordered by chat then start time.

    `frame` has the canonical message columns, and `intent` if the messages were enriched; `earlier` (the day
    before's messages) lets a thread that began before midnight continue. With no `business` given, or one
    that names nobody, the business is inferred from the chats.
    """
    if frame.empty:
        return _empty()
    frame = threaded_messages(frame, earlier, gap)
    business = business or BusinessSenders()
    if not (business.names or business.ids):
        inferred = infer_business(frame)
        if inferred is not None:
            # In a one-to-one export the chat is named after the customer: once the business is known, the
            # sender named like the chat is not taken for it.
            business = inferred.senders(chat_name_is_business=False)
    threads = assign_threads(frame, gap)
    # Only what a summary reads: the day's entity columns would be copied by every step below for nothing.
    work = frame[[column for column in _SUMMARY_COLUMNS if column in frame.columns]].assign(_thread=threads)
    work = work[work["_thread"] != ""].sort_values(["chat_id", "sent_at", "message_id"], kind="stable")
    if work.empty:
        return _empty()
    rows = []
    for thread_id, messages in work.groupby("_thread", sort=False):
        rows.append(_summary(thread_id, messages, business))
    out = pd.DataFrame(rows, columns=list(THREAD_COLUMNS))
    out = out.sort_values(["chat_id", "started_at", "thread_id"], kind="stable").reset_index(drop=True)
    return _typed(out)


def threaded_messages(frame: pd.DataFrame, earlier: pd.DataFrame | None, gap: timedelta = DEFAULT_GAP) -> pd.DataFrame:
    """`frame`'s messages and those of `earlier` whose thread goes on in `frame`: what the day's threads cover."""
    if earlier is None or earlier.empty or frame.empty:
        return frame
    carried = earlier[earlier["chat_id"].isin(set(frame["chat_id"])) & ~earlier["message_id"].isin(frame["message_id"])]
    if carried.empty:
        return frame
    both = pd.concat([carried, frame], ignore_index=True)
    threads = assign_threads(both, gap)
    today = set(threads.iloc[len(carried) :]) - {""}
    keep = [thread in today for thread in threads.iloc[: len(carried)]]
    return pd.concat([carried[keep], frame], ignore_index=True)


def _summary(thread_id: str, messages: pd.DataFrame, business: BusinessSenders) -> dict:
    is_business = [
        business.is_business(source, chat_id, chat_name, sender_id, sender_name)
        for source, chat_id, chat_name, sender_id, sender_name in zip(
            messages["source"],
            messages["chat_id"],
            messages["chat_name"],
            messages["sender_id"],
            messages["sender_name"],
        )
    ]
    turns = [
        (row, from_business)
        for row, from_business in zip(messages.itertuples(index=False), is_business)
        if row.kind not in _NOT_A_TURN_KINDS
    ]
    first, last = messages.iloc[0], messages.iloc[-1]
    first_customer = next((row.sent_at for row, from_business in turns if not from_business), None)
    answer = next(
        (
            row.sent_at
            for row, from_business in turns
            if from_business and first_customer is not None and row.sent_at >= first_customer
        ),
        None,
    )
    last_turn = turns[-1] if turns else None
    intents = messages["intent"] if "intent" in messages.columns else pd.Series([], dtype="str")
    return {
        "thread_id": thread_id,
        "chat_id": first["chat_id"],
        "chat_name": first["chat_name"] if isinstance(first["chat_name"], str) else first["chat_id"],
        "started_at": first["sent_at"],
        "last_message_at": last["sent_at"],
        "messages": len(messages),
        "participants": _SEPARATOR.join(
            dict.fromkeys(_who(name, sender) for name, sender in zip(messages["sender_name"], messages["sender_id"]))
        ),
        "first_message_id": first["message_id"],
        "first_message": _gist(first),
        "last_message_id": last["message_id"],
        "last_message": _gist(last),
        "last_sender": _who(last_turn[0].sender_name, last_turn[0].sender_id) if last_turn else "",
        "first_response_s": (answer - first_customer).total_seconds() if answer is not None else float("nan"),
        "awaiting_reply": bool(last_turn is not None and not last_turn[1]),
        "intents": _SEPARATOR.join(dict.fromkeys(i for i in intents if isinstance(i, str) and i not in _NOT_AN_INTENT)),
        "referral": _first_referral(messages),
    }


def _first_referral(messages: pd.DataFrame) -> str:
    """The ad of the thread's first message that came from one; "" when none did (or the frame predates referrals)."""
    if "referral" not in messages.columns:
        return ""
    return next((r for r in messages["referral"] if isinstance(r, str) and r), "")


def _who(name: object, sender_id: object) -> str:
    return name if isinstance(name, str) and name else (sender_id if isinstance(sender_id, str) else "")


def _gist(row) -> str:
    """What a message says: its words, else its kind in brackets ("[image]")."""
    parts = [row[c] for c in ("text", "caption") if isinstance(row.get(c), str) and row.get(c)]
    return "\n".join(parts) if parts else f"[{row['kind']}]"


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    for column in (
        "thread_id",
        "chat_id",
        "chat_name",
        "participants",
        "first_message_id",
        "first_message",
        "last_message_id",
        "last_message",
        "last_sender",
        "intents",
        "referral",
    ):
        out[column] = out[column].astype("str")
    out["messages"] = out["messages"].astype("int64")
    out["first_response_s"] = out["first_response_s"].astype("float64")
    out["awaiting_reply"] = out["awaiting_reply"].astype("bool")
    return out


def _empty() -> pd.DataFrame:
    out = pd.DataFrame({column: pd.Series(dtype="str") for column in THREAD_COLUMNS})
    out["started_at"] = pd.Series(dtype="datetime64[us, UTC]")
    out["last_message_at"] = pd.Series(dtype="datetime64[us, UTC]")
    out["messages"] = pd.Series(dtype="int64")
    out["first_response_s"] = pd.Series(dtype="float64")
    out["awaiting_reply"] = pd.Series(dtype="bool")
    return out
