"""Change of contract holder (DESIGN.md §4): from the request to a new contract on the same place."""

from enum import StrEnum

from core.models import CustomerKind, Role
from core.workflow.spec import DocumentRequirement, Sla, SlaAction, Transition, Workflow

PERSON, COMPANY = CustomerKind.PERSON.value, CustomerKind.COMPANY.value
STAFF = frozenset({Role.CLERK, Role.SUPERVISOR})
INTAKE = frozenset({Role.CLERK, Role.SUPERVISOR, Role.CUSTOMER, Role.SYSTEM})


class State(StrEnum):
    SUBMITTED = "submitted"  # registered, awaiting documents
    DOCUMENTS_RECEIVED = "documents_received"  # every required document present
    DOCUMENTS_VERIFIED = "documents_verified"  # every document approved by a reviewer
    CONTRACT_ISSUED = "contract_issued"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


OPEN = (State.SUBMITTED, State.DOCUMENTS_RECEIVED, State.DOCUMENTS_VERIFIED)

WORKFLOW = Workflow(
    name="holder_change",
    version=1,
    registration_prefix="SCT",
    initial=State.SUBMITTED,
    states=tuple(State),
    final_states=(State.CONTRACT_ISSUED, State.REJECTED, State.CANCELLED),
    deadlines={"documents": "documents_wait_days", "contract": "contract_issue_days"},
    document_states=(State.SUBMITTED, State.DOCUMENTS_RECEIVED),
    documents=(
        DocumentRequirement("id_card", frozenset({PERSON})),
        DocumentRequirement("onrc_certificate", frozenset({COMPANY})),
        DocumentRequirement("right_of_use", frozenset({PERSON, COMPANY})),
        DocumentRequirement("contract_request", frozenset({PERSON, COMPANY})),
        DocumentRequirement("supply_offer", frozenset({PERSON, COMPANY})),
        DocumentRequirement("meter_reading", frozenset({PERSON, COMPANY})),
    ),
    transitions=(
        Transition(
            "register", (), State.SUBMITTED, INTAKE,
            sla=Sla(SlaAction.START, "documents"), notify=("registered",), staff_action=False,
        ),
        Transition(
            "receive_documents", (State.SUBMITTED,), State.DOCUMENTS_RECEIVED, INTAKE,
            guards=("all_required_documents_present",),
            sla=Sla(SlaAction.START, "contract"), notify=("documents_received",),
        ),
        Transition(
            "verify_documents", (State.DOCUMENTS_RECEIVED,), State.DOCUMENTS_VERIFIED, STAFF,
            guards=("all_documents_approved",), effects=("record_verifier",),
        ),
        Transition(
            "issue_contract", (State.DOCUMENTS_VERIFIED,), State.CONTRACT_ISSUED,
            frozenset({Role.SUPERVISOR}),
            guards=("not_the_verifier", "old_contract_active", "handover_index_not_below_meter",
                    "handover_index_within_consumption"),
            sla=Sla(SlaAction.STOP), effects=("issue_new_contract", "close_case"),
            notify=("contract_issued",),
        ),
        Transition(
            "request_changes", (State.SUBMITTED, State.DOCUMENTS_RECEIVED), State.SUBMITTED, STAFF,
            guards=("has_rejected_document",), requires=("reason",),
            sla=Sla(SlaAction.START, "documents"), notify=("changes_requested",),
        ),
        Transition(
            "reject", OPEN, State.REJECTED, STAFF, requires=("reason",),
            sla=Sla(SlaAction.STOP), effects=("close_case",), notify=("rejected",),
        ),
        Transition(
            # the system actor too: the worker cancels a request whose documents never came (core.workflow.timed_jobs)
            "cancel", OPEN, State.CANCELLED, STAFF | {Role.SYSTEM}, requires=("reason",),
            sla=Sla(SlaAction.STOP), effects=("close_case",), notify=("cancelled",),
        ),
        Transition(
            "reopen", (State.REJECTED, State.CANCELLED), State.SUBMITTED,
            frozenset({Role.SUPERVISOR}), guards=("no_other_open_case_on_place",), requires=("reason",),
            sla=Sla(SlaAction.START, "documents"), effects=("reopen_case",),
        ),
    ),
)
