"""Money received at the counter, and the only way to undo a payment: a compensating entry."""

from sqlmodel import select

from core.accounts import allocation
from core.accounts.billing import record_payment
from core.accounts.payment_days import add_payment
from core.models import Contract, Invoice, Payment, PaymentAllocation, Role, utcnow
from core.models.accounts import REVERSAL_SUFFIX
from core.platform import audit, numbers, validation
from core.platform.errors import DomainError, NotFound, ValidationFailed
from core.platform.row_lock import lock_row
from core.platform.validation import FieldError
from core.staff.auth import Actor, require_role

STAFF = (Role.CLERK, Role.SUPERVISOR)


def reversal_reference(reference: str) -> str:
    """The original's full reference and the suffix: the column holds both (models.accounts)."""
    return f"{reference}{REVERSAL_SUFFIX}"


def register_payment(*, uow, actor: Actor, contract_id: int, amount, channel: str = "counter",
                     invoice_id: int | None = None) -> Payment:
    """Records money received; it pays the named invoice first, then the oldest, the rest is credit."""
    require_role(actor, STAFF)
    try:
        value = validation.amount(amount)
    except FieldError as err:
        raise ValidationFailed({"amount": (err.key, err.params)}) from None
    with uow:
        contract = uow.session.get(Contract, contract_id)
        if contract is None:
            raise NotFound()
        if invoice_id is not None:
            invoice = uow.session.get(Invoice, invoice_id)
            if invoice is None or invoice.contract_id != contract_id:
                raise ValidationFailed({"invoice": ("payment.invoice_other_contract", {})})
        reference = f"CASA-{utcnow():%Y%m%d}-{numbers.next_number(uow.session, 'counter-payment'):07d}"
        payment = record_payment(uow.session, contract=contract, amount=value, channel=channel,
                                 reference=reference, invoice_id=invoice_id, actor=actor)
        uow.commit()
        return payment


def reverse_payment(*, uow, actor: Actor, payment_id: int, reason: str) -> Payment:
    """A supervisor undoes a payment recorded in error: a negative payment and negative allocation rows
    mirror the original; nothing is edited or deleted."""
    require_role(actor, (Role.SUPERVISOR,))
    try:
        reason = validation.clean_text(reason, max_length=validation.REVERSAL_REASON_MAX, multiline=True)
    except FieldError as err:
        key = "engine.requires_reason" if err.key == "validation.required" else err.key
        raise ValidationFailed({"reason": (key, err.params)}) from None
    with uow:
        s = uow.session
        # held until commit: of two supervisors reversing at once, the second then sees the first's reversal
        # (and the unique index on reverses_id refuses any writer that skips this)
        original = lock_row(s, Payment, payment_id)
        if original is None:
            raise NotFound()
        if original.reverses_id is not None or original.amount <= 0:
            raise DomainError("payment.not_reversible")
        if s.exec(select(Payment.id).where(Payment.reverses_id == original.id)).first():
            raise DomainError("payment.already_reversed")
        reversal = Payment(contract_id=original.contract_id, amount=-original.amount, channel=original.channel,
                           reference=reversal_reference(original.reference), reverses_id=original.id, note=reason,
                           recorded_by=actor.username)
        add_payment(s, reversal)
        audit.record_action(s, actor=actor.username, role=actor.role, action="reverse_payment",
                            subject=f"payment:{reversal.id}", reason=reason,
                            details={"reverses": original.id, "amount": str(reversal.amount),
                                     "reference": original.reference})
        given = s.exec(select(PaymentAllocation).where(PaymentAllocation.payment_id == original.id,
                                                       PaymentAllocation.reverses_id.is_(None))).all()
        allocation.write_shares(s, [PaymentAllocation(payment_id=reversal.id, invoice_id=share.invoice_id,
                                                      amount=-share.amount, reverses_id=share.id) for share in given])
        allocation.allocate(s, original.contract_id)  # other credit on the account may settle what reopened
        uow.commit()
        return reversal
