"""Invoices and payments: VAT by the invoice date, exact money, balances from indexed sums."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from core import allocation, audit, numbers
from core.auth import Actor
from core.config import settings
from core.models import (
    ConsumptionPlace,
    Contract,
    Customer,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    LineKind,
    Payment,
    utcnow,
)
from core.money import money

# (first day in force, rate): 19% until 2025-07-31, 21% from 2025-08-01
VAT_RATES = ((date(2017, 1, 1), Decimal("0.19")), (date(2025, 8, 1), Decimal("0.21")))


def vat_rate_on(day: date) -> Decimal:
    rate = VAT_RATES[0][1]
    for since, value in VAT_RATES:
        if day >= since:
            rate = value
    return rate


def issue_invoice(session: Session, *, contract: Contract, period_start: date, period_end: date,
                  new_index: int, kind: InvoiceKind, issue_date: date, issued_by: str,
                  allocate: bool = True) -> Invoice:
    """Bills the kWh between the last billed index and `new_index` at the tariff and VAT of the day.
    An estimate never moves the meter's last read index, and a regularisation or final invoice after
    over-estimates bills negative kWh (a credit). `allocate=False` leaves settling to one later
    `allocation.allocate` call (replaying history: oldest-first matching gives the same shares)."""
    last = session.exec(select(Invoice.new_index).where(Invoice.contract_id == contract.id)
                        .order_by(Invoice.issue_date.desc(), Invoice.id.desc()).limit(1)).first()
    old_index = contract.start_index if last is None else last
    kwh = new_index - old_index if kind != InvoiceKind.ESTIMATE else max(new_index - old_index, 0)
    value_net = money(settings.tariff_kwh_net * kwh)
    rate = vat_rate_on(issue_date)
    vat = money(value_net * rate)
    customer = session.get(Customer, contract.customer_id)
    invoice_id, series = numbers.invoice_numbers(session, issue_date.year)
    invoice = Invoice(
        invoice_number=invoice_id, series=series, contract_id=contract.id, place_id=contract.place_id,
        customer_id=contract.customer_id, kind=kind, issue_date=issue_date,
        due_date=issue_date + timedelta(days=settings.invoice_due_days),
        period_start=period_start, period_end=period_end, old_index=old_index, new_index=new_index,
        kwh=kwh, value_net=value_net, vat_rate=rate, vat=vat, total=value_net + vat,
        balance_at_issue=allocation.balance(session, contract.id) + value_net + vat,
        correspondence_address=customer.correspondence_address, issued_by=issued_by,
    )
    session.add(invoice)
    session.flush()
    session.add(InvoiceLine(invoice_id=invoice.id, position=1, kind=LineKind.CONSUMPTION, period_start=period_start,
                            period_end=period_end, kwh=kwh, unit_price_net=settings.tariff_kwh_net,
                            value_net=value_net, vat_rate=rate, vat=vat, total=value_net + vat))
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
    payment = Payment(contract_id=contract.id, amount=money(amount), channel=channel,
                      reference=reference, paid_at=paid_at or utcnow(), recorded_by=actor.username)
    session.add(payment)
    session.flush()
    audit.record_action(session, actor=actor.username, role=actor.role, action="record_payment",
                        subject=f"payment:{payment.id}",
                        details={"contract": contract.number, "amount": str(payment.amount), "channel": channel,
                                 "reference": reference, "invoice_id": invoice_id})
    if allocate:
        allocation.allocate(session, contract.id, first_invoice_id=invoice_id)
    return payment
