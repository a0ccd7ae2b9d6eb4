"""The ledger and workflow invariants, checked on a random sample re-read through the services after a
load: what a clerk would see must add up whichever way the data was written."""

import random
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from core.accounts import allocation
from core.accounts.ledger import account_ledger
from core.models import Case, Contract, CreditNote, Invoice, Payment, PaymentAllocation, Role
from core.platform import audit
from core.platform.db import UnitOfWork
from core.staff.auth import Actor
from core.workflow.registry import workflow_of

CHECKER = Actor("supervisor", Role.SUPERVISOR, "Verificare")
ZERO = Decimal("0.00")


def check_sample(engine: Engine, *, size: int = 200, seed: int = 1) -> list[str]:
    """Problems found on `size` random contracts and cases, and in the whole audit chain; empty when sound."""
    rng = random.Random(seed)
    with UnitOfWork(engine) as uow:
        contract_ids = list(uow.session.exec(select(Contract.id)))
        case_ids = list(uow.session.exec(select(Case.id)))
    problems = []
    for contract_id in rng.sample(contract_ids, min(size, len(contract_ids))):
        problems += check_contract(engine, contract_id)
    for case_id in rng.sample(case_ids, min(size, len(case_ids))):
        problems += check_case(engine, case_id)
    with engine.connect() as connection:
        verification = audit.verify(connection)
    if not verification.ok:
        problems.append(verification.describe())
    return problems


def check_contract(engine: Engine, contract_id: int) -> list[str]:
    """The ledger's balance is invoices − payments − credit notes; every open amount is ≥ 0 and equals the
    invoice's total less its allocations (and the stored open amount); no source hands out more than it has."""
    ledger = account_ledger(uow=UnitOfWork(engine), actor=CHECKER, contract_id=contract_id)
    problems = []
    with UnitOfWork(engine) as uow:
        s = uow.session
        def total(column, owner):
            return Decimal(str(s.exec(select(func.coalesce(func.sum(column), 0)).where(owner == contract_id)).one()))

        invoiced, paid = total(Invoice.total, Invoice.contract_id), total(Payment.amount, Payment.contract_id)
        credited = total(CreditNote.amount, CreditNote.contract_id)
        expected = invoiced - paid - credited
        if ledger.balance != expected:
            problems.append(f"contract {contract_id}: ledger balance {ledger.balance} != {expected}")
        stored = dict(s.exec(select(Invoice.id, Invoice.open_amount).where(Invoice.contract_id == contract_id)).all())
        for invoice_id, amount in allocation.open_amounts(s, contract_id).items():
            if amount < ZERO:
                problems.append(f"invoice {invoice_id}: open amount {amount} below zero")
            if Decimal(str(stored[invoice_id])) != amount:
                problems.append(f"invoice {invoice_id}: stored open amount {stored[invoice_id]} != {amount}")
        payments = s.exec(select(Payment.id, Payment.amount, func.coalesce(func.sum(PaymentAllocation.amount), 0))
                          .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
                          .where(Payment.contract_id == contract_id).group_by(Payment.id, Payment.amount)).all()
        credits = s.exec(select(Invoice.id, -Invoice.total, func.coalesce(func.sum(PaymentAllocation.amount), 0))
                         .join(PaymentAllocation, PaymentAllocation.credit_invoice_id == Invoice.id)
                         .where(Invoice.contract_id == contract_id).group_by(Invoice.id, Invoice.total)).all()
        for source_id, amount, used in [*payments, *credits]:
            if Decimal(str(used)) > Decimal(str(amount)):
                problems.append(f"source {source_id}: allocated {used} of {amount}")
    return problems


def check_case(engine: Engine, case_id: int) -> list[str]:
    """A case's state belongs to its workflow, it is closed exactly when that state is final, and its audit
    trail ends in that state."""
    with UnitOfWork(engine) as uow:
        case = uow.session.get(Case, case_id)
        wf = workflow_of(case)
        last = uow.session.exec(select(audit.AuditEvent.to_state).where(audit.AuditEvent.case_id == case_id)
                                .order_by(audit.AuditEvent.seq.desc()).limit(1)).first()
    problems = []
    if case.state not in map(str, wf.states):
        problems.append(f"case {case_id}: state {case.state} is not a {wf.name} state")
    if (case.closed_at is not None) != (case.state in map(str, wf.final_states)):
        problems.append(f"case {case_id}: closed_at {case.closed_at} in state {case.state}")
    if last != case.state:
        problems.append(f"case {case_id}: audit trail ends in {last}, the case is {case.state}")
    return problems
