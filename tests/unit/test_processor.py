"""The sandbox card processor: what it signs, what it accepts back, and what it refuses to believe."""

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from core.online.processor import (
    NOTIFY_PATH,
    SANDBOX_CHECKOUT_PATH,
    Checkout,
    MalformedNotification,
    Result,
    SandboxProcessor,
    processor,
    sign,
)
from core.online.routes import routes
from core.platform.config import settings

CHECKOUT = Checkout("intent-abc", Decimal("123.45"), "RON")


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_the_processor_named_in_the_settings_is_the_sandbox_by_default():
    assert processor().name == "sandbox"


def test_a_notification_verifies_only_with_its_own_signature():
    card = SandboxProcessor()
    body, signature = card.notification(CHECKOUT, Result.SUCCEEDED)
    assert card.verify(body, signature)
    assert not card.verify(body.replace(b"123.45", b"1.00"), signature)
    assert not card.verify(body, None) and not card.verify(body, "")
    assert not card.verify(body, signature[:-1] + ("0" if signature[-1] != "0" else "1"))


def test_a_signature_header_with_non_ascii_text_is_refused_not_an_error():
    body, _ = SandboxProcessor().notification(CHECKOUT, Result.SUCCEEDED)
    assert not SandboxProcessor().verify(body, "é" * 64)  # a header Starlette decoded as latin-1


def test_a_signature_made_with_another_secret_is_refused(monkeypatch):
    body, _ = SandboxProcessor().notification(CHECKOUT, Result.SUCCEEDED)
    monkeypatch.setattr(settings, "processor_secret", "a-forger-guess")
    forged = sign(body)
    monkeypatch.undo()
    assert not SandboxProcessor().verify(body, forged)


def test_a_notification_reads_back_exactly_what_was_charged():
    card = SandboxProcessor()
    body, _ = card.notification(CHECKOUT, Result.DECLINED)
    note = card.parse(body)
    assert (note.intent, note.result, note.amount, note.currency) == ("intent-abc", Result.DECLINED,
                                                                      Decimal("123.45"), "RON")
    assert note.transaction_id.startswith("SBX-")
    assert card.notification(CHECKOUT, Result.DECLINED)[0] != body  # every answer is its own transaction


def note(**fields) -> bytes:
    return json.dumps({"intent": "i", "transaction_id": "t", "result": "succeeded", "amount": "1.00",
                       "currency": "RON"} | fields).encode()


@pytest.mark.parametrize("body", [
    b"not json", b"[]", note(amount=None), note(result="refunded"), note(amount=1.1), note(amount="1.001"),
    note(amount="NaN"), note(amount="Infinity"), note(transaction_id="T" * 60), note(transaction_id=""),
    note(transaction_id="SBX 1"), note(transaction_id="SBX-ă"), note(transaction_id=12),
])
def test_a_body_that_is_not_a_notification_is_malformed(body):
    with pytest.raises(MalformedNotification):
        SandboxProcessor().parse(body)


def test_the_longest_transaction_id_accepted_fits_the_payment_reference():
    txn = "T" * 59
    assert SandboxProcessor().parse(note(transaction_id=txn)).transaction_id == txn


@pytest.mark.parametrize("base", ["https://ghiseu.example", "https://ghiseu.example/"])
def test_the_hosted_page_link_carries_a_signed_checkout_request(monkeypatch, base):
    monkeypatch.setattr(settings, "public_base_url", base)
    card = SandboxProcessor()
    url = card.checkout_url(CHECKOUT, "en")
    assert url.startswith("https://ghiseu.example/api/sandbox/checkout/intent-abc?")
    query = query_of(url)
    assert (query["amount"], query["currency"], query["lang"]) == ("123.45", "RON", "en")
    assert card.checkout_from("intent-abc", query) == CHECKOUT


@pytest.mark.parametrize("tamper", [{"amount": "1.00"}, {"currency": "EUR"}, {"signature": "0" * 64},
                                    {"amount": "lots"}])
def test_a_tampered_hosted_page_link_is_refused(tamper):
    card = SandboxProcessor()
    query = query_of(card.checkout_url(CHECKOUT)) | tamper
    assert card.checkout_from("intent-abc", query) is None
    assert card.checkout_from("intent-other", query_of(card.checkout_url(CHECKOUT))) is None


def test_the_sandbox_hosted_page_is_served_only_while_the_sandbox_is_the_processor(monkeypatch):
    assert {route.path for route in routes()} == {NOTIFY_PATH, f"{SANDBOX_CHECKOUT_PATH}{{public_id}}"}
    monkeypatch.setattr(settings, "payment_processor", "netopia")
    assert [(route.path, route.methods) for route in routes()] == [(NOTIFY_PATH, {"POST"})]
