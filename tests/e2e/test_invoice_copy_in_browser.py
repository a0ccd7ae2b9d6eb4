"""The invoice copy in a real browser: a visitor types a seeded account's payment code and the holder's
CNP, sees its invoices and downloads a PDF copy; labels come from the catalog the visitor reads."""

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlmodel import select

from core.cases.queries import today
from core.models import Contract, Customer, CustomerKind, Invoice
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from tests.e2e.steps import click, settle


def recently_billed(db_url: str) -> tuple[str, str, str]:
    """(payment code, holder's CNP, newest invoice ID) of a seeded person billed in the last months."""
    with UnitOfWork(get_engine(db_url)) as uow:
        found = uow.session.exec(
            select(Contract.payment_code, Customer.national_id, Invoice.invoice_number)
            .join(Customer, Customer.id == Contract.customer_id).join(Invoice, Invoice.contract_id == Contract.id)
            .where(Customer.kind == CustomerKind.PERSON, Invoice.issue_date >= today() - timedelta(days=300),
                   Invoice.issue_date <= today())
            .order_by(Invoice.issue_date.desc(), Invoice.id.desc())).first()
    assert found, "the seed has no person billed in the last months"
    return found


def look_up(page: Page, base: str, service: str, payment_code: str, national_id: str) -> None:
    page.goto(f"{base}/{service}")
    settle(page)
    page.get_by_label(t("ui.lookup.payment_code"), exact=True).fill(payment_code)
    page.get_by_label(t("ui.lookup.national_id"), exact=True).fill(national_id)
    click(page, t("ui.lookup.submit"))


def test_a_visitor_gets_the_invoice_copy_and_its_pdf(page, app_server):
    base, db_url = app_server
    payment_code, cnp, newest = recently_billed(db_url)
    look_up(page, base, "invoice_copy", payment_code, "1800101221152")
    expect(page.get_by_text(t("online.not_found"))).to_be_visible()

    look_up(page, base, "invoice_copy", payment_code, cnp)
    expect(page.get_by_role("heading", name=t("ui.invoice_copy.latest"))).to_be_visible()
    expect(page.get_by_text(newest).first).to_be_visible()
    expect(page.get_by_text(cnp)).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("button", name=t("ui.invoice_copy.download")).first.click()
    assert download.value.suggested_filename == f"factura-{newest}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.screenshot(path="/tmp/invoice-copy.png", full_page=True)
