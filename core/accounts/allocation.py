"""How money settles invoices: the one module that knows it. Every credit on an account (a payment, a
credit note, a credit invoice: a regularisation or final invoice with a negative total) settles open
invoices the same way: the invoice it names first, then the oldest open ones; what is left stays as
credit on the account and settles the next invoices. A refund (a payment below zero that reverses
nothing) takes money out of that credit, from the oldest sources first.

Every share is a PaymentAllocation row naming its one source; nothing is edited or deleted (a payment
reversal adds negative rows). Each invoice keeps what is still to pay on it (`open_amount`), moved by the
same helper that writes the rows. Helpers only: the caller's transaction commits. Every query filters one
contract on indexed columns."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import func, literal_column, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from core.accounts.money import money
from core.models import Contract, CreditNote, Invoice, Payment, PaymentAllocation
from core.platform.row_lock import lock_row

ZERO = Decimal("0.00")
_REVERSAL = aliased(Payment)  # made once: aliased() builds a column collection on each call (0.35 ms)


def _sum(column, *where):
    return select(func.coalesce(func.sum(column), 0)).where(*where).scalar_subquery()


def balance(session: Session, contract_id: int) -> Decimal:
    """What the holder owes on a contract today: invoiced minus paid minus credited (negative is
    credit), in one round trip. The one place the balance is computed."""
    owed = session.exec(select(_sum(Invoice.total, Invoice.contract_id == contract_id)
                               - _sum(Payment.amount, Payment.contract_id == contract_id)
                               - _sum(CreditNote.amount, CreditNote.contract_id == contract_id))).one()
    return money(owed)


def is_open():
    """SQL: an invoice with something still to pay. Written as the partial index ix_invoice_open_due's own
    predicate, with a literal 0, so SQLite (which cannot see through a bound parameter) uses the index."""
    return Invoice.open_amount > literal_column("0")


def settled_since(start: datetime):
    """SQL subquery (invoice_id, amount): what settled each invoice from `start` on, for reports as of a
    past day: what was open then is the open amount now plus this (the rows are never edited, so their
    time stamps tell)."""
    return (select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount).label("amount"))
            .where(PaymentAllocation.created_at >= start).group_by(PaymentAllocation.invoice_id).subquery())


def open_amounts(session: Session, contract_id: int) -> dict[int, Decimal]:
    """Invoice id -> what is still to pay on it (its total less what settled it), oldest first; zero
    for a credit invoice. The maintained column (see `write_shares`), one indexed query."""
    rows = session.exec(select(Invoice.id, Invoice.open_amount).where(Invoice.contract_id == contract_id)
                        .order_by(Invoice.issue_date, Invoice.id)).all()
    return {invoice_id: money(amount) for invoice_id, amount in rows}


def opening_amount(total: Decimal) -> Decimal:
    """An invoice's open amount when issued: all of it, or nothing for a credit invoice (its money is a
    source, not a debt)."""
    return max(money(total), ZERO)


def write_shares(session: Session, shares: list[PaymentAllocation]) -> None:
    """The one writer of allocation rows: adds them and lowers each invoice's open amount by what they
    settled (a negative share, a reversal, raises it), one UPDATE per invoice in the same transaction, so
    an open amount is always its invoice's total less its allocations. Rounded to the cent in SQL: SQLite
    keeps these columns as binary floats, and 0.1 + 0.2 must still leave exactly 0 open."""
    session.add_all(shares)
    session.flush()
    moved = defaultdict(Decimal)
    for share in shares:
        moved[share.invoice_id] += share.amount
    for invoice_id, amount in moved.items():
        session.execute(update(Invoice).where(Invoice.id == invoice_id)
                        .values(open_amount=func.round(Invoice.open_amount - amount, 2))
                        .execution_options(synchronize_session="fetch"))


@dataclass(frozen=True)
class Credit:
    """One source of money on an account and what of it is still free to settle invoices."""

    column: str  # the allocation column naming the source: payment_id, credit_note_id, credit_invoice_id
    id: int
    at: datetime  # when the money arrived (naive UTC), for oldest-first
    invoice_id: int | None  # the invoice it settles first, if it names one
    left: Decimal


def unallocated(session: Session, contract_id: int) -> Decimal:
    """The account's credit: money from every source not yet applied to an invoice, less refunds paid
    out of it. Below zero only when a payment that a refund used was reversed afterwards."""
    return money(sum((c.left for c in _credits(session, contract_id)), ZERO) - _refunded(session, contract_id))


def credits_left(session: Session, contract_id: int) -> list[Credit]:
    """The sources with money still free, oldest first, after refunds took theirs from the oldest."""
    refunded, free = _refunded(session, contract_id), []
    for credit in _credits(session, contract_id):
        taken = min(refunded, credit.left)
        refunded -= taken
        if credit.left > taken:
            free.append(Credit(credit.column, credit.id, credit.at, credit.invoice_id, credit.left - taken))
    return free


def allocate(session: Session, contract_id: int, first_invoice_id: int | None = None) -> list[PaymentAllocation]:
    """Applies the account's free credit to open invoices: `first_invoice_id` first, then the oldest.
    Each invoice takes first from the credits naming it (a credit note its own invoice), then from the
    oldest. Never hands out more than the account's credit; calling it again creates nothing. The
    contract is held until commit first, so money recorded at the same moment (counter, card, a
    reversal) is allocated one after the other, never twice onto the same open amount."""
    lock_row(session, Contract, contract_id)
    free = [[credit, credit.left] for credit in credits_left(session, contract_id)]
    if not free:
        return []
    owed = {i: amount for i, amount in open_amounts(session, contract_id).items() if amount > 0}
    made = []
    for invoice_id in sorted(owed, key=lambda i: i != first_invoice_id):  # stable: oldest first after it
        need = owed[invoice_id]
        for source in sorted(free, key=lambda s: s[0].invoice_id != invoice_id):
            share = min(need, source[1])
            if share <= 0:
                continue
            made.append(PaymentAllocation(**{source[0].column: source[0].id}, invoice_id=invoice_id, amount=share))
            source[1] -= share
            need -= share
            if need == 0:
                break
        free = [source for source in free if source[1] > 0]
        if not free:
            break
    write_shares(session, made)
    return made


def _naive_utc(moment: datetime | date) -> datetime:
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time.min)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _credits(session: Session, contract_id: int) -> list[Credit]:
    """Every source with part of its amount not yet allocated, oldest first: payments (not reversals,
    not reversed), credit notes, credit invoices. Three indexed per-contract queries."""
    reversal = _REVERSAL
    payments = session.exec(
        select(Payment.id, Payment.paid_at, Payment.amount, _sum(PaymentAllocation.amount,
                                                                  PaymentAllocation.payment_id == Payment.id))
        .where(Payment.contract_id == contract_id, Payment.amount > 0,
               ~select(reversal.id).where(reversal.reverses_id == Payment.id).exists())).all()
    notes = session.exec(
        select(CreditNote.id, CreditNote.issued_at, CreditNote.amount,
               _sum(PaymentAllocation.amount, PaymentAllocation.credit_note_id == CreditNote.id), CreditNote.invoice_id)
        .where(CreditNote.contract_id == contract_id, CreditNote.amount > 0)).all()
    invoices = session.exec(
        select(Invoice.id, Invoice.issue_date, -Invoice.total,
               _sum(PaymentAllocation.amount, PaymentAllocation.credit_invoice_id == Invoice.id))
        .where(Invoice.contract_id == contract_id, Invoice.total < 0)).all()
    found = [*(Credit("credit_invoice_id", i, _naive_utc(on), None, _left(amount, used))
               for i, on, amount, used in invoices),
             *(Credit("payment_id", i, _naive_utc(at), None, _left(amount, used)) for i, at, amount, used in payments),
             *(Credit("credit_note_id", i, _naive_utc(at), invoice_id, _left(amount, used))
               for i, at, amount, used, invoice_id in notes)]
    rank = {"credit_invoice_id": 0, "payment_id": 1, "credit_note_id": 2}  # on the same moment
    return sorted((c for c in found if c.left > 0), key=lambda c: (c.at, rank[c.column], c.id))


def _left(amount, used) -> Decimal:
    return money(Decimal(str(amount)) - Decimal(str(used)))


def _refunded(session: Session, contract_id: int) -> Decimal:
    """Money paid back to the holder: refunds are payments below zero that reverse nothing."""
    total = session.exec(select(func.coalesce(func.sum(Payment.amount), 0))
                         .where(Payment.contract_id == contract_id, Payment.amount < 0,
                                col(Payment.reverses_id).is_(None))).one()
    return money(-Decimal(str(total)))
