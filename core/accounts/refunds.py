"""The money of a refund: how much credit a closed contract may give back and the negative payment that
records a refund (the refund workflow's guards and effects, in core.workflow, use them).
Only a closed contract's credit is refundable: on an active contract credit settles the next invoices.
Helpers only: the caller's transaction commits."""

from decimal import Decimal

from sqlmodel import Session, select

from core.accounts import allocation
from core.accounts.money import money
from core.accounts.payment_days import add_payment
from core.models import Contract, ContractStatus, Payment, Refund, utcnow
from core.platform import audit
from core.platform.errors import DomainError
from core.platform.row_lock import lock_row
from core.staff.auth import Actor

REFUND_CHANNEL = "refund"
ZERO = Decimal("0.00")


def refundable(session: Session, contract_id: int) -> Decimal:
    """The credit a closed contract may give back: what the account holds beyond what it owes, else 0."""
    contract = session.get(Contract, contract_id)
    if contract is None or contract.status != ContractStatus.CLOSED:
        return ZERO
    return max(-allocation.balance(session, contract_id), ZERO)


def record_refund(session: Session, *, contract: Contract, amount: Decimal, reference: str, actor: Actor) -> Payment:
    """Records money paid back to the holder as a negative payment (channel "refund", not a reversal), in the
    audit trail too. The contract is held until commit first, so two confirmations at once are judged one
    after the other against the credit left, and the second cannot pay it again."""
    lock_row(session, Contract, contract.id)
    amount = money(amount)
    available = refundable(session, contract.id)
    if amount <= 0 or amount > available:
        raise DomainError("refund.above_credit", available=f"{available:.2f}")
    payment = add_payment(session, Payment(contract_id=contract.id, amount=-amount, channel=REFUND_CHANNEL,
                                           reference=reference, paid_at=utcnow(), recorded_by=actor.username))
    audit.record_action(session, actor=actor.username, role=actor.role, action="record_refund",
                        subject=f"payment:{payment.id}",
                        details={"contract": contract.number, "amount": str(amount), "reference": reference})
    allocation.allocate(session, contract.id)  # the settlement rules decide what the negative payment consumes
    return payment


def refund_of(session: Session, case_id: int) -> Refund:
    return session.exec(select(Refund).where(Refund.case_id == case_id)).one()
