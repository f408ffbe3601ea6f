"""Does a message clearly ask to stop (or restart) messages? In the languages the NLP serves.

Only a message that *is* the request counts: "STOP", "unsubscribe", "acha kunitumia", "no me manden más", perhaps
with a "please" or a "thanks" around it. "Stop" inside an ordinary sentence ("stop by the shop at 5", "the bus
stop") is not an opt-out: a business that treats it as one loses a customer who never asked, and one that
ignores a real one keeps marketing to someone who said no, so the phrase must be the whole message.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

ConsentRequest = Literal["opt_out", "opt_in"]

# Per language: whole-message phrases, written casefolded and without accents (they are compared that way).
OPT_OUT: dict[str, tuple[str, ...]] = {
    "en": (
        "stop",
        "stop all",
        "unsubscribe",
        "opt out",
        "optout",
        "stop messages",
        "stop messaging me",
        "stop sending me messages",
        "stop texting me",
        "no more messages",
        "remove me",
        "remove me from your list",
        "remove my number",
    ),
    "es": (
        "no me manden mas",
        "no me manden mas mensajes",
        "no me envien mas mensajes",
        "no me escriban mas",
        "dejen de enviarme mensajes",
        "baja",
        "darme de baja",
        "cancelar suscripcion",
    ),
    "pt": (
        "parar",
        "pare",
        "sair",
        "nao quero mais receber mensagens",
        "nao me mandem mais mensagens",
        "cancelar inscricao",
        "descadastrar",
    ),
    "fr": (
        "arret",
        "desabonner",
        "me desabonner",
        "desinscription",
        "arretez de m'envoyer des messages",
        "je ne veux plus recevoir de messages",
    ),
    "de": ("stopp", "abmelden", "abbestellen", "keine nachrichten mehr", "keine werbung mehr"),
    "sw": (
        "acha",
        "acha kunitumia",
        "acha kunitumia ujumbe",
        "acha kunitumia meseji",
        "sitaki ujumbe tena",
        "ondoa namba yangu",
    ),
    "hi-Latn": (
        "mat bhejo",
        "message mat bhejo",
        "msg mat bhejo",
        "mujhe message mat bhejo",
        "messages band karo",
        "band karo",
    ),
}
OPT_IN: dict[str, tuple[str, ...]] = {
    "en": ("start", "unstop", "subscribe", "resume", "opt in", "optin"),
    "es": ("alta", "suscribirme", "quiero recibir mensajes"),
    "pt": ("voltar", "inscrever", "quero receber mensagens"),
    "fr": ("abonner", "m'abonner", "reprendre"),
    "de": ("anmelden", "wieder anmelden"),
    "sw": ("anza", "nitumie tena", "endelea kunitumia"),
    "hi-Latn": ("phir se bhejo", "start karo", "message bhejo"),
}
# Politeness around a request does not change it.
_FILLERS = (
    "please",
    "pls",
    "plz",
    "thanks",
    "thank you",
    "por favor",
    "gracias",
    "obrigado",
    "obrigada",
    "por gentileza",
    "s'il vous plait",
    "svp",
    "merci",
    "bitte",
    "danke",
    "tafadhali",
    "asante",
    "kripya",
    "plzz",
)
_OPT_OUT = frozenset(p for phrases in OPT_OUT.values() for p in phrases)
_OPT_IN = frozenset(p for phrases in OPT_IN.values() for p in phrases)
_FILLER = re.compile(
    r"^(?:(?:"
    + "|".join(re.escape(f) for f in _FILLERS)
    + r")\s+)+|(?:\s+(?:"
    + "|".join(re.escape(f) for f in _FILLERS)
    + r"))+$"
)
_NOT_WORD = re.compile(r"[^\w' ]+")
_SPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACE.sub(" ", _NOT_WORD.sub(" ", bare)).strip()


def consent_request(text: str | None) -> ConsentRequest | None:
    """ "opt_out" or "opt_in" when the whole message is such a request (politeness aside), else None."""
    if not text:
        return None
    plain = _plain(text)
    core = _FILLER.sub("", plain).strip()
    for candidate in (core, plain):
        if candidate in _OPT_OUT:
            return "opt_out"
        if candidate in _OPT_IN:
            return "opt_in"
    return None
