"""Whatever happens to an account (invoices, payments, reversals, upheld disputes), its balance is
invoices - payments - credits, allocations never overpay an invoice, and credit never sits idle
beside an unpaid invoice."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from core.accounts import allocation
from core.accounts.money import money
from core.models import CreditNote, Invoice, Payment, PaymentAllocation, utcnow
from core.platform.errors import ValidationFailed
from core.platform.workdays import local_time
from core.services import cases
from core.services.disputes import open_dispute
from core.services.payments import register_payment, reverse_payment
from tests.factories import CLERK, SUPERVISOR, current_version, invoice_for, make_account, valid_cnp

PLACES = itertools.count(1)
cents = st.integers(min_value=1, max_value=60_000).map(lambda c: Decimal(c) / 100)
steps = st.lists(st.one_of(
    st.tuples(st.just("invoice"), st.integers(min_value=10, max_value=900)),
    st.tuples(st.just("pay"), cents, st.booleans()),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("dispute"), st.integers(min_value=1, max_value=100)),
), min_size=1, max_size=10)


def apply(uow, contract, step) -> None:
    today = local_time(utcnow()).date()
    with uow() as u:
        invoices = list(u.session.exec(select(Invoice).where(Invoice.contract_id == contract.id).order_by(Invoice.id)))
        payments = list(u.session.exec(select(Payment).where(Payment.contract_id == contract.id, Payment.amount > 0)))
        owed = allocation.open_amounts(u.session, contract.id)
    if step[0] == "invoice":
        invoice_for(uow, contract, total_kwh=step[1] + len(invoices) * 1000, issue_date=today - timedelta(days=3))
    elif step[0] == "pay":
        named = invoices[-1].id if step[2] and invoices else None
        register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=str(step[1]), invoice_id=named)
    elif step[0] == "reverse" and payments:
        try:
            reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=payments[step[1] % len(payments)].id, reason="x")
        except Exception as err:  # already reversed: refused, and that is part of the behaviour under test
            assert getattr(err, "key", "") == "payment.already_reversed"
    elif step[0] == "dispute":
        target = next((i for i in invoices if owed[i.id] > 0), None)
        if target is None:  # nothing open: a dispute is refused (or there is no invoice to dispute)
            if invoices:
                with pytest.raises(ValidationFailed):
                    open_dispute(uow=uow(), actor=CLERK, invoice_id=invoices[-1].id,
                                 form={"category": "other", "amount": "0.01", "description": "x"})
            return
        amount = max(Decimal("0.01"), (owed[target.id] * step[1] / 100).quantize(Decimal("0.01")))
        case = open_dispute(uow=uow(), actor=CLERK, invoice_id=target.id,
                            form={"category": "other", "amount": str(amount), "description": "x"})
        for trigger, fields in (("start_review", {}), ("uphold", {"amount": str(min(amount, Decimal(500))),
                                                                  "reason": "ok"})):
            cases.fire_trigger(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                               trigger=trigger, actor=CLERK, **fields)


def check_invariants(uow, contract) -> None:
    with uow() as u:
        s = u.session
        invoiced = s.exec(select(func.coalesce(func.sum(Invoice.total), 0))
                          .where(Invoice.contract_id == contract.id)).one()
        paid = s.exec(select(func.coalesce(func.sum(Payment.amount), 0))
                      .where(Payment.contract_id == contract.id)).one()
        credited = s.exec(select(func.coalesce(func.sum(CreditNote.amount), 0))
                          .where(CreditNote.contract_id == contract.id)).one()
        assert allocation.balance(s, contract.id) == money(invoiced) - money(paid) - money(credited)
        owed = allocation.open_amounts(s, contract.id)
        for invoice in s.exec(select(Invoice).where(Invoice.contract_id == contract.id)):
            shares = money(s.exec(select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
                                          .where(PaymentAllocation.invoice_id == invoice.id)).one())
            assert Decimal(0) <= shares <= invoice.total
        credit = allocation.unallocated(s, contract.id)
        assert credit >= 0
        assert credit == 0 or all(amount <= 0 for amount in owed.values())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_the_ledger_stays_consistent_after_any_sequence_of_payments_disputes_and_credits(uow, sequence):
    n = next(PLACES)
    contract = make_account(uow, pod=f"RO009E{n:09d}", national_id=valid_cnp(f"1900101{n % 100000:05d}"))
    for step in sequence:
        apply(uow, contract, step)
        check_invariants(uow, contract)
