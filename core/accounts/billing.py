"""Invoices and payments: an invoice's lines by VAT period (core.accounts.invoice_lines) from the contract's meter
history, exact money, payments allocated as they arrive."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from core.accounts import allocation
from core.accounts.invoice_lines import Charged, Line, estimate_lines, reading_lines, totals, vat_rate_on
from core.accounts.money import money
from core.accounts.payment_days import add_payment
from core.models import (
    ConsumptionPlace,
    Contract,
    Customer,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Payment,
    utcnow,
)
from core.platform import audit, numbers
from core.platform.config import settings
from core.staff.auth import Actor


@dataclass(frozen=True)
class MeterHistory:
    """What a contract's invoices say about its meter: the last read index, the last billed one, and the
    estimates between them (oldest first)."""

    last_read_index: int
    last_billed_index: int
    charged: tuple[Charged, ...]


def meter_history(session: Session, contract: Contract) -> MeterHistory:
    newest = (Invoice.issue_date.desc(), Invoice.id.desc())
    read = session.exec(select(Invoice.issue_date, Invoice.id, Invoice.new_index)
                        .where(Invoice.contract_id == contract.id, Invoice.kind != InvoiceKind.ESTIMATE)
                        .order_by(*newest).limit(1)).first()
    since = select(Invoice).where(Invoice.contract_id == contract.id, Invoice.kind == InvoiceKind.ESTIMATE)
    if read is not None:
        since = since.where(or_(Invoice.issue_date > read.issue_date,
                                and_(Invoice.issue_date == read.issue_date, Invoice.id > read.id)))
    estimates = list(session.exec(since.order_by(Invoice.issue_date, Invoice.id)))
    last_read = contract.start_index if read is None else read.new_index
    return MeterHistory(last_read, estimates[-1].new_index if estimates else last_read,
                        tuple(Charged(e.period_start, e.period_end, e.kwh, e.vat_rate) for e in estimates))


def invoice_lines(history: MeterHistory, *, kind: InvoiceKind, new_index: int, period_start: date,
                  period_end: date, issue_date: date) -> list[Line]:
    """The lines an invoice at `new_index` would have (core.accounts.invoice_lines): what issuing it writes, and what
    a preview shows before it is issued."""
    price = settings.tariff_kwh_net
    if kind == InvoiceKind.ESTIMATE:
        return estimate_lines(kwh=max(new_index - history.last_billed_index, 0), period_start=period_start,
                              period_end=period_end, issue_date=issue_date, unit_price=price)
    return reading_lines(read_kwh=new_index - history.last_read_index, charged=history.charged,
                         period_start=period_start, period_end=period_end, unit_price=price)


def issue_invoice(session: Session, *, contract: Contract, period_start: date, period_end: date,
                  new_index: int, kind: InvoiceKind, issue_date: date, issued_by: str,
                  allocate: bool = True) -> Invoice:
    """Bills from the last billed index to `new_index`, one line per kind and VAT rate (core.accounts.invoice_lines).
    An estimate never moves the meter's last read index; a regularisation or final invoice after
    over-estimates credits them (negative kWh) at the rates they were charged. `allocate=False` leaves
    settling to one later `allocation.allocate` call (replaying history: oldest-first matching gives the
    same shares)."""
    history = meter_history(session, contract)
    lines = invoice_lines(history, kind=kind, new_index=new_index, period_start=period_start,
                          period_end=period_end, issue_date=issue_date)
    sums = totals(lines)
    customer = session.get(Customer, contract.customer_id)
    invoice_id, series = numbers.invoice_numbers(session, issue_date.year)
    invoice = Invoice(
        invoice_number=invoice_id, series=series, contract_id=contract.id, place_id=contract.place_id,
        customer_id=contract.customer_id, kind=kind, issue_date=issue_date,
        due_date=issue_date + timedelta(days=settings.invoice_due_days),
        period_start=period_start, period_end=period_end, old_index=history.last_billed_index,
        new_index=new_index, kwh=sums.kwh, value_net=sums.value_net, vat_rate=vat_rate_on(issue_date),
        vat=sums.vat, total=sums.total, open_amount=allocation.opening_amount(sums.total),
        balance_at_issue=allocation.balance(session, contract.id) + sums.total,
        correspondence_address=customer.correspondence_address, issued_by=issued_by,
    )
    session.add(invoice)
    session.flush()
    session.add_all(InvoiceLine(invoice_id=invoice.id, position=n, kind=line.kind, period_start=line.period_start,
                                period_end=line.period_end, kwh=line.kwh, unit_price_net=line.unit_price_net,
                                value_net=line.value_net, vat_rate=line.vat_rate, vat=line.vat, total=line.total)
                    for n, line in enumerate(lines, start=1))
    if kind != InvoiceKind.ESTIMATE:
        place = session.get(ConsumptionPlace, contract.place_id)
        place.last_index = new_index
        session.add(place)
    session.flush()
    if allocate:
        allocation.allocate(session, contract.id)  # credit already on the account settles the new invoice
    session.flush()
    return invoice


def record_payment(session: Session, *, contract: Contract, amount: Decimal, channel: str,
                   reference: str, actor: Actor, paid_at: datetime | None = None, invoice_id: int | None = None,
                   allocate: bool = True) -> Payment:
    """Helper (no commit): records money received, in the audit trail too, and allocates it (the named
    invoice first)."""
    payment = add_payment(session, Payment(contract_id=contract.id, amount=money(amount), channel=channel,
                                           reference=reference, paid_at=paid_at or utcnow(),
                                           recorded_by=actor.username))
    audit.record_action(session, actor=actor.username, role=actor.role, action="record_payment",
                        subject=f"payment:{payment.id}",
                        details={"contract": contract.number, "amount": str(payment.amount), "channel": channel,
                                 "reference": reference, "invoice_id": invoice_id})
    if allocate:
        allocation.allocate(session, contract.id, first_invoice_id=invoice_id)
    return payment
