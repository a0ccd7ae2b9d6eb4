"""Refund test data through the real services: a holder change whose final invoice leaves credit."""

from decimal import Decimal

from sqlmodel import select

from core.accounts import allocation
from core.models import Case, Contract, Invoice, InvoiceKind
from core.services import cases
from core.services.payments import register_payment
from core.services.refunds import request_refund
from tests.factories import (
    CLERK,
    OLD_HOLDER_CNP,
    SUPERVISOR,
    SUPERVISOR2,
    current_version,
    fire,
    invoice_for,
    make_account,
    register_case,
    review_all,
)

GOOD_IBAN = "RO49 AAAA 1B31 0075 9384 0000"
# 200 kWh estimated and paid (179,08 lei), then handed over at 1100: the final invoice bills -100 kWh
CREDIT = Decimal("89.54")


def handed_over_with_credit(uow, pod: str = "RO005E512345678", estimated_kwh: int = 200,
                            national_id: str = OLD_HOLDER_CNP) -> Contract:
    """The old holder's contract, closed by a handover whose final invoice is negative after a paid estimate
    (the handover index is 100 kWh above the start, below the estimated index)."""
    contract = make_account(uow, pod=pod, national_id=national_id)
    estimate = invoice_for(uow, contract, total_kwh=estimated_kwh)
    register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=str(estimate.total),
                     invoice_id=estimate.id)
    case = register_case(uow, contract, handover_index="1100", pod=pod)
    review_all(uow, case.id)
    fire(uow, case.id, "verify_documents", SUPERVISOR)
    fire(uow, case.id, "issue_contract", SUPERVISOR2)
    with uow() as u:
        return u.session.get(Contract, contract.id)


def final_invoice(uow, contract: Contract) -> Invoice:
    with uow() as u:
        return u.session.exec(select(Invoice).where(Invoice.contract_id == contract.id,
                                                    Invoice.kind == InvoiceKind.FINAL)).one()


def balance(uow, contract: Contract) -> Decimal:
    with uow() as u:
        return allocation.balance(u.session, contract.id)


def ask(uow, contract: Contract, actor, iban: str = GOOD_IBAN, holder: str = "Popescu Ion", **extra) -> Case:
    return request_refund(uow=uow(), actor=actor, contract_id=contract.id,
                          form={"iban": iban, "holder_name": holder, **extra})


def move(uow, case: Case, trigger: str, actor, **fields) -> Case:
    return cases.fire_trigger(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                              trigger=trigger, actor=actor, **fields)
