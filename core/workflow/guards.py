"""Named guard predicates used by workflow tables. Each returns None when the transition may go
ahead, or the catalog key of the reason it may not. A guard reads what it needs from its GuardContext
(the case, the actor, the case's own workflow table, the fields typed with the action)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from core.accounts import refunds
from core.models import (
    Case,
    CaseDocument,
    ConsumptionPlace,
    Contract,
    ContractStatus,
    CustomerKind,
    DocumentStatus,
)
from core.platform.config import settings
from core.platform.validation import index_refusal
from core.staff.auth import Actor
from core.workflow.spec import Workflow


@dataclass
class GuardContext:
    session: Session
    case: Case
    actor: Actor
    workflow: Workflow  # the table the case runs (its own version)
    fields: dict = field(default_factory=dict)
    _documents: list[CaseDocument] | None = field(default=None, init=False, repr=False)

    def current_documents(self) -> list[CaseDocument]:
        """Read once per context: the guards of one action (or of every action a page lists) share it."""
        if self._documents is None:
            self._documents = list(self.session.exec(
                select(CaseDocument).where(CaseDocument.case_id == self.case.id, CaseDocument.is_current)))
        return self._documents

    def required_documents(self) -> list[str]:
        return self.workflow.required_documents(self.case.data["applicant_kind"])


def all_required_documents_present(ctx: GuardContext) -> str | None:
    usable = {d.doc_type for d in ctx.current_documents() if d.status != DocumentStatus.REJECTED}
    missing = [d for d in ctx.required_documents() if d not in usable]
    return "guard.documents_missing" if missing else None


def all_documents_approved(ctx: GuardContext) -> str | None:
    approved = {d.doc_type for d in ctx.current_documents() if d.status == DocumentStatus.APPROVED}
    return None if set(ctx.required_documents()) <= approved else "guard.documents_not_approved"


def has_rejected_document(ctx: GuardContext) -> str | None:
    rejected = any(d.status == DocumentStatus.REJECTED for d in ctx.current_documents())
    return None if rejected else "guard.no_rejected_document"


def not_the_verifier(ctx: GuardContext) -> str | None:
    """Four-eyes: whoever verified the documents, or approved any of them, cannot also issue the contract."""
    reviewers = {d.reviewed_by for d in ctx.current_documents()}
    return "guard.four_eyes" if ctx.actor.username in {ctx.case.verified_by, *reviewers} else None


def applicant_is_company(ctx: GuardContext) -> str | None:
    """Only a company's handover index is confirmed as a step of its own (holder_change v2)."""
    return None if ctx.case.data.get("applicant_kind") == CustomerKind.COMPANY else "guard.meter_index_company_only"


def company_meter_index_confirmed(ctx: GuardContext) -> str | None:
    """A company's contract is issued only once its handover index is confirmed (holder_change v2)."""
    unconfirmed = ctx.case.state != "meter_index_confirmed" and not applicant_is_company(ctx)
    return "guard.meter_index_unconfirmed" if unconfirmed else None


def no_other_open_case_on_place(ctx: GuardContext) -> str | None:
    """A reopened request must not run beside a newer one for the same place."""
    other = ctx.session.exec(select(Case.id).where(
        Case.place_id == ctx.case.place_id, Case.id != ctx.case.id, col(Case.closed_at).is_(None))).first()
    return "guard.other_open_case" if other else None


def old_contract_active(ctx: GuardContext) -> str | None:
    contract = ctx.session.get(Contract, ctx.case.old_contract_id) if ctx.case.old_contract_id else None
    return None if contract and contract.status == ContractStatus.ACTIVE else "guard.old_contract_closed"


def place_is_contracted(session: Session, place_id: int) -> bool:
    return session.exec(select(Contract.id).where(
        Contract.place_id == place_id, Contract.status == ContractStatus.ACTIVE)).first() is not None


def place_has_no_active_contract(ctx: GuardContext) -> str | None:
    """A new contract only on a vacant place (the database also keeps one active contract per place)."""
    return "guard.place_has_contract" if place_is_contracted(ctx.session, ctx.case.place_id) else None


def handover_index_not_below_meter(ctx: GuardContext) -> str | None:
    place = ctx.session.get(ConsumptionPlace, ctx.case.place_id)
    index = ctx.case.data.get("handover_index")
    if index is None or (place and index < place.last_index):
        return "guard.handover_index_low"
    return None


def handover_index_within_consumption(ctx: GuardContext) -> str | None:
    """The index is not above the meter's last reading by more than the maximum consumption since a reading
    (the meter may have been read since the request; a request stored before the bound existed is caught here)."""
    place = ctx.session.get(ConsumptionPlace, ctx.case.place_id)
    index = ctx.case.data.get("handover_index")
    if isinstance(index, int) and place and index_refusal(index, place.last_index) == "high":
        return "bounds.guard_index_high"
    return None


# The amount guards judge the amount typed with the action; while the action is only being
# listed there is no amount yet, so they let it be offered (firing always carries one).
def credit_within_dispute(ctx: GuardContext) -> str | None:
    amount = ctx.fields.get("amount")
    return "guard.credit_above_dispute" if amount is not None and amount > ctx.case.disputed_amount else None


def credit_within_threshold(ctx: GuardContext) -> str | None:
    """Above the threshold a credit is proposed, and a supervisor other than the proposer approves it."""
    amount = ctx.fields.get("amount")
    above = amount is not None and amount > settings.dispute_credit_approval_threshold
    return "guard.credit_needs_approval" if above else None


def not_the_proposer(ctx: GuardContext) -> str | None:
    return "guard.own_proposal" if ctx.case.credit_proposed_by == ctx.actor.username else None


def refund_within_credit(ctx: GuardContext) -> str | None:
    """Never more than the contract's refundable credit: the amount typed when proposed, the proposed amount
    when approved (a fired trigger always carries fields, at least the reason; a listed one none)."""
    amount = (ctx.fields.get("amount") or ctx.case.credit_amount) if ctx.fields else None
    if amount is None:
        return None
    return "guard.refund_above_credit" if amount > refunds.refundable(ctx.session, ctx.case.old_contract_id) else None


def refund_within_threshold(ctx: GuardContext) -> str | None:
    """Above the threshold a refund is proposed, and a supervisor other than the proposer approves it."""
    amount = ctx.fields.get("amount")
    above = amount is not None and amount > settings.refund_approval_threshold
    return "guard.refund_needs_approval" if above else None


GUARDS: dict[str, Callable[[GuardContext], str | None]] = {
    fn.__name__: fn
    for fn in (
        all_required_documents_present, all_documents_approved, has_rejected_document,
        not_the_verifier, applicant_is_company, company_meter_index_confirmed, no_other_open_case_on_place,
        old_contract_active, place_has_no_active_contract,
        handover_index_not_below_meter, handover_index_within_consumption,
        credit_within_dispute, credit_within_threshold, not_the_proposer, refund_within_credit,
        refund_within_threshold,
    )
}
