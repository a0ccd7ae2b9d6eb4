"""The vocabulary workflow definitions are written in. Definitions in `workflows/` are data built
from these types; `core.workflow.registry` finds them by (name, version) and `core.workflow.engine` runs them."""

from dataclasses import dataclass, field
from enum import StrEnum

from core.models import Role


class SlaAction(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


@dataclass(frozen=True)
class Sla:
    """What a transition does to the case's deadline; `deadline` names one of Workflow.deadlines."""

    action: SlaAction
    deadline: str | None = None


@dataclass(frozen=True)
class Transition:
    trigger: str
    source: tuple[str, ...]
    dest: str
    roles: frozenset[Role]
    guards: tuple[str, ...] = ()  # names in core.workflow.guards.GUARDS
    requires: tuple[str, ...] = ()  # fields the actor must give, e.g. "reason"
    sla: Sla | None = None
    effects: tuple[str, ...] = ()  # names in core.workflow.effects.EFFECTS, run after the state changes
    notify: tuple[str, ...] = ()  # message templates queued to the applicant
    staff_action: bool = True  # offered as a button to staff


@dataclass(frozen=True)
class DocumentRequirement:
    doc_type: str
    applicant_kinds: frozenset[str]
    required: bool = True
    multiple: bool = False  # several files of this type may be current (e.g. evidence)


@dataclass(frozen=True)
class StateMap:
    """How open cases of an older version move onto this one (`python -m core.workflow migrate`): each old state
    to the state it becomes here. A state left out is not migrated: its cases finish on the old version."""

    from_version: int
    states: dict[str, str]


@dataclass(frozen=True)
class Workflow:
    name: str
    version: int
    registration_prefix: str
    initial: str
    states: tuple[str, ...]
    final_states: tuple[str, ...]
    transitions: tuple[Transition, ...]
    deadlines: dict[str, str] = field(default_factory=dict)  # name -> Settings attribute (days)
    documents: tuple[DocumentRequirement, ...] = ()
    document_states: tuple[str, ...] = ()  # states in which documents are uploaded and reviewed
    migrates_from: StateMap | None = None  # set on a version that open cases of an older one may move to

    def transition(self, trigger: str) -> Transition | None:
        return next((tr for tr in self.transitions if tr.trigger == trigger), None)

    def required_documents(self, applicant_kind: str) -> list[str]:
        return [d.doc_type for d in self.documents if d.required and applicant_kind in d.applicant_kinds]

    def document(self, doc_type: str, applicant_kind: str) -> DocumentRequirement | None:
        """The document type as this applicant may upload it, or None if it does not apply."""
        return next((d for d in self.documents if d.doc_type == doc_type and applicant_kind in d.applicant_kinds),
                    None)
