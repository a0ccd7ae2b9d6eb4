"""Online payment in a real browser: a customer types a seeded payment code and an e-mail, sees the
amounts, pays on the sandbox processor's hosted page, comes back to "paid", and a clerk sees the
payment in the account's ledger. The card typed on the hosted page is nowhere in our database or log."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from core.accounts.allocation import balance as contract_balance
from core.accounts.money import format_lei
from core.models import Contract, ContractStatus, IntentStatus, Invoice, PaymentIntent
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from tests.app_processes import READY
from tests.e2e.steps import settle, sign_in

CARD = "4111 1111 1111 1111"


def owing_contracts(db_url: str) -> list[tuple[int, str, Decimal]]:
    """Seeded active contracts with something to pay: (id, payment code, total due), the largest first."""
    with UnitOfWork(get_engine(db_url)) as uow:
        s = uow.session
        billed = select(Invoice.contract_id)
        found = [(c.id, c.payment_code, contract_balance(s, c.id)) for c in s.exec(
            select(Contract).where(Contract.status == ContractStatus.ACTIVE, Contract.id.in_(billed)).limit(60))]
    found = sorted((row for row in found if row[2] > 0), key=lambda row: row[2], reverse=True)
    assert len(found) >= 2, "the seed has too few accounts with something to pay"
    return found


def intent_of(db_url: str, contract_id: int) -> PaymentIntent:
    with UnitOfWork(get_engine(db_url)) as uow:
        return uow.session.exec(select(PaymentIntent).where(PaymentIntent.contract_id == contract_id)
                                .order_by(PaymentIntent.id.desc())).first()


def pay_on_the_hosted_page(page: Page, base: str, payment_code: str, due: Decimal, answer: str) -> None:
    """The customer's whole path: lookup, "Plătește", the processor's page (card typed), its answer."""
    page.goto(f"{base}/pay")
    settle(page)
    page.get_by_label(t("ui.pay.payment_code"), exact=True).fill(payment_code)
    page.get_by_label(t("ui.pay.email"), exact=True).fill("client.plata@example.com")
    page.get_by_role("button", name=t("ui.pay.lookup")).click()
    settle(page)
    expect(page.get_by_test_id("stMetricValue").filter(has_text=format_lei(due)).first).to_be_visible()
    page.screenshot(path=f"/tmp/pay-amounts-{answer}.png", full_page=True)
    page.get_by_role("button", name=t("ui.pay.pay", amount=format_lei(due))).click()
    page.wait_for_url(re.compile(r"/api/sandbox/checkout/"))
    expect(page.get_by_text(format_lei(due))).to_be_visible()
    page.get_by_label(t("sandbox.card_number")).fill(CARD)
    page.get_by_label(t("sandbox.expiry")).fill("12/29")
    page.get_by_label(t("sandbox.cvv")).fill("987")
    page.get_by_label(t("sandbox.holder")).fill("ION POPESCU")
    page.screenshot(path=f"/tmp/pay-hosted-{answer}.png", full_page=True)
    page.get_by_role("button", name=t(f"sandbox.{answer}")).click()
    page.wait_for_url(re.compile(r"/pay\?intent="))
    page.wait_for_selector(READY)


@pytest.fixture
def accounts(page, app_server):
    return owing_contracts(app_server[1])  # `page` waited for the app to seed its database


def test_a_customer_pays_on_the_processor_page_and_a_clerk_sees_it_in_the_ledger(page, app_server, accounts):
    base, db_url = app_server
    contract_id, payment_code, due = accounts[0]
    pay_on_the_hosted_page(page, base, payment_code, due, "confirm")
    expect(page.get_by_text(t("ui.pay.paid_title"))).to_be_visible()
    paid = intent_of(db_url, contract_id)
    assert (paid.status, paid.amount) == (IntentStatus.SUCCEEDED, due)
    expect(page.get_by_text(t("ui.pay.reference", reference=paid.processor_txn_id))).to_be_visible()
    page.screenshot(path="/tmp/pay-paid.png", full_page=True)

    data = Path(db_url.removeprefix("sqlite:///")).parent
    stored = b"".join(p.read_bytes() for p in data.iterdir() if p.is_file())  # database, its WAL, the server log
    assert CARD.replace(" ", "").encode() not in stored and CARD.encode() not in stored

    page.context.clear_cookies()
    sign_in(page, base, "clerk", "clerk-demo", f"ledger?contract={contract_id}")
    # the entries table draws on a canvas; its cells are also in the accessible grid behind it
    cells = page.get_by_test_id(re.compile("glide-cell"))
    expect(cells.filter(has_text=f"card:{paid.processor_txn_id}").first).to_be_attached()
    expect(cells.filter(has_text=t("ledger.channel.online")).first).to_be_attached()
    page.screenshot(path="/tmp/pay-ledger.png", full_page=True)


def test_a_declined_card_comes_back_unpaid(page, app_server, accounts):
    base, db_url = app_server
    contract_id, payment_code, due = accounts[1]
    pay_on_the_hosted_page(page, base, payment_code, due, "decline")
    expect(page.get_by_text(t("ui.pay.declined_title"))).to_be_visible()
    assert intent_of(db_url, contract_id).status == IntentStatus.DECLINED
    with UnitOfWork(get_engine(db_url)) as uow:
        assert contract_balance(uow.session, contract_id) == due
