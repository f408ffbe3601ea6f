"""Who speaks for the business: the senders a user names (WA_BUSINESS_SENDERS) and the defaults of each source.

Both the conversation threads (nlp) and the Orders tab (sheets) tell the business from its customers, and must do it
the same way, so the rule sits here, below both: it reads names and ids, never language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from wa_pipeline.message import cloud_business_id


@dataclass(frozen=True)
class BusinessSenders:
    """Who speaks for the business: sender names (any case) and sender ids, plus the defaults above."""

    names: frozenset[str] = field(default_factory=frozenset)
    ids: frozenset[str] = field(default_factory=frozenset)
    chat_name_is_business: bool = True

    @classmethod
    def of(cls, senders: Iterable[str] = (), chat_name_is_business: bool = True) -> BusinessSenders:
        """From one list of names or ids, as a user writes it in configuration."""
        values = [s.strip() for s in senders if s and s.strip()]
        return cls(frozenset(v.casefold() for v in values), frozenset(values), chat_name_is_business)

    def is_business(self, source, chat_id, chat_name, sender_id, sender_name) -> bool:
        if isinstance(sender_id, str) and sender_id in self.ids:
            return True
        if isinstance(sender_name, str) and sender_name.casefold() in self.names:
            return True
        if (
            self.chat_name_is_business
            and source == "chat_export"
            and isinstance(sender_name, str)
            and isinstance(chat_name, str)
            and sender_name.casefold() == chat_name.casefold()
        ):
            return True
        # Cloud API chats are "wa:<business phone number id>:<customer>"; a sender with the business's
        # own number id is the business writing (an outbound echo).
        if source == "cloud_api" and isinstance(chat_id, str) and isinstance(sender_id, str):
            return cloud_business_id(chat_id) == sender_id
        return False
