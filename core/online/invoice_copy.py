"""The invoice copy a verified holder sees online: the latest invoice and those of the last 12 months,
the balance to date and the correspondence address, a PDF of any of them, and a dispute on one of them.
Callers reach a contract only through core.online.access.find_contract, so every function here takes
the contract id it found and never serves an invoice of another contract. A closed contract left with
credit also offers its refund (core.services.refunds), to the IBAN the holder gives."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from core.accounts.invoice_pdf import invoice_pdf
from core.accounts.ledger import InvoiceStatus, account_ledger, invoice_detail
from core.accounts.refunds import refundable
from core.efactura.status import invoice_xml
from core.models import Case, Contract, Customer, Invoice, Role
from core.platform import validation
from core.platform.config import settings
from core.platform.errors import NotFound
from core.services.disputes import open_dispute
from core.services.refunds import open_refund_number, request_refund
from core.staff.auth import Actor, customer_actor

# The holder proved who they are (payment code + CNP/CUI), so they read their own account as the printed
# invoice shows it (full name and address): the staff read paths are reused through a reader that sees
# personal data. It never leaves this module; the views below choose what the holder is shown.
_HOLDER_READER = Actor("online", Role.CLERK, "Servicii online")


def holder_check(typed_id: str | None) -> Callable[[Session, Contract], bool]:
    """`matches` for find_contract: the CNP or CUI typed is the contract holder's. A typed id of the
    wrong shape never matches, and says nothing more than a wrong one (the lookup answer is neutral)."""
    national_id = _national_id(typed_id)

    def matches(session: Session, contract: Contract) -> bool:
        return national_id is not None and session.get(Customer, contract.customer_id).national_id == national_id
    return matches


def _national_id(typed: str | None) -> str | None:
    text = (typed or "").strip().replace(" ", "")
    for shape in (validation.person_id, validation.company_id):
        try:
            return shape(text)
        except validation.FieldError:
            continue
    return None


@dataclass(frozen=True)
class CopyRow:
    invoice_number: str  # the 11-digit invoice ID printed on the invoice
    series: str
    issue_date: date
    due_date: date
    kwh: int
    total: Decimal
    open_amount: Decimal
    status: InvoiceStatus
    disputable: bool  # within the filing window with something left to pay (the dispute service decides)


@dataclass(frozen=True)
class InvoiceCopy:
    """What the holder sees: no CNP, phone or e-mail, only what the invoice itself prints."""

    correspondence_address: str
    balance: Decimal  # "sold la zi": positive is owed, negative is a credit
    latest: CopyRow | None
    invoices: list[CopyRow]  # issued in the last 12 months, newest first
    since: date  # the first day the window covers


def window_start(today: date) -> date:
    """The first day of "the last 12 months": the day after the same date a year ago."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + timedelta(days=1)


def copy_for(*, uow, contract_id: int, today: date) -> InvoiceCopy:
    """The latest invoice (whatever its age) and every invoice issued in the 12 months up to `today`:
    the ledger's read (its statements) and nothing more."""
    ledger = account_ledger(uow=uow, actor=_HOLDER_READER, contract_id=contract_id)
    filing = timedelta(days=settings.dispute_filing_calendar_days)
    rows = [CopyRow(s.invoice_number, s.series, s.issue_date, s.due_date, s.kwh, s.total, s.open_amount,
                    s.status, s.open_amount > 0 and today - s.issue_date <= filing)
            for s in reversed(ledger.invoices) if s.issue_date <= today]
    since = window_start(today)
    return InvoiceCopy(ledger.holder.correspondence_address, ledger.balance, rows[0] if rows else None,
                       [r for r in rows if r.issue_date >= since], since)


def _invoice_id(uow, contract_id: int, invoice_number: str) -> int:
    """The invoice with this ID on this contract; another contract's invoice is as unknown as a missing one."""
    typed = validation.text_or_none(invoice_number, validation.length_of(Invoice.invoice_number))
    with uow:
        found = uow.session.exec(select(Invoice.id).where(Invoice.contract_id == contract_id,
                                                          Invoice.invoice_number == typed)).first() if typed else None
    if found is None:
        raise NotFound()
    return found


def pdf_for(*, uow, contract_id: int, invoice_number: str, lang: str = "ro") -> bytes:
    """The PDF copy of one of the contract's invoices, drawn from the stored invoice."""
    detail = invoice_detail(uow=uow, actor=_HOLDER_READER, invoice_id=_invoice_id(uow, contract_id, invoice_number))
    return invoice_pdf(detail, lang=lang)


def dispute_invoice(*, uow, contract_id: int, invoice_number: str, form: dict, language: str = "ro") -> Case:
    """The holder's own dispute on one of the contract's invoices (the payment-dispute workflow, online)."""
    return open_dispute(uow=uow, actor=customer_actor(), invoice_id=_invoice_id(uow, contract_id, invoice_number),
                        form=form, channel="online", language=language)


@dataclass(frozen=True)
class RefundOffer:
    """A closed contract's credit as its holder sees it: the amount, and the request already in progress."""

    amount: Decimal
    open_number: str | None


def refund_offer(*, uow, contract_id: int) -> RefundOffer | None:
    """The refund the holder may ask for, or None (an active contract, or nothing left to give back)."""
    with uow:
        amount = refundable(uow.session, contract_id)
        number = open_refund_number(uow.session, contract_id)
    return RefundOffer(amount, number) if amount > 0 else None


def ask_refund(*, uow, contract_id: int, form: dict, language: str = "ro") -> Case:
    """The holder's own refund request (IBAN, account holder's name, optional e-mail), registered online."""
    fields = {name: form.get(name) for name in ("iban", "holder_name", "email")}  # nothing else is read
    return request_refund(uow=uow, actor=customer_actor(), contract_id=contract_id, form=fields, channel="online",
                          language=language)


def xml_for(*, uow, contract_id: int, invoice_number: str) -> bytes:
    """The e-Factura XML of one of the contract's invoices, as reported to the tax authority."""
    return invoice_xml(uow=uow, actor=_HOLDER_READER, invoice_id=_invoice_id(uow, contract_id, invoice_number))
