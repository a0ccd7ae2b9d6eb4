"""The money of a refund: how much credit a closed contract may give back, the negative payment that
records a refund, and the workflow's refund guards and effects (registered in core.guards / core.effects).
Only a closed contract's credit is refundable: on an active contract credit settles the next invoices.
Helpers only: the caller's transaction commits."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from core import allocation, audit
from core.auth import Actor
from core.config import settings
from core.errors import DomainError, TransitionRefused
from core.models import Contract, ContractStatus, Customer, Invoice, InvoiceKind, Payment, Refund, utcnow
from core.money import money
from core.outbox import queue_email
from core.payment_days import add_payment
from core.row_lock import lock_row

if TYPE_CHECKING:
    from core.guards import GuardContext

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


# Guards. While an action is only listed there is no amount yet, so the amount guards let it be offered.
def refund_within_credit(ctx: GuardContext) -> str | None:
    """Never more than the contract's refundable credit: the amount typed when proposed, the proposed amount
    when approved (a fired trigger always carries fields, at least the reason; a listed one none)."""
    amount = (ctx.fields.get("amount") or ctx.case.credit_amount) if ctx.fields else None
    if amount is None:
        return None
    return "guard.refund_above_credit" if amount > refundable(ctx.session, ctx.case.old_contract_id) else None


def refund_within_threshold(ctx: GuardContext) -> str | None:
    """Above the threshold a refund is proposed, and a supervisor other than the proposer approves it."""
    amount = ctx.fields.get("amount")
    above = amount is not None and amount > settings.refund_approval_threshold
    return "guard.refund_needs_approval" if above else None


# Effects.
def record_refund_payment(ctx: GuardContext) -> dict:
    """The bank confirmed the transfer: the refund becomes a negative payment, once per case."""
    session, case = ctx.session, ctx.case
    contract = lock_row(session, Contract, case.old_contract_id)
    refund = lock_row(session, Refund, refund_of(session, case.id).id)
    if refund.payment_id is not None:
        raise TransitionRefused("refund.already_paid")
    payment = record_refund(session, contract=contract, amount=case.credit_amount,
                            reference=f"refund:{case.registration_number}", actor=ctx.actor)
    refund.payment_id = payment.id
    session.add(refund)
    session.flush()
    return {"refund_payment": payment.reference, "refunded": str(-payment.amount)}


def note_refund_amount(ctx: GuardContext) -> dict:
    """The approved amount, as the customer's message says it."""
    from core.ledger import format_lei  # core.ledger reads through core.queries, which loads the engine

    return {"refund_amount": format_lei(ctx.case.credit_amount)}


def email_final_invoice(ctx: GuardContext) -> dict:
    """A handover closed the old contract: its holder gets the final invoice and what happens next, a refund
    asked online when it leaves credit, or the payment due date when it leaves a debt."""
    from core.ledger import format_lei  # core.ledger reads through core.queries, which loads the engine

    session, case = ctx.session, ctx.case
    if case.old_contract_id is None:
        return {}
    old = session.get(Contract, case.old_contract_id)
    holder = session.get(Customer, old.customer_id)
    final = session.exec(select(Invoice).where(Invoice.contract_id == old.id, Invoice.kind == InvoiceKind.FINAL)
                         .order_by(Invoice.id.desc())).first()
    if final is None or not holder.email:
        return {}
    balance = allocation.balance(session, old.id)
    outcome = "credit" if balance < 0 else "debt" if balance > 0 else "settled"
    queue_email(session, recipient=holder.email, template=f"refund.final_invoice_{outcome}", case_id=case.id,
                name=holder.name, contract_number=old.number, invoice_number=final.invoice_number,
                series=final.series, total=format_lei(final.total), balance=format_lei(abs(balance)),
                due_date=final.due_date.strftime("%d.%m.%Y"), link=settings.public_url("/invoice_copy"),
                payment_code=old.payment_code)
    return {"final_invoice_email": outcome}


GUARDS = {fn.__name__: fn for fn in (refund_within_credit, refund_within_threshold)}
EFFECTS = {fn.__name__: fn for fn in (note_refund_amount, record_refund_payment, email_final_invoice)}
