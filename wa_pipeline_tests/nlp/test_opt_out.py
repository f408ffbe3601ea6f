"""Opt-out and opt-in requests in every language the NLP serves; 'stop' inside a sentence is not one."""

import pytest

from wa_pipeline.nlp.opt_out import consent_request


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "Stop!",
        "stop please",
        "Please STOP 🙏",
        "Unsubscribe",
        "opt-out",
        "No me manden más",
        "no me manden más mensajes, gracias",
        "Darme de baja",
        "Não quero mais receber mensagens",
        "Pare",
        "Désabonner",
        "Arrêtez de m’envoyer des messages",
        "Keine Nachrichten mehr, bitte",
        "Abmelden",
        "Acha kunitumia",
        "Tafadhali acha kunitumia ujumbe",
        "message mat bhejo",
        "Mujhe message mat bhejo plz",
    ],
)
def test_a_message_that_is_an_opt_out_is_one(text):
    assert consent_request(text) == "opt_out"


@pytest.mark.parametrize("text", ["START", "Unstop", "subscribe please", "Nitumie tena", "phir se bhejo"])
def test_a_message_that_asks_to_resume_is_an_opt_in(text):
    assert consent_request(text) == "opt_in"


@pytest.mark.parametrize(
    "text",
    [
        "stop by the shop at 5",
        "I'm at the bus stop",
        "Please stop the delivery of bread on Friday",
        "Don't stop sending the price list!",
        "acha nikuambie kitu",
        "no me manden más pan, ya tengo",
        "ok",
        "",
        None,
    ],
)
def test_stop_inside_an_ordinary_sentence_is_not_an_opt_out(text):
    assert consent_request(text) is None
