"""Refund (issue 11): credit left on a closed contract goes back to the customer's IBAN. A clerk proposes
the amount (never above the refundable credit); above the threshold a supervisor other than the proposer
approves it, at or below it the proposal is approved at once; approved refunds leave in one payment order
file, and the bank's confirmation records the refund as a negative payment."""

from enum import StrEnum

from core.models import Role
from core.workflow.spec import Sla, SlaAction, Transition, Workflow

STAFF = frozenset({Role.CLERK, Role.SUPERVISOR})
SUPERVISOR = frozenset({Role.SUPERVISOR})
INTAKE = frozenset({Role.CLERK, Role.SUPERVISOR, Role.CUSTOMER, Role.SYSTEM})


class State(StrEnum):
    REQUESTED = "requested"  # the customer (or a clerk for them) gave the IBAN
    PROPOSED = "proposed"  # an amount above the threshold waits for a second person
    APPROVED = "approved"  # waits for the next payment order file
    EXPORTED = "exported"  # in a payment order file sent to the bank
    PAID = "paid"  # the bank confirmed; recorded as a negative payment
    REJECTED = "rejected"
    CANCELLED = "cancelled"


OPEN = (State.REQUESTED, State.PROPOSED, State.APPROVED, State.EXPORTED)

WORKFLOW = Workflow(
    name="refund",
    version=1,
    registration_prefix="RST",
    initial=State.REQUESTED,
    states=tuple(State),
    final_states=(State.PAID, State.REJECTED, State.CANCELLED),
    deadlines={"pay": "refund_pay_days"},
    transitions=(
        Transition("register", (), State.REQUESTED, INTAKE, sla=Sla(SlaAction.START, "pay"), notify=("requested",),
                   staff_action=False),
        Transition("grant_refund", (State.REQUESTED,), State.APPROVED, STAFF, requires=("amount",),
                   guards=("refund_within_credit", "refund_within_threshold"),
                   effects=("record_credit_proposal", "note_refund_amount"), notify=("approved",)),
        Transition("propose_refund", (State.REQUESTED,), State.PROPOSED, STAFF, requires=("amount",),
                   guards=("refund_within_credit",), effects=("record_credit_proposal",)),
        Transition("approve_refund", (State.PROPOSED,), State.APPROVED, SUPERVISOR,
                   guards=("not_the_proposer", "refund_within_credit"), effects=("note_refund_amount",),
                   notify=("approved",)),
        Transition("return_refund", (State.PROPOSED,), State.REQUESTED, SUPERVISOR, requires=("reason",)),
        Transition("export_refund", (State.APPROVED,), State.EXPORTED, SUPERVISOR, staff_action=False),
        Transition("confirm_refund", (State.EXPORTED,), State.PAID, SUPERVISOR,
                   effects=("record_refund_payment", "note_refund_amount", "close_case"), sla=Sla(SlaAction.STOP),
                   notify=("paid",)),
        Transition("reject", (State.REQUESTED, State.PROPOSED), State.REJECTED, STAFF, requires=("reason",),
                   effects=("close_case",), sla=Sla(SlaAction.STOP), notify=("rejected",)),
        Transition("cancel", OPEN, State.CANCELLED, STAFF, requires=("reason",), effects=("close_case",),
                   sla=Sla(SlaAction.STOP), notify=("cancelled",)),
    ),
)
