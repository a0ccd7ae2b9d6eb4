"""RO e-Factura submission of one document (issue 14): checked by the official rules, uploaded, then the
authority's answer polled and downloaded. Run by `core.efactura.submission` on the submission row (the case
engine runs on `Case` rows; issue 13 unifies them). Every step is done by the worker, as the system, except the
re-check of a refused document after its data were corrected (a supervisor, or the command line as the system).
Guards here are names in `core.efactura.revalidate.GUARDS` (they read the rebuilt XML, not a case)."""

from enum import StrEnum

from core.models import Role
from core.workflow.spec import Sla, SlaAction, Transition, Workflow

WORKER = frozenset({Role.SYSTEM})
RECHECKERS = frozenset({Role.SUPERVISOR, Role.SYSTEM})


class State(StrEnum):
    PREPARED = "prepared"  # the XML passed the official rules; waiting to be uploaded
    INVALID = "invalid"  # refused by the rules before sending: an analyst reads them; re-checked once corrected
    UPLOADED = "uploaded"  # the authority has it (upload index); waiting for its answer
    ACCEPTED = "accepted"  # the signed answer ZIP is kept
    REJECTED = "rejected"  # the authority's failed rules and its answer ZIP are kept
    FAILED = "failed"  # the authority could not be reached within the attempts allowed


WORKFLOW = Workflow(
    name="efactura_submission",
    version=1,
    registration_prefix="EF",
    initial=State.PREPARED,
    states=tuple(State),
    final_states=(State.ACCEPTED, State.REJECTED, State.FAILED),
    deadlines={"report": "efactura_report_days"},
    transitions=(
        Transition("prepare", (), State.PREPARED, WORKER, sla=Sla(SlaAction.START, "report"), staff_action=False),
        Transition("refuse", (), State.INVALID, WORKER, staff_action=False),
        Transition("revalidate", (State.INVALID,), State.PREPARED, RECHECKERS, guards=("rebuilt_xml_valid",),
                   staff_action=False),
        Transition("upload", (State.PREPARED,), State.UPLOADED, WORKER, staff_action=False),
        Transition("accept", (State.UPLOADED,), State.ACCEPTED, WORKER, sla=Sla(SlaAction.STOP),
                   staff_action=False),
        Transition("reject", (State.UPLOADED,), State.REJECTED, WORKER, sla=Sla(SlaAction.STOP), staff_action=False),
        Transition("give_up", (State.PREPARED, State.UPLOADED), State.FAILED, WORKER, sla=Sla(SlaAction.STOP),
                   staff_action=False),
    ),
)
