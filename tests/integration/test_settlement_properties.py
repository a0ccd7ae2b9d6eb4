"""Whatever happens to an account — estimates, regularisations and final invoices (negative and zero
ones too), payments, reversals, refunds, disputes left open or upheld — after every step the settlement
invariants hold (tests.settlement_invariants): the balance is invoices - payments - credits, no open
amount is negative, no source hands out more than it has, overdue and penalties leave out disputed and
settled amounts, and allocating again changes nothing."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from core.accounts import allocation, billing
from core.accounts.money import money
from core.accounts.payment_days import add_payment
from core.models import Case, Contract, Invoice, InvoiceKind, Payment, utcnow
from core.platform.errors import DomainError, ValidationFailed
from core.platform.workdays import local_time
from core.services import cases
from core.services.disputes import open_dispute
from core.services.payments import register_payment, reverse_payment
from tests.factories import CLERK, SUPERVISOR, current_version, make_account, valid_cnp
from tests.settlement_invariants import check_contract

PLACES = itertools.count(1)
cents = st.integers(min_value=1, max_value=80_000).map(lambda c: Decimal(c) / 100)
percent = st.integers(min_value=1, max_value=100)
steps = st.lists(st.one_of(
    st.tuples(st.just("estimate"), st.integers(min_value=-50, max_value=700), st.integers(0, 120)),
    st.tuples(st.sampled_from(["regularisation", "final"]), st.integers(min_value=-900, max_value=700),
              st.integers(0, 120)),
    st.tuples(st.just("pay"), cents, st.booleans()),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("refund"), percent),
    st.tuples(st.just("dispute"), percent, st.booleans()),
), min_size=1, max_size=9)


def today():
    return local_time(utcnow()).date()


def bill(uow, contract: Contract, kind: str, kwh: int, age: int) -> None:
    """An invoice `age` days old of `kwh` over the last billed index (an estimate never bills below zero, a
    regularisation or final invoice never goes below the last reading)."""
    with uow() as u:
        live = u.session.get(Contract, contract.id)
        last = u.session.exec(select(Invoice.new_index).where(Invoice.contract_id == contract.id)
                              .order_by(Invoice.issue_date.desc(), Invoice.id.desc())).first()
        day = today() - timedelta(days=age)
        index = (live.start_index if last is None else last) + kwh
        if kind != "estimate":  # a real index is never below the last one read: it credits estimates at most
            index = max(index, billing.meter_history(u.session, live).last_read_index)
        invoice = billing.issue_invoice(u.session, contract=live, period_start=day - timedelta(days=30), period_end=day,
                                        new_index=index,
                                        kind=InvoiceKind(kind), issue_date=day, issued_by="billing")
        u.commit()
    assert invoice.total >= 0 or kind != "estimate"


def refund(uow, contract: Contract, pct: int) -> None:
    """Pays back part of the account's credit, as the refund workflow records it (a payment below zero
    that reverses nothing); with no credit there is nothing to pay back."""
    with uow() as u:
        credit = allocation.unallocated(u.session, contract.id)
        if credit <= 0:
            assert allocation.credits_left(u.session, contract.id) == []
            return
        amount = max(Decimal("0.01"), money(credit * pct / 100))  # 1% .. all of it, never more
        add_payment(u.session, Payment(contract_id=contract.id, amount=-amount, channel="refund",
                                       reference=f"RF-{contract.id}-{utcnow():%H%M%S%f}", recorded_by="supervisor"))
        u.commit()


def dispute(uow, contract: Contract, pct: int, uphold: bool) -> None:
    """Disputes part of the newest open invoice not already disputed, then upholds it or leaves it open;
    when no invoice can be disputed, the dispute is refused."""
    with uow() as u:
        owed = allocation.open_amounts(u.session, contract.id)
        busy = set(u.session.exec(select(Case.invoice_id).where(Case.closed_at.is_(None))))
        newest = u.session.exec(select(Invoice).where(Invoice.contract_id == contract.id)
                                .order_by(Invoice.issue_date.desc(), Invoice.id.desc())).all()
    target = next((i for i in newest if owed[i.id] > 0 and i.id not in busy and (today() - i.issue_date).days <= 30),
                  None)
    if target is None:
        if newest:
            with pytest.raises(ValidationFailed):
                open_dispute(uow=uow(), actor=CLERK, invoice_id=newest[0].id,
                             form={"category": "other", "amount": "0.01", "description": "x"})
        return
    amount = max(Decimal("0.01"), money(owed[target.id] * pct / 100))
    case = open_dispute(uow=uow(), actor=CLERK, invoice_id=target.id,
                        form={"category": "other", "amount": str(amount), "description": "x"})
    if uphold:
        for trigger, fields in (("start_review", {}), ("uphold", {"amount": str(min(amount, Decimal(500))),
                                                                  "reason": "ok"})):
            cases.fire_trigger(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                               trigger=trigger, actor=CLERK, **fields)


def apply(uow, contract: Contract, step: tuple) -> None:
    kind = step[0]
    if kind in ("estimate", "regularisation", "final"):
        bill(uow, contract, kind, step[1], step[2])
    elif kind == "pay":
        with uow() as u:
            named = u.session.exec(select(Invoice.id).where(Invoice.contract_id == contract.id)
                                   .order_by(Invoice.id.desc())).first() if step[2] else None
        register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=str(step[1]), invoice_id=named)
    elif kind == "reverse":
        with uow() as u:
            payments = u.session.exec(select(Payment.id).where(Payment.contract_id == contract.id,
                                                               Payment.amount > 0).order_by(Payment.id)).all()
        if not payments:
            return
        try:
            reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=payments[step[1] % len(payments)], reason="x")
        except DomainError as err:  # reversed before: refused, and that is part of the behaviour under test
            assert err.key == "payment.already_reversed"
    elif kind == "refund":
        refund(uow, contract, step[1])
    else:
        dispute(uow, contract, step[1], step[2])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_after_every_step_of_any_sequence_the_settlement_invariants_hold(uow, sequence):
    n = next(PLACES)
    contract = make_account(uow, pod=f"RO007E{n:09d}", national_id=valid_cnp(f"1900101{n % 100000:05d}"))
    check_contract(uow, contract.id)
    for step in sequence:
        apply(uow, contract, step)
        check_contract(uow, contract.id)
