"""How money received settles invoices. A payment pays the invoice it names first, then the oldest
unpaid ones; what is left stays as credit on the account and settles the next invoices. Every share
is a PaymentAllocation row; nothing is edited or deleted (a reversal adds negative rows).
Helpers only: the caller's transaction commits."""

from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from core.models import Contract, CreditNote, Invoice, Payment, PaymentAllocation
from core.money import money
from core.row_lock import lock_row


def _sum(column, *where):
    return select(func.coalesce(func.sum(column), 0)).where(*where).scalar_subquery()


def balance(session: Session, contract_id: int) -> Decimal:
    """What the holder owes on a contract today: invoiced minus paid minus credited (negative is
    credit), in one round trip. The one place the balance is computed."""
    owed = session.exec(select(_sum(Invoice.total, Invoice.contract_id == contract_id)
                               - _sum(Payment.amount, Payment.contract_id == contract_id)
                               - _sum(CreditNote.amount, CreditNote.contract_id == contract_id))).one()
    return money(owed)


def allocated_to(invoice_id):
    """SQL: what payments have settled on the invoice (a correlated sum on an indexed column)."""
    return _sum(PaymentAllocation.amount, PaymentAllocation.invoice_id == invoice_id)


def credited_to(invoice_id):
    """SQL: what credit notes have taken off the invoice."""
    return _sum(CreditNote.amount, CreditNote.invoice_id == invoice_id)


def open_amounts(session: Session, contract_id: int) -> dict[int, Decimal]:
    """Invoice id -> what is still to pay on it (total - allocated - credited), oldest first.
    Correlated sums on indexed columns: one contract's invoices, never a whole table."""
    rows = session.exec(
        select(Invoice.id, Invoice.total, allocated_to(Invoice.id), credited_to(Invoice.id))
        .where(Invoice.contract_id == contract_id).order_by(Invoice.issue_date, Invoice.id)).all()
    return {invoice_id: money(Decimal(str(total)) - Decimal(str(paid)) - Decimal(str(credited)))
            for invoice_id, total, paid, credited in rows}


def unallocated(session: Session, contract_id: int) -> Decimal:
    """Money received on the contract and not yet applied to any invoice (the account's credit)."""
    received = _sum(Payment.amount, Payment.contract_id == contract_id)
    applied = (select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
               .join(Payment, Payment.id == PaymentAllocation.payment_id)
               .where(Payment.contract_id == contract_id).scalar_subquery())
    return money(session.exec(select(received - applied)).one())


def allocate(session: Session, contract_id: int, first_invoice_id: int | None = None) -> list[PaymentAllocation]:
    """Applies the account's unallocated money to open invoices: `first_invoice_id` first, then the
    oldest. Each share is taken from the oldest payments that still have money left. The contract is held
    until commit first, so money recorded at the same moment (counter, card, a reversal) is allocated
    one after the other, never twice onto the same open amount."""
    lock_row(session, Contract, contract_id)
    available = unallocated(session, contract_id)
    if available <= 0:
        return []
    owed = {i: amount for i, amount in open_amounts(session, contract_id).items() if amount > 0}
    order = sorted(owed, key=lambda i: (i != first_invoice_id, list(owed).index(i)))
    sources = _payments_with_money_left(session, contract_id)
    made = []
    for invoice_id in order:
        need = owed[invoice_id]
        while need > 0 and sources:
            payment_id, left = sources[0]
            share = min(need, left)
            made.append(PaymentAllocation(payment_id=payment_id, invoice_id=invoice_id, amount=share))
            need -= share
            if share == left:
                sources.pop(0)
            else:
                sources[0] = (payment_id, left - share)
        if not sources:
            break
    session.add_all(made)
    session.flush()
    return made


def _payments_with_money_left(session: Session, contract_id: int) -> list[tuple[int, Decimal]]:
    """Payments (not reversals, not reversed) with part of their amount still unallocated, oldest first."""
    reversal = aliased(Payment)
    rows = session.exec(
        select(Payment.id, Payment.amount, _sum(PaymentAllocation.amount, PaymentAllocation.payment_id == Payment.id))
        .where(Payment.contract_id == contract_id, Payment.amount > 0,
               ~select(reversal.id).where(reversal.reverses_id == Payment.id).exists())
        .order_by(Payment.paid_at, Payment.id)).all()
    left = [(pid, money(Decimal(str(amount)) - Decimal(str(used)))) for pid, amount, used in rows]
    return [(pid, amount) for pid, amount in left if amount > 0]
