"""Named side effects a transition runs after the state changes, inside the same transaction.
Each returns details for the audit event and the messages it queues."""

from collections.abc import Callable
from datetime import date

from sqlmodel import Session, select

from core.accounts import allocation, billing, refunds
from core.accounts.handover import final_period
from core.accounts.money import format_lei
from core.models import (
    ConsumptionPlace,
    Contract,
    ContractStatus,
    CreditNote,
    Customer,
    Invoice,
    InvoiceKind,
    Refund,
    utcnow,
)
from core.platform import numbers
from core.platform.errors import TransitionRefused
from core.platform.row_lock import lock_row
from core.platform.search import fold
from core.platform.workdays import local_time
from core.workflow.guards import GuardContext, place_is_contracted


def record_verifier(ctx: GuardContext) -> dict:
    ctx.case.verified_by = ctx.actor.username
    return {}


def close_case(ctx: GuardContext) -> dict:
    ctx.case.closed_at = utcnow()
    return {}


def reopen_case(ctx: GuardContext) -> dict:
    ctx.case.closed_at = None
    ctx.case.verified_by = None
    return {}


def find_or_create_holder(session: Session, data: dict) -> Customer:
    """The new holder: an existing customer with the same CNP/CUI, else a new one."""
    holder = session.exec(select(Customer).where(
        Customer.national_id == data["national_id"], Customer.kind == data["applicant_kind"])).first()
    if holder is None:
        holder = Customer(kind=data["applicant_kind"], name=data["applicant_name"],
                          search_name=fold(data["applicant_name"]),
                          national_id=data["national_id"], email=data["email"], phone=data["phone"],
                          correspondence_address=data["correspondence_address"])
        session.add(holder)
        session.flush()
    return holder


def close_contract(session: Session, contract: Contract, index: int, on: date, issued_by: str) -> Invoice:
    """Closes a contract at one meter index with its final invoice (a handover, or a holder moving out)."""
    period_start, period_end = final_period(session, contract, on)
    final = billing.issue_invoice(
        session, contract=contract, period_start=period_start, period_end=period_end, new_index=index,
        kind=InvoiceKind.FINAL, issue_date=on, issued_by=issued_by)
    contract.status, contract.end_date, contract.end_index = ContractStatus.CLOSED, on, index
    session.add(contract)
    session.flush()  # closed before a new one may exist on the place (one active per place)
    return final


def issue_new_contract(ctx: GuardContext) -> dict:
    """Opens the applicant's contract on the case's place at the case's meter index. A holder change
    first closes the old contract with its final invoice at that same index; a new contract needs the
    place vacant."""
    session, case = ctx.session, ctx.case
    # locked and re-read: two supervisors issuing at once cannot both close it, nor both fill the place
    place = lock_row(session, ConsumptionPlace, case.place_id)
    index = case.data["handover_index"]
    today = local_time(utcnow()).date()
    details = {}
    if case.old_contract_id is not None:
        old = lock_row(session, Contract, case.old_contract_id)
        if old.status != ContractStatus.ACTIVE:
            raise TransitionRefused("guard.old_contract_closed")
        details["final_invoice"] = close_contract(session, old, index, today, ctx.actor.username).invoice_number
    elif place_is_contracted(session, place.id):
        raise TransitionRefused("guard.place_has_contract")
    holder = find_or_create_holder(session, case.data)
    known_code = session.exec(select(Contract.client_code).where(Contract.customer_id == holder.id)).first()
    new = Contract(
        number=numbers.contract_number(session, today.year),
        client_code=known_code or numbers.client_code(session),
        payment_code=numbers.payment_code(session),
        customer_id=holder.id, place_id=place.id, start_date=today, start_index=index,
    )
    session.add(new)
    session.flush()
    case.new_contract_id = new.id
    return {"contract_number": new.number, "new_payment_code": new.payment_code,
            "new_client_code": new.client_code, **details}


def record_credit_proposal(ctx: GuardContext) -> dict:
    ctx.case.credit_amount, ctx.case.credit_proposed_by = ctx.fields["amount"], ctx.actor.username
    return {"proposed_credit": str(ctx.fields["amount"])}


def issue_credit_note(ctx: GuardContext) -> dict:
    """The upheld amount becomes a credit note on the disputed invoice, lowering what the holder owes; it
    settles that invoice first, then the oldest open ones (core.accounts.allocation), the rest is credit."""
    session, case = ctx.session, ctx.case
    invoice = session.get(Invoice, case.invoice_id)
    note = CreditNote(
        number=numbers.credit_note_number(session, local_time(utcnow()).year), contract_id=invoice.contract_id,
        invoice_id=invoice.id, case_id=case.id, amount=case.credit_amount,
        reason=(ctx.fields.get("reason") or "").strip() or case.registration_number, issued_by=ctx.actor.username,
    )
    session.add(note)
    session.flush()
    allocation.allocate(session, invoice.contract_id, first_invoice_id=invoice.id)
    return {"credit_note": note.number, "credit_amount": str(note.amount)}


def record_refund_payment(ctx: GuardContext) -> dict:
    """The bank confirmed the transfer: the refund becomes a negative payment, once per case."""
    session, case = ctx.session, ctx.case
    contract = lock_row(session, Contract, case.old_contract_id)
    refund = lock_row(session, Refund, refunds.refund_of(session, case.id).id)
    if refund.payment_id is not None:
        raise TransitionRefused("refund.already_paid")
    payment = refunds.record_refund(session, contract=contract, amount=case.credit_amount,
                                    reference=f"refund:{case.registration_number}", actor=ctx.actor)
    refund.payment_id = payment.id
    session.add(refund)
    session.flush()
    return {"refund_payment": payment.reference, "refunded": str(-payment.amount)}


def note_refund_amount(ctx: GuardContext) -> dict:
    """The approved amount, as the customer's message says it."""
    return {"refund_amount": format_lei(ctx.case.credit_amount)}


EFFECTS: dict[str, Callable[[GuardContext], dict]] = {
    fn.__name__: fn for fn in (record_verifier, close_case, reopen_case, issue_new_contract, record_credit_proposal,
                               issue_credit_note, record_refund_payment, note_refund_amount)
}
