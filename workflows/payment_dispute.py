"""Payment dispute (DESIGN.md §4): a customer contests an invoice; staff review it, may ask the customer
for information (the deadline pauses meanwhile), and uphold it with a credit note or reject it."""

from enum import StrEnum

from core.models import CustomerKind, Role
from core.workflow.spec import DocumentRequirement, Sla, SlaAction, Transition, Workflow

STAFF = frozenset({Role.CLERK, Role.SUPERVISOR})
INTAKE = frozenset({Role.CLERK, Role.SUPERVISOR, Role.CUSTOMER, Role.SYSTEM})
ANY_KIND = frozenset({CustomerKind.PERSON.value, CustomerKind.COMPANY.value})


class State(StrEnum):
    OPENED = "opened"  # the disputed amount is excluded from overdue and penalties
    UNDER_REVIEW = "under_review"
    AWAITING_CUSTOMER = "awaiting_customer"  # deadline paused
    CREDIT_PROPOSED = "credit_proposed"  # a credit above the threshold waits for a second person
    RESOLVED_UPHELD = "resolved_upheld"
    RESOLVED_REJECTED = "resolved_rejected"


OPEN = (State.OPENED, State.UNDER_REVIEW, State.AWAITING_CUSTOMER, State.CREDIT_PROPOSED)

WORKFLOW = Workflow(
    name="payment_dispute",
    version=1,
    registration_prefix="CTS",
    initial=State.OPENED,
    states=tuple(State),
    final_states=(State.RESOLVED_UPHELD, State.RESOLVED_REJECTED),
    deadlines={"answer": "dispute_answer_days"},
    documents=(DocumentRequirement("evidence", ANY_KIND, required=False, multiple=True),),
    document_states=(State.OPENED, State.UNDER_REVIEW, State.AWAITING_CUSTOMER),
    transitions=(
        Transition("register", (), State.OPENED, INTAKE, sla=Sla(SlaAction.START, "answer"), notify=("opened",),
                   staff_action=False),
        Transition("start_review", (State.OPENED,), State.UNDER_REVIEW, STAFF),
        Transition("request_information", (State.UNDER_REVIEW,), State.AWAITING_CUSTOMER, STAFF,
                   requires=("reason",), sla=Sla(SlaAction.PAUSE), notify=("information_requested",)),
        Transition("customer_replied", (State.AWAITING_CUSTOMER,), State.UNDER_REVIEW,
                   frozenset({*STAFF, Role.CUSTOMER}), requires=("reason",), sla=Sla(SlaAction.RESUME)),
        Transition("uphold", (State.UNDER_REVIEW,), State.RESOLVED_UPHELD, STAFF, requires=("amount", "reason"),
                   guards=("credit_within_dispute", "credit_within_threshold"),
                   effects=("record_credit_proposal", "issue_credit_note", "close_case"),
                   sla=Sla(SlaAction.STOP), notify=("upheld",)),
        Transition("propose_credit", (State.UNDER_REVIEW,), State.CREDIT_PROPOSED, STAFF,
                   requires=("amount", "reason"), guards=("credit_within_dispute",),
                   effects=("record_credit_proposal",)),
        Transition("approve_credit", (State.CREDIT_PROPOSED,), State.RESOLVED_UPHELD, frozenset({Role.SUPERVISOR}),
                   guards=("not_the_proposer",), effects=("issue_credit_note", "close_case"),
                   sla=Sla(SlaAction.STOP), notify=("upheld",)),
        Transition("return_to_review", (State.CREDIT_PROPOSED,), State.UNDER_REVIEW, frozenset({Role.SUPERVISOR}),
                   requires=("reason",)),
        Transition("reject", OPEN, State.RESOLVED_REJECTED, STAFF, requires=("reason",), effects=("close_case",),
                   sla=Sla(SlaAction.STOP), notify=("rejected",)),
    ),
)
