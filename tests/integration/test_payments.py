"""Payments at the counter: oldest invoice first unless one is named, overpayment kept as credit,
and a reversal only as a compensating entry."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from core.accounts import allocation
from core.models import Payment, PaymentAllocation
from core.platform.errors import DomainError, PermissionDenied, ValidationFailed
from core.services.payments import register_payment, reverse_payment
from tests.factories import CLERK, SUPERVISOR, invoice_for, make_account, refused


def open_amounts(uow, contract):
    with uow() as u:
        return list(allocation.open_amounts(u.session, contract.id).values())


def two_invoices(uow):
    contract = make_account(uow)
    first = invoice_for(uow, contract, total_kwh=100, issue_date=date(2026, 10, 5))
    second = invoice_for(uow, contract, total_kwh=300, issue_date=date(2026, 11, 5))
    return contract, first, second


def test_a_payment_settles_the_oldest_invoice_first(uow):
    contract, first, second = two_invoices(uow)
    register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=str(first.total + 10))
    assert open_amounts(uow, contract) == [Decimal("0.00"), second.total - 10]


def test_a_payment_that_names_an_invoice_settles_that_one_first(uow):
    contract, first, second = two_invoices(uow)
    register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=str(second.total), invoice_id=second.id)
    assert open_amounts(uow, contract) == [first.total, Decimal("0.00")]


def test_an_overpayment_stays_as_credit_and_settles_the_next_invoice(uow):
    contract = make_account(uow)
    first = invoice_for(uow, contract, total_kwh=100, issue_date=date(2026, 10, 5))
    register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=str(first.total + 50))
    with uow() as u:
        assert allocation.balance(u.session, contract.id) == Decimal("-50.00")
    second = invoice_for(uow, contract, total_kwh=300, issue_date=date(2026, 11, 5))
    assert open_amounts(uow, contract) == [Decimal("0.00"), second.total - 50]


def test_a_reversal_is_a_compensating_entry_and_reopens_the_invoice(uow):
    contract, first, _ = two_invoices(uow)
    paid = register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=str(first.total))
    reversal = reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=paid.id, reason="Plată înregistrată greșit")
    assert (reversal.amount, reversal.reverses_id) == (-first.total, paid.id)
    assert reversal.note == "Plată înregistrată greșit"
    with uow() as u:
        shares = [s.amount for s in u.session.exec(select(PaymentAllocation).order_by(PaymentAllocation.id))]
        assert u.session.get(Payment, paid.id).amount == first.total  # the original is untouched
    assert shares == [first.total, -first.total]
    assert open_amounts(uow, contract)[0] == first.total
    with refused(DomainError, "payment.already_reversed"):
        reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=paid.id, reason="din nou")


def test_only_a_supervisor_reverses_a_payment(uow):
    contract, first, _ = two_invoices(uow)
    paid = register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=str(first.total))
    with pytest.raises(PermissionDenied):
        reverse_payment(uow=uow(), actor=CLERK, payment_id=paid.id, reason="x")


@pytest.mark.parametrize("amount", ["10.001", "0", "-3", ""])
def test_a_bad_payment_amount_is_refused(uow, amount):
    contract, _, _ = two_invoices(uow)
    with pytest.raises(ValidationFailed) as failed:
        register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=amount)
    assert set(failed.value.errors) == {"amount"}
