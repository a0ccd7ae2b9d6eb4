"""Invoice by e-mail in a real browser: a visitor finds a seeded account by payment code and CNP, asks
for the e-invoice, types the code the outbox holds for the new address, and sees it confirmed."""

import re

from playwright.sync_api import expect
from sqlmodel import col, select

from core.models import Contract, Customer, CustomerKind, OutboxMessage
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from tests.e2e.steps import click
from tests.e2e.test_invoice_copy_in_browser import look_up

NEW_ADDRESS = "factura.online@example.com"


def without_e_invoice(db_url: str) -> tuple[int, str, str]:
    """(contract id, payment code, holder's CNP) of a seeded person with no e-invoice yet."""
    with UnitOfWork(get_engine(db_url)) as uow:
        found = uow.session.exec(
            select(Contract.id, Contract.payment_code, Customer.national_id)
            .join(Customer, Customer.id == Contract.customer_id)
            .where(Customer.kind == CustomerKind.PERSON, col(Contract.e_invoice_email).is_(None))
            .order_by(Contract.id.desc())).first()
    assert found, "the seed has no person without e-invoice"
    return found


def code_sent_to(db_url: str, address: str) -> str:
    with UnitOfWork(get_engine(db_url)) as uow:
        message = uow.session.exec(select(OutboxMessage).where(OutboxMessage.recipient == address)
                                   .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"\b\d{6}\b", message.body).group()


def test_a_visitor_opts_into_e_invoice_with_the_code_sent_to_the_address(page, app_server):
    base, db_url = app_server
    contract_id, payment_code, cnp = without_e_invoice(db_url)
    look_up(page, base, "e_invoice", payment_code, cnp)
    expect(page.get_by_role("heading", name=t("ui.e_invoice.email"))).to_be_visible()

    page.get_by_label(t("ui.e_invoice.address_email"), exact=True).fill(NEW_ADDRESS)
    click(page, t("ui.e_invoice.send_code"))
    expect(page.get_by_text(re.compile("f\\*\\*\\*@\u2060?example\\.com")).first).to_be_visible()
    page.get_by_label(t("ui.e_invoice.code"), exact=True).fill(code_sent_to(db_url, NEW_ADDRESS))
    click(page, t("ui.e_invoice.confirm"))

    confirmed = re.compile("Gata! Din .* primiți factura la f\\*\\*\\*@\u2060?example\\.com")
    expect(page.get_by_text(confirmed)).to_be_visible()
    with UnitOfWork(get_engine(db_url)) as uow:
        assert uow.session.get(Contract, contract_id).e_invoice_email == NEW_ADDRESS
    page.screenshot(path="/tmp/e-invoice.png", full_page=True)
