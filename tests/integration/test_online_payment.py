"""Paying online without an account: the payment code shows the amounts, the processor's signed
notification records the payment once (ledger, allocation, receipt), and a forged, replayed or
mismatched notification, a decline or a cancellation changes nothing on the account. Money the processor
took is never lost: a charge after a decline still pays, a second charge becomes credit, and a charge we
cannot record now is answered so that the processor sends it again."""

import json
import logging
import re
import threading
import urllib.request
from datetime import date, timedelta
from decimal import Decimal
from urllib.error import HTTPError

import pytest
import uvicorn
from sqlalchemy import MetaData
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from starlette.applications import Starlette

from core.accounts import allocation
from core.accounts.allocation import balance as contract_balance
from core.accounts.billing import record_payment
from core.accounts.ledger import EntryKind, InvoiceStatus, account_ledger
from core.models import (
    Contract,
    IntentStatus,
    LookupAttempt,
    OutboxMessage,
    Payment,
    PaymentIntent,
    clock_at,
    utcnow,
)
from core.online import access, payments
from core.online.payments import AmountChanged, NotificationNotRecorded, NotificationRefused, Outcome, PayWhat
from core.online.processor import Checkout, Result, SandboxProcessor, sign
from core.online.routes import routes
from core.platform.config import settings
from core.platform.errors import DomainError, ValidationFailed
from core.staff.auth import SYSTEM, customer_actor
from tests.factories import CLERK, invoice_for, make_account, refused

CUSTOMER = customer_actor()
EMAIL = "plata@example.com"
CARD = "4111111111111111"


@pytest.fixture
def who():
    return access.client("10.1.1.1", "pay-session")


@pytest.fixture
def account(uow):
    contract = make_account(uow)
    older = invoice_for(uow, contract, total_kwh=100, issue_date=date(2026, 10, 5))
    current = invoice_for(uow, contract, total_kwh=300, issue_date=date(2026, 11, 5))
    return contract, older, current


def look_up(uow, who, code, email=EMAIL):
    return payments.amounts_due(uow=uow(), actor=CUSTOMER, who=who, payment_code=code, email=email)


def start(uow, contract, what=PayWhat.TOTAL):
    """"Plătește" for the amount a fresh lookup shows."""
    shown = look_up(uow, access.client("10.9.9.9", "start"), contract.payment_code).amount_for(what)
    return payments.create_intent(uow=uow(), actor=CUSTOMER, contract_id=contract.id, email=EMAIL, what=what,
                                  amount=shown)


def intent(uow, started) -> PaymentIntent:
    with uow() as u:
        return u.session.exec(select(PaymentIntent).where(PaymentIntent.public_id == started.intent)).one()


def answer(uow, started, result=Result.SUCCEEDED, **changes) -> tuple[bytes, str]:
    """The sandbox's signed notification for the intent, with fields changed before signing."""
    row = intent(uow, started)
    body, _ = SandboxProcessor().notification(Checkout(row.public_id, row.amount, row.currency), result)
    if changes:
        body = json.dumps(json.loads(body) | changes).encode()
    return body, sign(body)


def notify(uow, body, signature):
    return payments.handle_notification(uow=uow(), body=body, signature=signature)


def rows(uow, model):
    with uow() as u:
        return list(u.session.exec(select(model)))


def test_the_payment_code_shows_the_current_invoice_and_the_total_due(uow, who, account):
    contract, older, current = account
    due = look_up(uow, who, contract.payment_code)
    assert (due.invoice_number, due.invoice_total, due.invoice_open) == (current.invoice_number, current.total,
                                                                         current.total)
    assert due.total_due == older.total + current.total
    assert due.choices == [PayWhat.TOTAL, PayWhat.INVOICE]
    assert not hasattr(due, "holder") and "Popescu" not in repr(due)  # amounts, never who the holder is
    [attempt] = rows(uow, LookupAttempt)
    assert (attempt.service, attempt.outcome) == ("pay", "found")


@pytest.mark.parametrize("code", ["999999999", "12ab", ""])
def test_an_unknown_or_malformed_payment_code_gets_the_neutral_answer_and_is_counted(uow, who, account, code):
    with refused(DomainError, "online.not_found"):
        look_up(uow, who, code)
    assert [a.success for a in rows(uow, LookupAttempt)] == [False]


def test_repeated_misses_ask_the_visitor_for_a_challenge_even_with_the_right_code(uow, who, account):
    for _ in range(settings.lookup_challenge_after):
        with refused(DomainError, "online.not_found"):
            look_up(uow, who, "999999999")
    with refused(access.ChallengeRequired, "challenge.required"):
        look_up(uow, who, account[0].payment_code)


def test_a_wrong_email_is_a_field_error_before_any_lookup(uow, who, account):
    with pytest.raises(ValidationFailed) as failed:
        look_up(uow, who, account[0].payment_code, email="not-an-address")
    assert set(failed.value.errors) == {"email"}
    assert rows(uow, LookupAttempt) == []


def test_a_confirmed_card_payment_pays_the_account_shows_in_the_ledger_and_queues_a_receipt(uow, account):
    contract, older, current = account
    started = start(uow, contract)
    assert started.url.startswith(f"{settings.public_base_url}/api/sandbox/checkout/{started.intent}?")
    body, signature = answer(uow, started)
    assert notify(uow, body, signature) == Outcome.RECORDED

    paid = intent(uow, started)
    [payment] = rows(uow, Payment)
    assert (paid.status, paid.payment_id) == (IntentStatus.SUCCEEDED, payment.id)
    assert payment.reference == f"card:{paid.processor_txn_id}"  # never mistaken for a counter or bank reference
    assert (payment.amount, payment.channel) == (older.total + current.total, "online")
    ledger = account_ledger(uow=uow(), actor=CLERK, contract_id=contract.id)
    assert [e.reference for e in ledger.entries if e.kind == EntryKind.PAYMENT] == [payment.reference]
    assert [s.status for s in ledger.invoices] == [InvoiceStatus.PAID, InvoiceStatus.PAID]
    assert ledger.balance == Decimal("0.00")
    [receipt] = rows(uow, OutboxMessage)
    assert (receipt.recipient, receipt.template) == (EMAIL, "online_payment.receipt")
    assert paid.processor_txn_id in receipt.body and contract.payment_code in receipt.body
    assert "Popescu" not in receipt.body  # the address was typed by whoever knew the code


def test_paying_only_the_current_invoice_leaves_the_older_one_open(uow, account):
    contract, older, current = account
    started = start(uow, contract, PayWhat.INVOICE)
    assert intent(uow, started).amount == current.total
    notify(uow, *answer(uow, started))
    with uow() as u:
        assert allocation.open_amounts(u.session, contract.id) == {older.id: older.total,
                                                                   current.id: Decimal("0.00")}


def test_a_replayed_notification_changes_nothing(uow, account, caplog):
    started = start(uow, account[0])
    body, signature = answer(uow, started)
    notify(uow, body, signature)
    assert notify(uow, body, signature) == Outcome.DUPLICATE
    assert len(rows(uow, Payment)) == 1 and len(rows(uow, OutboxMessage)) == 1
    assert "replayed" in caplog.text


def test_a_decline_after_the_payment_changes_nothing(uow, account):
    started = start(uow, account[0])
    notify(uow, *answer(uow, started))
    with pytest.raises(NotificationRefused, match="intent_already_final"):
        notify(uow, *answer(uow, started, Result.DECLINED))
    assert intent(uow, started).status == IntentStatus.SUCCEEDED and len(rows(uow, Payment)) == 1


@pytest.mark.parametrize("first", [Result.DECLINED, Result.CANCELLED])
def test_a_charge_after_a_decline_or_cancellation_pays_the_invoice(uow, account, first):
    """The customer tried again on the processor's page after a refused card (or came back to it)."""
    contract = account[0]
    started = start(uow, contract)
    notify(uow, *answer(uow, started, first))
    assert notify(uow, *answer(uow, started)) == Outcome.RECORDED
    [payment] = rows(uow, Payment)
    assert (intent(uow, started).status, intent(uow, started).payment_id) == (IntentStatus.SUCCEEDED, payment.id)
    with uow() as u:
        assert contract_balance(u.session, contract.id) == Decimal("0.00")


def test_a_charge_under_the_transaction_id_of_a_cancellation_is_recorded(uow, account):
    started = start(uow, account[0])
    notify(uow, *answer(uow, started, Result.CANCELLED, transaction_id="SBX-SAME"))
    assert notify(uow, *answer(uow, started, Result.SUCCEEDED, transaction_id="SBX-SAME")) == Outcome.RECORDED
    [payment] = rows(uow, Payment)
    assert (intent(uow, started).status, payment.reference) == (IntentStatus.SUCCEEDED, "card:SBX-SAME")


def test_a_second_charge_on_a_paid_intent_becomes_credit_flagged_for_a_refund(uow, account, caplog):
    contract = account[0]
    started = start(uow, contract)
    notify(uow, *answer(uow, started, transaction_id="SBX-FIRST"))
    again = answer(uow, started, transaction_id="SBX-AGAIN")
    assert notify(uow, *again) == Outcome.RECORDED
    assert sorted(p.reference for p in rows(uow, Payment)) == ["card:SBX-AGAIN", "card:SBX-FIRST"]
    assert "review for a refund" in caplog.text and "SBX-AGAIN" in caplog.text
    with uow() as u:
        assert contract_balance(u.session, contract.id) == -intent(uow, started).amount  # credit on the account
    paid = intent(uow, started)
    assert (paid.status, paid.processor_txn_id) == (IntentStatus.SUCCEEDED, "SBX-FIRST")
    assert notify(uow, *again) == Outcome.DUPLICATE  # its replay
    assert len(rows(uow, Payment)) == 2 and len(rows(uow, OutboxMessage)) == 2


def test_a_clash_with_the_same_notification_recorded_meanwhile_is_a_replay(uow, account, monkeypatch):
    """Two deliveries at once: the other one recorded it first, ours hits the unique reference."""
    started = start(uow, account[0])
    body, signature = answer(uow, started)
    notify(uow, body, signature)

    def clash(*_args):
        raise IntegrityError("INSERT INTO payment", {}, Exception("unique"))

    monkeypatch.setattr(payments, "_apply", clash)
    assert notify(uow, body, signature) == Outcome.DUPLICATE
    with pytest.raises(NotificationNotRecorded):  # the same transaction with another result is no replay
        notify(uow, *answer(uow, started, Result.DECLINED, transaction_id=intent(uow, started).processor_txn_id))


@pytest.mark.parametrize("length", [59, 65])
def test_a_transaction_id_too_long_to_store_is_refused_and_the_longest_accepted_is_recorded(uow, account, length):
    started = start(uow, account[0])
    body, signature = answer(uow, started, transaction_id="T" * length)
    if length > 59:
        with pytest.raises(NotificationRefused, match="malformed"):  # not a database error retried forever
            notify(uow, body, signature)
        assert intent(uow, started).status == IntentStatus.CREATED
    else:
        assert notify(uow, body, signature) == Outcome.RECORDED
        assert [p.reference for p in rows(uow, Payment)] == [f"card:{'T' * 59}"]


def forged_signature(body: bytes) -> str:
    return sign(body + b" ")


@pytest.mark.parametrize("forge", [
    lambda body, signature: (body, None),
    lambda body, signature: (body, "0" * 64),
    lambda body, signature: (body, forged_signature(body)),
    lambda body, signature: (body.replace(b'"declined"', b'"succeeded"'), signature),
], ids=["unsigned", "made-up", "other-body", "edited-after-signing"])
def test_a_forged_notification_is_refused_logged_and_changes_nothing(uow, account, caplog, forge):
    started = start(uow, account[0])
    body, signature = answer(uow, started, Result.DECLINED)
    with caplog.at_level(logging.WARNING, "ghiseu.payments"), pytest.raises(NotificationRefused, match="signature"):
        notify(uow, *forge(body, signature))
    assert "refused: bad_signature" in caplog.text
    assert intent(uow, started).status == IntentStatus.CREATED
    assert rows(uow, Payment) == [] and rows(uow, OutboxMessage) == []


@pytest.mark.parametrize("changes", [{"amount": "1.00"}, {"currency": "EUR"}])
def test_a_notification_for_another_amount_or_currency_is_refused(uow, account, caplog, changes):
    started = start(uow, account[0])
    with pytest.raises(NotificationRefused, match="amount_mismatch"):
        notify(uow, *answer(uow, started, **changes))
    assert "refused: amount_mismatch" in caplog.text
    assert intent(uow, started).status == IntentStatus.CREATED and rows(uow, Payment) == []


def test_a_notification_for_an_unknown_intent_is_refused(uow, account):
    start(uow, account[0])
    body = json.dumps({"intent": "nobody", "transaction_id": "SBX-1", "result": "succeeded", "amount": "10.00",
                       "currency": "RON"}).encode()
    with pytest.raises(NotificationRefused, match="unknown_intent"):
        notify(uow, body, sign(body))


@pytest.mark.parametrize("result, status", [(Result.DECLINED, IntentStatus.DECLINED),
                                            (Result.CANCELLED, IntentStatus.ABANDONED)])
def test_a_declined_or_cancelled_payment_leaves_the_invoice_unpaid(uow, account, result, status):
    contract, older, current = account
    started = start(uow, contract)
    assert notify(uow, *answer(uow, started, result)) == Outcome.RECORDED
    assert intent(uow, started).status == status
    assert rows(uow, Payment) == [] and rows(uow, OutboxMessage) == []
    assert look_up(uow, access.client("x", "y"), contract.payment_code).total_due == older.total + current.total


def test_nothing_due_starts_no_payment(uow, account):
    contract = account[0]
    notify(uow, *answer(uow, start(uow, contract)))
    assert look_up(uow, access.client("x", "y"), contract.payment_code).choices == []
    with refused(DomainError, "pay.nothing_due"):
        start(uow, contract)


def test_intents_left_waiting_are_abandoned_but_a_late_charge_is_still_recorded(uow, account):
    with clock_at(utcnow() - timedelta(minutes=settings.payment_intent_abandon_minutes + 1)):
        stale = start(uow, account[0])
    fresh = start(uow, account[0], PayWhat.INVOICE)
    assert payments.abandon_stale_intents(uow=uow()) == 1
    assert (intent(uow, stale).status, intent(uow, fresh).status) == (IntentStatus.ABANDONED, IntentStatus.CREATED)
    notify(uow, *answer(uow, stale))  # the card was charged after all: the money must show
    assert intent(uow, stale).status == IntentStatus.SUCCEEDED and len(rows(uow, Payment)) == 1


# ---- over HTTP: our notification endpoint and the sandbox's hosted page ----

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


@pytest.fixture
def server(engine, monkeypatch):
    """The routes served by uvicorn on a free port, on the test database; yields the base URL."""
    config = uvicorn.Config(Starlette(routes=routes()), host="127.0.0.1", port=0, log_level="warning")
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    monkeypatch.setattr(settings, "database_url", engine.url.render_as_string(hide_password=False))
    thread.start()
    while not web.started:
        thread.join(0.05)
    port = web.servers[0].sockets[0].getsockname()[1]
    monkeypatch.setattr(settings, "public_base_url", f"http://127.0.0.1:{port}")
    yield settings.public_base_url
    web.should_exit = True
    thread.join(10)


def http(url: str, data: bytes | None = None, headers: dict | None = None):
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data, headers=headers or {}), timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except HTTPError as err:
        return err.code, err.headers, err.read().decode()


def test_the_hosted_page_takes_the_card_and_the_signed_notification_pays_the_invoice(uow, account, server, caplog):
    contract = account[0]
    started = start(uow, contract)
    status, _, page = http(started.url)
    assert status == 200 and "Confirmă plata" in page and "Numărul cardului" in page
    fields = re.findall(r"<input[^>]*>", page)
    assert len(fields) == 4 and not [f for f in fields if "name=" in f]  # a browser submits no nameless field
    form = f"action=confirm&card={CARD}&cvv=123&expiry=12%2F29".encode()  # even a browser sending them
    status, headers, _ = http(started.url, data=form)
    assert (status, headers["location"]) == (303, f"{server}/pay?intent={started.intent}&lang=ro")
    assert intent(uow, started).status == IntentStatus.SUCCEEDED
    assert payments.payment_outcome(uow=uow(), public_id=started.intent).status == IntentStatus.SUCCEEDED
    assert CARD not in caplog.text and CARD not in database_text(uow)


def test_a_base_url_ending_in_a_slash_still_notifies_and_returns_to_the_pay_page(uow, account, server,
                                                                                 monkeypatch):
    monkeypatch.setattr(settings, "public_base_url", f"{server}/")
    started = start(uow, account[0])
    assert started.url.startswith(f"{server}/api/sandbox/checkout/")
    status, headers, _ = http(started.url, data=b"action=confirm")
    assert (status, headers["location"]) == (303, f"{server}/pay?intent={started.intent}&lang=ro")
    assert intent(uow, started).status == IntentStatus.SUCCEEDED


def test_paying_an_amount_no_longer_due_is_refused_with_the_fresh_amounts(uow, account):
    contract, older, current = account
    shown = look_up(uow, access.client("x", "y"), contract.payment_code).total_due
    with uow() as u:  # a payment at the counter lands meanwhile
        record_payment(u.session, actor=SYSTEM, contract=u.session.get(Contract, contract.id), amount=older.total,
                       channel="counter", reference="C-1")
        u.commit()
    with pytest.raises(AmountChanged) as refusal:
        payments.create_intent(uow=uow(), actor=CUSTOMER, contract_id=contract.id, email=EMAIL,
                               what=PayWhat.TOTAL, amount=shown)
    assert refusal.value.key == "pay.amount_changed"
    assert refusal.value.due.total_due == shown - older.total == current.total  # what to show instead
    assert rows(uow, PaymentIntent) == []


def database_text(uow) -> str:
    """Every value in every table, as text (to search for what must never be stored)."""
    with uow() as u:
        tables = MetaData()
        tables.reflect(u.session.connection())
        return "\n".join(str(row) for table in tables.sorted_tables
                         for row in u.session.connection().execute(sa_select(table)))


@pytest.mark.parametrize("signature", ["0" * 64, "é" * 64], ids=["made-up", "not-ascii"])
def test_our_endpoint_refuses_a_forged_notification_over_http(uow, account, server, signature):
    started = start(uow, account[0])
    body, _ = answer(uow, started)
    status, _, reply = http(f"{server}/api/payments/notify", data=body,
                            headers={"X-Processor-Signature": signature, "Content-Type": "application/json"})
    assert (status, json.loads(reply)) == (400, {"status": "refused"})
    assert rows(uow, Payment) == []


def test_a_charge_clashing_with_another_payment_reference_is_answered_for_a_retry(uow, account, server, caplog):
    """Not "duplicate": that would tell the processor to stop while the charge is recorded nowhere."""
    contract = account[0]
    started = start(uow, contract)
    with uow() as u:
        record_payment(u.session, actor=SYSTEM, contract=u.session.get(Contract, contract.id), amount=Decimal("10.00"),
                       channel="counter", reference=payments.payment_reference("SBX-CLASH"))
        u.commit()
    body, signature = answer(uow, started, transaction_id="SBX-CLASH")
    status, _, reply = http(f"{server}/api/payments/notify", data=body,
                            headers={"X-Processor-Signature": signature, "Content-Type": "application/json"})
    assert (status, json.loads(reply)) == (503, {"status": "retry"})
    assert intent(uow, started).status == IntentStatus.CREATED and len(rows(uow, Payment)) == 1
    assert [r.levelname for r in caplog.records if "not recorded" in r.getMessage()] == ["ERROR"]


@pytest.mark.parametrize("action, status", [("decline", IntentStatus.DECLINED), ("cancel", IntentStatus.ABANDONED)])
def test_declining_or_cancelling_on_the_hosted_page_comes_back_unpaid(uow, account, server, action, status):
    started = start(uow, account[0])
    assert http(started.url, data=f"action={action}".encode())[0] == 303
    assert intent(uow, started).status == status and rows(uow, Payment) == []


def test_a_tampered_hosted_page_link_is_refused(uow, account, server):
    started = start(uow, account[0])
    tampered = started.url.replace("amount=", "amount=1")
    assert http(tampered)[0] == 400
    assert http(tampered, data=b"action=confirm")[0] == 400
    assert intent(uow, started).status == IntentStatus.CREATED
