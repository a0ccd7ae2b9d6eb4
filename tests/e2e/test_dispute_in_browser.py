"""Payment disputes in a real browser, on seeded invoices: a clerk opens each from the counter form, then
upholds a small credit after asking the customer (the ledger shows the credit note), proposes a larger
one that a supervisor approves, or rejects one with a reason. Labels come from the catalog."""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from core.accounts import allocation, billing
from core.cases.queries import today
from core.models import Case, ConsumptionPlace, Contract, ContractStatus, CreditNote, Invoice, InvoiceKind
from core.platform.config import settings
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from seed_data.sample_documents import sample_pdf
from tests.e2e.steps import choose, click, in_popover, sign_in, upload

LARGE = Decimal("600.00")  # above the approval threshold: a proposal and a second person


@dataclass(frozen=True)
class Disputable:
    id: int
    number: str
    contract_id: int
    open_amount: Decimal


@pytest.fixture
def invoices(page, app_server) -> list[Disputable]:
    """Seeded invoices that may be disputed (issued within the filing window, something left to pay) and
    never were, the largest first; read once the app has seeded its database (`page` waits for it)."""
    oldest = today() - timedelta(days=settings.dispute_filing_calendar_days - 1)
    with UnitOfWork(get_engine(app_server[1])) as uow:
        s = uow.session
        disputed = select(Case.invoice_id).where(col(Case.invoice_id).is_not(None))
        found = []
        for invoice in s.exec(select(Invoice).where(Invoice.issue_date >= oldest,
                                                    col(Invoice.id).not_in(disputed))):
            left = allocation.open_amounts(s, invoice.contract_id)[invoice.id]
            if left >= Decimal("50"):
                found.append(Disputable(invoice.id, invoice.invoice_number,
                                        invoice.contract_id, left))
    found.sort(key=lambda i: i.open_amount, reverse=True)
    assert len(found) >= 2, "the seed has too few recent unpaid invoices"
    if found[0].open_amount <= LARGE:  # how large recent bills are depends on the day the demo is seeded
        found.insert(0, large_bill(app_server[1]))
    return found


def large_bill(db_url: str) -> Disputable:
    """A regularisation invoice of 3,000 kWh issued today on a seeded contract (above the approval threshold)."""
    with UnitOfWork(get_engine(db_url)) as uow:
        s = uow.session
        contract = s.exec(select(Contract).where(Contract.status == ContractStatus.ACTIVE)).first()
        place = s.get(ConsumptionPlace, contract.place_id)
        invoice = billing.issue_invoice(s, issued_by="billing",
                                        contract=contract, period_start=today() - timedelta(days=30),
                                        period_end=today(), new_index=place.last_index + 3000,
                                        kind=InvoiceKind.REGULARISATION, issue_date=today())
        left = allocation.open_amounts(s, contract.id)[invoice.id]
        uow.commit()
    assert left > LARGE
    return Disputable(invoice.id, invoice.invoice_number, contract.id, left)


def open_dispute(page: Page, base: str, invoice: Disputable, amount: str, evidence=()) -> str:
    """A clerk registers a dispute on the invoice from its form and opens the case; returns its number."""
    sign_in(page, base, "clerk", "clerk-demo", f"new_dispute?invoice={invoice.id}")
    expect(page.get_by_text(t("ui.new_dispute.invoice", number=invoice.number))).to_be_visible()
    choose(page, t("ui.new_dispute.category"), t("dispute_category.wrong_reading"))
    page.get_by_label(t("ui.new_dispute.amount"), exact=True).fill(amount)
    page.get_by_label(t("ui.new_dispute.description"), exact=True).fill("Indexul facturat e mai mare decât cel citit.")
    if evidence:
        upload(page, t("ui.new_dispute.evidence"), list(evidence))
    click(page, t("ui.new_dispute.submit"))
    done = page.get_by_text(re.compile(r"CTS-\d{4}-\d+"))
    expect(done).to_be_visible()
    number = re.search(r"CTS-\d{4}-\d+", done.inner_text()).group()
    click(page, t("ui.new_dispute.open_case"))
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    expect(page.get_by_text(t("state.opened")).first).to_be_visible()
    return number


def expect_state(page: Page, state: str) -> None:
    expect(page.locator("span.stMarkdownBadge").filter(has_text=t(f"state.{state}")).first).to_be_visible()


def case_id(db_url: str, number: str) -> int:
    with UnitOfWork(get_engine(db_url)) as uow:
        return uow.session.exec(select(Case.id).where(Case.registration_number == number)).one()


def credit_note(db_url: str, number: str) -> CreditNote:
    with UnitOfWork(get_engine(db_url)) as uow:
        case = uow.session.exec(select(Case).where(Case.registration_number == number)).one()
        return uow.session.exec(select(CreditNote).where(CreditNote.case_id == case.id)).one()


def test_a_clerk_asks_the_customer_then_upholds_a_small_credit_shown_in_the_ledger(page, app_server, invoices,
                                                                                   tmp_path):
    base, db_url = app_server
    invoice = invoices[-1]
    photo = tmp_path / "index.pdf"
    photo.write_bytes(sample_pdf("evidence", ["Index 1180 kWh"]))
    number = open_dispute(page, base, invoice, "40,00", evidence=[photo])
    expect(page.get_by_text("index.pdf").first).to_be_visible()

    click(page, t("trigger.start_review"))
    expect_state(page, "under_review")
    in_popover(page, t("trigger.request_information"), **{
        t("ui.case.action_reason", action=t("trigger.request_information")): "Trimiteți o fotografie a contorului."})
    expect_state(page, "awaiting_customer")
    in_popover(page, t("trigger.customer_replied"), **{
        t("ui.case.action_reason", action=t("trigger.customer_replied")): "Fotografia arată 1180 kWh."})
    expect_state(page, "under_review")
    in_popover(page, t("trigger.uphold"), **{
        t("ui.case_dispute.amount"): "25,50",
        t("ui.case.action_reason", action=t("trigger.uphold")): "Index corectat după fotografie."})
    expect_state(page, "resolved_upheld")
    note = credit_note(db_url, number)
    assert note.amount == Decimal("25.50") and note.issued_by == "clerk"
    expect(page.get_by_text(note.number).first).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, base, "clerk", "clerk-demo", f"ledger?contract={invoice.contract_id}")
    # the entries table draws on a canvas; its cells are also in the accessible grid behind it
    expect(page.get_by_test_id(re.compile("glide-cell")).filter(has_text=note.number).first).to_be_attached()
    page.screenshot(path="/tmp/dispute-ledger.png", full_page=True)


def test_a_clerk_proposes_a_large_credit_and_a_supervisor_approves_it(page, app_server, invoices):
    base, db_url = app_server
    invoice = invoices[0]
    number = open_dispute(page, base, invoice, f"{LARGE:.2f}".replace(".", ","))
    click(page, t("trigger.start_review"))
    in_popover(page, t("trigger.uphold"), **{  # above the threshold a clerk may not grant it alone
        t("ui.case_dispute.amount"): "550",
        t("ui.case.action_reason", action=t("trigger.uphold")): "Dublă facturare."})
    expect(page.get_by_text(t("guard.credit_needs_approval")).first).to_be_visible()
    page.keyboard.press("Escape")
    in_popover(page, t("trigger.propose_credit"), **{
        t("ui.case_dispute.amount"): "550",
        t("ui.case.action_reason", action=t("trigger.propose_credit")): "Dublă facturare."})
    expect_state(page, "credit_proposed")
    page.screenshot(path="/tmp/dispute-proposed.png", full_page=True)

    page.context.clear_cookies()
    sign_in(page, base, "supervisor", "supervisor-demo", f"case_detail?case={case_id(db_url, number)}")
    click(page, t("trigger.approve_credit"))
    expect_state(page, "resolved_upheld")
    note = credit_note(db_url, number)
    assert (note.amount, note.issued_by) == (Decimal("550.00"), "supervisor")
    expect(page.get_by_text(note.number).first).to_be_visible()


def test_a_clerk_rejects_a_dispute_with_a_reason(page, app_server, invoices):
    base, db_url = app_server
    number = open_dispute(page, base, invoices[-1], "30")
    in_popover(page, t("trigger.reject"), **{
        t("ui.case.action_reason", action=t("trigger.reject")): "Indexul facturat corespunde citirii."})
    expect_state(page, "resolved_rejected")
    page.get_by_role("tab", name=re.compile(t("ui.case.tab_history"))).click()
    expect(page.get_by_text("Indexul facturat corespunde citirii.").first).to_be_visible()
    with UnitOfWork(get_engine(db_url)) as uow:
        case = uow.session.exec(select(Case).where(Case.registration_number == number)).one()
        assert case.closed_at is not None
        assert not uow.session.exec(select(CreditNote).where(CreditNote.case_id == case.id)).all()
