"""Named side effects a transition runs after the state changes, inside the same transaction.
Each returns details for the audit event and the messages it queues."""

from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session, select

from core import billing, numbers
from core.errors import TransitionRefused
from core.guards import GuardContext
from core.models import (
    ConsumptionPlace,
    Contract,
    ContractStatus,
    CreditNote,
    Customer,
    Invoice,
    InvoiceKind,
    utcnow,
)
from core.search import fold
from core.workdays import local_time


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


def issue_new_contract(ctx: GuardContext) -> dict:
    """Handover: one meter index closes the old contract with its final invoice and opens the new
    holder's contract on the same consumption place."""
    session, case = ctx.session, ctx.case
    # locked and re-read: two supervisors issuing at once cannot both close it
    old = session.get(Contract, case.old_contract_id, with_for_update=True, populate_existing=True)
    if old.status != ContractStatus.ACTIVE:
        raise TransitionRefused("guard.old_contract_closed")
    place = session.get(ConsumptionPlace, case.place_id)
    index = case.data["handover_index"]
    today = local_time(utcnow()).date()
    last_period_end = session.exec(select(Invoice.period_end).where(Invoice.contract_id == old.id)
                                   .order_by(Invoice.period_end.desc()).limit(1)).first()
    final = billing.issue_invoice(
        session, contract=old, period_start=(last_period_end + timedelta(days=1)) if last_period_end
        else old.start_date, period_end=today, new_index=index, kind=InvoiceKind.FINAL, issue_date=today)
    old.status, old.end_date, old.end_index = ContractStatus.CLOSED, today, index
    session.add(old)
    session.flush()  # the old contract is closed before the new one exists (one active per place)
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
            "new_client_code": new.client_code, "final_invoice": final.invoice_number}


def record_credit_proposal(ctx: GuardContext) -> dict:
    ctx.case.credit_amount, ctx.case.credit_proposed_by = ctx.fields["amount"], ctx.actor.username
    return {"proposed_credit": str(ctx.fields["amount"])}


def issue_credit_note(ctx: GuardContext) -> dict:
    """The upheld amount becomes a credit note on the disputed invoice, lowering what the holder owes."""
    session, case = ctx.session, ctx.case
    invoice = session.get(Invoice, case.invoice_id)
    note = CreditNote(
        number=numbers.credit_note_number(session, local_time(utcnow()).year), contract_id=invoice.contract_id,
        invoice_id=invoice.id, case_id=case.id, amount=case.credit_amount,
        reason=(ctx.fields.get("reason") or "").strip() or case.registration_number, issued_by=ctx.actor.username,
    )
    session.add(note)
    session.flush()
    return {"credit_note": note.number, "credit_amount": str(note.amount)}


EFFECTS: dict[str, Callable[[GuardContext], dict]] = {
    fn.__name__: fn for fn in (record_verifier, close_case, reopen_case, issue_new_contract, record_credit_proposal,
                               issue_credit_note)
}
