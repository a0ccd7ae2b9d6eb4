"""Change of contract holder, version 2: a company's handover index is confirmed as its own step
(documents_verified → meter_index_confirmed → contract_issued), because a company's meter is often read by
its own staff and the index is checked against the meter before the new contract starts on it. A person goes
as in version 1. Everything else (documents, deadlines, messages) is version 1's table; open version 1 cases
move here by STATE_MAP (`python -m core.workflow migrate holder_change --to 2`)."""

from dataclasses import replace

from core.workflow.spec import StateMap, Transition
from workflows.holder_change import OPEN as V1_OPEN
from workflows.holder_change import STAFF, State
from workflows.holder_change import WORKFLOW as V1

METER_INDEX_CONFIRMED = "meter_index_confirmed"  # a company's handover index checked against the meter
OPEN = (*V1_OPEN, METER_INDEX_CONFIRMED)
STATES = (*V1_OPEN, METER_INDEX_CONFIRMED, *V1.final_states)

CONFIRM_METER_INDEX = Transition(
    "confirm_meter_index", (State.DOCUMENTS_VERIFIED,), METER_INDEX_CONFIRMED, STAFF,
    guards=("applicant_is_company", "handover_index_not_below_meter", "handover_index_within_consumption"),
)

# every open state of version 1 has the same meaning here; a company case verified under version 1 lands in
# documents_verified and takes the new step before its contract
STATE_MAP = StateMap(from_version=1, states={str(s): str(s) for s in V1_OPEN})


def _v2(tr: Transition) -> tuple[Transition, ...]:
    """Version 1's row as version 2 has it (the new step right after verifying, where staff look for it)."""
    if tr.trigger == "verify_documents":
        return tr, CONFIRM_METER_INDEX
    if tr.trigger == "issue_contract":
        return (replace(tr, source=(State.DOCUMENTS_VERIFIED, METER_INDEX_CONFIRMED),
                        guards=("company_meter_index_confirmed", *tr.guards)),)
    if set(tr.source) == set(V1_OPEN):  # reject, cancel: from any open state, the new one included
        return (replace(tr, source=OPEN),)
    return (tr,)


WORKFLOW = replace(
    V1,
    version=2,
    states=STATES,
    transitions=tuple(row for tr in V1.transitions for row in _v2(tr)),
    migrates_from=STATE_MAP,
)
