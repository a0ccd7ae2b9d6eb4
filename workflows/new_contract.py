"""New contract (DESIGN.md §4): the holder-change path without an old holder. A request for a
consumption place with no active contract, from registration to the first contract on it: the same
states, documents, deadlines and messages; only the guards about the place differ."""

from dataclasses import replace

from workflows.holder_change import WORKFLOW as HOLDER_CHANGE

# holder change needs the old contract still active; here the place must still be free
GUARDS = {
    "issue_contract": ("not_the_verifier", "place_has_no_active_contract", "handover_index_not_below_meter",
                       "handover_index_within_consumption"),
    "reopen": ("no_other_open_case_on_place", "place_has_no_active_contract"),
}

WORKFLOW = replace(
    HOLDER_CHANGE,
    name="new_contract",
    registration_prefix="CTR",
    transitions=tuple(replace(tr, guards=GUARDS.get(tr.trigger, tr.guards)) for tr in HOLDER_CHANGE.transitions),
)
