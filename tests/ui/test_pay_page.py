"""The public payment page: a payment code shows only amounts, any miss gets the same neutral words,
"Plătește" hands the customer to the processor's page, and the return page says how it ended."""

from datetime import date, timedelta

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.accounts.billing import record_payment
from core.accounts.money import format_lei
from core.models import Contract, IntentStatus, PaymentIntent, clock_at, utcnow
from core.online import access, payments
from core.online.processor import Checkout, Result, SandboxProcessor
from core.platform.config import settings
from core.platform.i18n import t
from core.staff.auth import SYSTEM, customer_actor
from tests.factories import invoice_for, make_account
from tests.ui.conftest import APP, message_under, texts

PAGE = "pages/pay.py"


@pytest.fixture(autouse=True)
def _visitor(monkeypatch):
    """AppTest's session has no real client address (st.context.ip_address is a mock there)."""
    monkeypatch.setattr("ui.public.visitor", lambda: access.client("203.0.113.9", "pay-session"))


@pytest.fixture
def account(uow):
    contract = make_account(uow)
    return contract, invoice_for(uow, contract, total_kwh=300, issue_date=date(2026, 11, 5))


def look_up(open_app, code: str, email: str = "plata@example.com"):
    at = open_app(page=PAGE)
    at.text_input(key="pay_code").input(code)
    at.text_input(key="pay_email").input(email)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> list[str]:
    return [m.value for m in at.metric]


@pytest.mark.parametrize("code", ["999999999", "12ab"])
def test_an_unknown_or_malformed_code_gets_the_neutral_message_and_no_amounts(open_app, account, code):
    at = look_up(open_app, code)
    assert [e.value for e in at.error] == [t("online.not_found")]
    assert metrics(at) == []


def test_a_payment_code_shows_the_current_invoice_and_the_total_due_and_nothing_personal(open_app, account):
    contract, invoice = account
    at = look_up(open_app, contract.payment_code)
    assert metrics(at) == [format_lei(invoice.total), format_lei(invoice.total)]
    assert invoice.invoice_number in texts(at, "caption")
    shown = texts(at) + texts(at, "caption")
    assert "Popescu" not in shown and "Lalelelor" not in shown
    assert [b.label for b in at.button if b.label.startswith("Plătește")] == [
        t("ui.pay.pay", amount=format_lei(invoice.total))]


def test_a_wrong_email_is_shown_under_its_field(open_app, account):
    at = look_up(open_app, account[0].payment_code, email="not-an-address")
    assert message_under(at, "pay_email") == t("validation.email")
    assert metrics(at) == []


def test_pay_sends_the_customer_to_the_processor_page(open_app, account, uow):
    at = look_up(open_app, account[0].payment_code)
    next(b for b in at.button if b.label.startswith("Plătește")).click().run()
    with uow() as u:
        [intent] = u.session.exec(select(PaymentIntent)).all()
    assert (intent.amount, intent.email, intent.status) == (account[1].total, "plata@example.com",
                                                            IntentStatus.CREATED)
    assert f"/api/sandbox/checkout/{intent.public_id}?" in texts(at)
    assert t("ui.pay.redirecting") in [i.value for i in at.info]


def test_a_payment_landing_after_the_lookup_shows_the_fresh_amounts_instead_of_paying_another_sum(
        open_app, account, uow):
    contract, invoice = account
    at = look_up(open_app, contract.payment_code)
    with uow() as u:  # paid in part at the counter while the page was open
        record_payment(u.session, actor=SYSTEM,
                       contract=u.session.get(Contract, contract.id), amount=invoice.total - 100,
                       channel="counter", reference="C-1")
        u.commit()
    next(b for b in at.button if b.label.startswith("Plătește")).click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [t("pay.amount_changed")]
    assert metrics(at) == [format_lei(invoice.total), format_lei(100)]  # the invoice, and what is left to pay
    assert [b.label for b in at.button if b.label.startswith("Plătește")] == [t("ui.pay.pay", amount=format_lei(100))]
    with uow() as u:
        assert u.session.exec(select(PaymentIntent)).all() == []


def start(uow, account, **language) -> payments.StartedPayment:
    return payments.create_intent(uow=uow(), actor=customer_actor(), contract_id=account[0].id,
                                  email="plata@example.com", what=payments.PayWhat.TOTAL, amount=account[1].total,
                                  **language)


def outcome_shown(open_app, started) -> str:
    at = open_app(page=PAGE)
    at.query_params["intent"] = started.intent
    at.run()
    return "\n".join(str(m.value) for kind in ("success", "error", "warning", "info") for m in getattr(at, kind))


@pytest.mark.parametrize("result, status", [(Result.SUCCEEDED, "paid"), (Result.DECLINED, "declined"),
                                            (Result.CANCELLED, "abandoned"), (None, "pending")])
def test_the_return_page_shows_how_the_payment_ended(open_app, account, uow, result, status):
    started = start(uow, account)
    if result:
        card = SandboxProcessor()
        body, signature = card.notification(Checkout(started.intent, account[1].total, "RON"), result)
        payments.handle_notification(uow=uow(), body=body, signature=signature)
    amount = format_lei(account[1].total)
    assert outcome_shown(open_app, started) == (f"**{t(f'ui.pay.{status}_title')}**  \n"
                                                f"{t(f'ui.pay.{status}', amount=amount)}")


def test_a_payment_given_up_for_lack_of_an_answer_does_not_promise_the_customer_was_not_charged(
        open_app, account, uow):
    """The worker gives up on an intent after an hour without an answer, when a charge may still arrive."""
    with clock_at(utcnow() - timedelta(minutes=settings.payment_intent_abandon_minutes + 1)):
        started = start(uow, account)
    assert payments.abandon_stale_intents(uow=uow()) == 1
    shown = outcome_shown(open_app, started)
    assert "Plata nu a fost finalizată" in shown and "dacă banii v-au fost reținuți, îi vom înregistra" in shown


def test_a_customer_who_paid_in_english_comes_back_to_an_english_page(open_app, account, uow):
    started = start(uow, account, language="en")
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(intent=started.intent, lang="en")  # the processor's return link opens a new session
    at.run()
    assert at.session_state["language"] == "en"
    at.switch_page(PAGE).run()
    assert at.title[0].value == "Pay an invoice"
