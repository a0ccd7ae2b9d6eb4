"""The settlement invariants of one contract, checked against the database independently of
core.accounts.allocation where they can be: used by the property tests and by the whole-seed test."""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import select

from core.accounts import allocation, penalties
from core.accounts.ledger import InvoiceStatus, account_ledger
from core.accounts.money import money
from core.accounts.payment_days import local_day
from core.models import CreditNote, Invoice, Payment, PaymentAllocation, PaymentDay
from tests.factories import CLERK

ZERO = Decimal("0.00")


def _total(session, column, *where) -> Decimal:
    return money(session.exec(select(func.coalesce(func.sum(column), 0)).where(*where)).one())


def check_payment_days(session) -> None:
    """The daily payments summary holds exactly the payments, counted and summed per local day and channel."""
    expected = defaultdict(lambda: [0, ZERO])
    for paid_at, channel, amount in session.exec(select(Payment.paid_at, Payment.channel, Payment.amount)):
        expected[local_day(paid_at), channel][0] += 1
        expected[local_day(paid_at), channel][1] += money(amount)
    kept = {(d.day, d.channel): [d.payments, money(d.amount)] for d in session.exec(select(PaymentDay))}
    assert kept == dict(expected)


def check_contract(uow, contract_id: int) -> None:
    """Balance, open amounts (the maintained column too), the daily payments summary, what each source
    handed out, overdue and penalties, and that allocating again changes nothing."""
    with uow() as u:
        s = u.session
        invoiced = _total(s, Invoice.total, Invoice.contract_id == contract_id)
        paid = _total(s, Payment.amount, Payment.contract_id == contract_id)
        credited = _total(s, CreditNote.amount, CreditNote.contract_id == contract_id)
        balance = allocation.balance(s, contract_id)
        assert balance == invoiced - paid - credited
        owed = allocation.open_amounts(s, contract_id)
        assert all(amount >= 0 for amount in owed.values()), owed
        invoices = {i.id: i for i in s.exec(select(Invoice).where(Invoice.contract_id == contract_id))}
        rows = s.exec(select(PaymentAllocation).where(PaymentAllocation.invoice_id.in_(invoices))).all()
        for row in rows:  # the target is a positive invoice of the contract; exactly one source
            assert invoices[row.invoice_id].total > 0
            assert [row.payment_id, row.credit_note_id, row.credit_invoice_id].count(None) == 2
        for invoice in invoices.values():
            settled = sum((r.amount for r in rows if r.invoice_id == invoice.id), ZERO)
            assert owed[invoice.id] == money(invoice.open_amount) == max(invoice.total, ZERO) - settled
            if invoice.total < 0:  # a credit invoice hands out at most its amount
                given = _total(s, PaymentAllocation.amount, PaymentAllocation.credit_invoice_id == invoice.id)
                assert ZERO <= given <= -invoice.total
        for payment in s.exec(select(Payment).where(Payment.contract_id == contract_id)):
            given = _total(s, PaymentAllocation.amount, PaymentAllocation.payment_id == payment.id)
            if payment.reverses_id is not None:  # a reversal takes back at most what its original gave
                assert payment.amount <= given <= ZERO
            else:  # a payment gives at most its amount; a refund gives nothing
                assert ZERO <= given <= max(payment.amount, ZERO)
        for note in s.exec(select(CreditNote).where(CreditNote.contract_id == contract_id)):
            given = _total(s, PaymentAllocation.amount, PaymentAllocation.credit_note_id == note.id)
            assert ZERO <= given <= note.amount
        credit = allocation.unallocated(s, contract_id)
        assert credit == sum(owed.values(), ZERO) - balance  # every leu is owed, settled or credit
        free = sum((c.left for c in allocation.credits_left(s, contract_id)), ZERO)
        assert free == max(credit, ZERO)
        assert free == 0 or all(amount == 0 for amount in owed.values())  # credit never idles beside a debt
        assert allocation.allocate(s, contract_id) == []  # allocating again creates nothing
        check_payment_days(s)
    ledger = account_ledger(uow=uow(), actor=CLERK, contract_id=contract_id)
    assert ledger.balance == balance == (ledger.entries[-1].balance if ledger.entries else ZERO)
    expected_overdue = ZERO
    for state in ledger.invoices:
        assert state.open_amount == owed[state.invoice_id]
        if state.total < 0:
            assert state.status == InvoiceStatus.CREDIT
        if state.open_amount == 0:  # settled: never late, never charged
            assert state.days_overdue == 0 and state.penalty == 0
        elif state.days_overdue > 0:
            expected_overdue += state.open_amount - min(state.disputed, state.open_amount)
        assert state.penalty == penalties.invoice_penalty(state.open_amount, state.due_date, ledger.as_of,
                                                          disputed=state.disputed)
    assert ledger.overdue == expected_overdue  # never the disputed part, never a settled invoice
    if balance <= 0:
        assert ledger.overdue == 0 and ledger.penalty == 0
