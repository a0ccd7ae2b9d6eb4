"""Invoices and credit notes of every kind the e-Factura export must carry, built through the real billing
(and, for the two-rate invoice the split-line billing will issue, written the way that billing stores it)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlmodel import select

from core.accounts import billing
from core.accounts.money import money
from core.models import (
    Contract,
    CreditNote,
    CustomerKind,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    LineKind,
    clock_at,
)
from core.platform import numbers
from core.services.accounts import open_account
from core.staff.auth import SYSTEM
from tests.factories import COMPANY_CUI, OLD_HOLDER_CNP


def account(uow, *, kind=CustomerKind.PERSON, national_id=OLD_HOLDER_CNP, pod="RO005E512345678",
            address="Str. Lalelelor 5, Iași", name="Popescu Ion") -> Contract:
    return open_account(uow=uow(), actor=SYSTEM, kind=kind, name=name, national_id=national_id,
                        email="client@example.com", phone="+40721234567", address=address, pod=pod,
                        meter_serial="ZMD-0001", start_date=date(2024, 1, 1), start_index=1000)


def company(uow) -> Contract:
    return account(uow, kind=CustomerKind.COMPANY, national_id=COMPANY_CUI, pod="RO003E000000042",
                   address="Bd. Unirii 10, Sector 3, București", name="Lumina Construct SRL")


def bill(uow, contract: Contract, new_index: int, kind: InvoiceKind, issue_date: date) -> Invoice:
    with uow() as u, clock_at(datetime.combine(issue_date, datetime.min.time(), UTC)):
        invoice = billing.issue_invoice(u.session, contract=u.session.get(Contract, contract.id),
                                        period_start=issue_date.replace(day=1), period_end=issue_date,
                                        new_index=new_index, kind=kind, issue_date=issue_date, issued_by="billing")
        u.commit()
        return invoice


def split_into_two_rates(uow, invoice_id: int, corrected_kwh: int) -> Invoice:
    """The invoice's consumption line at its own rate beside a correction of `corrected_kwh` (negative)
    billed earlier at 19%, with the invoice's totals the sums of its lines."""
    with uow() as u:
        s = u.session
        invoice = s.get(Invoice, invoice_id)
        first = s.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)).one()
        net = money(Decimal(str(first.unit_price_net)) * corrected_kwh)
        vat = money(net * Decimal("0.19"))
        s.add(InvoiceLine(invoice_id=invoice_id, position=2, kind=LineKind.CORRECTION,
                          period_start=date(2025, 6, 1), period_end=date(2025, 7, 31), kwh=corrected_kwh,
                          unit_price_net=first.unit_price_net, value_net=net, vat_rate=Decimal("0.19"), vat=vat,
                          total=net + vat))
        invoice.kwh += corrected_kwh
        invoice.value_net = money(invoice.value_net) + net
        invoice.vat = money(invoice.vat) + vat
        invoice.total = money(invoice.total) + net + vat
        s.add(invoice)
        u.commit()
        s.refresh(invoice)
        return invoice


def credit(uow, invoice: Invoice, amount: str, on: date = date(2026, 11, 20)) -> CreditNote:
    """A credit note on the invoice as an upheld dispute issues it."""
    with uow() as u:
        note = CreditNote(number=numbers.credit_note_number(u.session, on.year), contract_id=invoice.contract_id,
                          invoice_id=invoice.id, amount=Decimal(amount), reason="Contestație admisă",
                          issued_by="supervisor", issued_at=datetime.combine(on, datetime.min.time().replace(hour=9),
                                                                             UTC))
        u.session.add(note)
        u.commit()
        u.session.refresh(note)
        return note


def compensation(uow, contract: Contract, amount: str, on: date = date(2026, 11, 25)) -> CreditNote:
    """A credit note naming no invoice, as core.accounts.compensation pays a missed deadline."""
    with uow() as u:
        note = CreditNote(number=numbers.credit_note_number(u.session, on.year), contract_id=contract.id,
                          amount=Decimal(amount), reason="Compensație: termen depășit cu 3 zile lucrătoare",
                          issued_by="system", issued_at=datetime.combine(on, datetime.min.time().replace(hour=9), UTC))
        u.session.add(note)
        u.commit()
        u.session.refresh(note)
        return note
