"""New contract (DESIGN.md §4): the holder-change path without an old holder. A request for a
consumption place with no active contract, from registration to the first contract on it."""

from core.models import Role
from core.workflow_spec import Sla, SlaAction, Transition, Workflow
from workflows.holder_change import INTAKE, OPEN, STAFF, State
from workflows.holder_change import WORKFLOW as HOLDER_CHANGE

WORKFLOW = Workflow(
    name="new_contract",
    version=1,
    registration_prefix="CTR",
    initial=State.SUBMITTED,
    states=tuple(State),
    final_states=(State.CONTRACT_ISSUED, State.REJECTED, State.CANCELLED),
    deadlines=HOLDER_CHANGE.deadlines,
    document_states=(State.SUBMITTED, State.DOCUMENTS_RECEIVED),
    # the same papers a new holder brings (DESIGN.md §3): ID card or ONRC certificate, right of use,
    # signed contract request, chosen supply offer, meter index at the start
    documents=HOLDER_CHANGE.documents,
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
            guards=("not_the_verifier", "place_has_no_active_contract", "handover_index_not_below_meter"),
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
            "cancel", OPEN, State.CANCELLED, STAFF, requires=("reason",),
            sla=Sla(SlaAction.STOP), effects=("close_case",), notify=("cancelled",),
        ),
        Transition(
            "reopen", (State.REJECTED, State.CANCELLED), State.SUBMITTED, frozenset({Role.SUPERVISOR}),
            guards=("no_other_open_case_on_place", "place_has_no_active_contract"), requires=("reason",),
            sla=Sla(SlaAction.START, "documents"), effects=("reopen_case",),
        ),
    ),
)
