"""The domain events a transition produces, and a tiny in-process publish/subscribe for them.

The engine derives the events from the table declaratively (the trigger, the effects run, the deadline
change) and publishes them before it returns; each subscriber runs synchronously in the caller's session, so
what it writes commits or rolls back with the transition. Subscribers live in their own modules and are
wired by `core.workflow.subscribers`."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session

from core.models import Case
from core.workflow.spec import SlaAction, Transition


@dataclass(frozen=True, kw_only=True, eq=False)
class CaseEvent:
    """Something that happened to one case, in the transaction that changed it."""

    case: Case
    trigger: str
    reason: str | None = None
    details: dict = field(default_factory=dict)  # what the effects reported (also in the audit event)


@dataclass(frozen=True, kw_only=True, eq=False)
class CaseMoved(CaseEvent):
    """Every transition: the state change and the applicant messages the table names for it."""

    from_state: str | None
    to_state: str
    notify: tuple[str, ...] = ()


class CaseRegistered(CaseEvent):
    pass


class DocumentsReceived(CaseEvent):
    pass


class DocumentsVerified(CaseEvent):
    pass


class DocumentsRequested(CaseEvent):
    """Documents were rejected and asked for again."""


class ContractIssued(CaseEvent):
    pass


class CreditProposed(CaseEvent):
    pass


class CreditNoteIssued(CaseEvent):
    pass


class RefundApproved(CaseEvent):
    pass


class RefundPaid(CaseEvent):
    pass


class CaseClosed(CaseEvent):
    pass


class CaseReopened(CaseEvent):
    pass


@dataclass(frozen=True, kw_only=True, eq=False)
class DeadlineStarted(CaseEvent):
    deadline: str  # one of the workflow's deadlines


class DeadlinePaused(CaseEvent):
    """Waiting for the customer: the days until the answer do not count."""


class DeadlineResumed(CaseEvent):
    pass


class DeadlineStopped(CaseEvent):
    pass


class DeadlineMissed(CaseEvent):
    """A case went past its deadline (raised by the timed jobs, not by a transition)."""


BY_TRIGGER: dict[str, type[CaseEvent]] = {
    "register": CaseRegistered, "receive_documents": DocumentsReceived, "verify_documents": DocumentsVerified,
    "request_changes": DocumentsRequested, "grant_refund": RefundApproved, "approve_refund": RefundApproved,
}
BY_EFFECT: dict[str, type[CaseEvent]] = {
    "issue_new_contract": ContractIssued, "record_credit_proposal": CreditProposed,
    "issue_credit_note": CreditNoteIssued, "record_refund_payment": RefundPaid, "close_case": CaseClosed,
    "reopen_case": CaseReopened,
}
BY_SLA: dict[SlaAction, type[CaseEvent]] = {
    SlaAction.PAUSE: DeadlinePaused, SlaAction.RESUME: DeadlineResumed, SlaAction.STOP: DeadlineStopped,
}


def produced_by(tr: Transition, case: Case, from_state: str | None, reason: str | None,
                details: dict) -> list[CaseEvent]:
    """The events one fired transition produced, in order: the move, what the trigger means, the deadline
    change, then one per effect."""
    common = {"case": case, "trigger": tr.trigger, "reason": reason, "details": details}
    produced: list[CaseEvent] = [CaseMoved(**common, from_state=from_state, to_state=case.state, notify=tr.notify)]
    if tr.trigger in BY_TRIGGER:
        produced.append(BY_TRIGGER[tr.trigger](**common))
    if tr.sla and tr.sla.action is SlaAction.START:
        produced.append(DeadlineStarted(**common, deadline=tr.sla.deadline))
    elif tr.sla:
        produced.append(BY_SLA[tr.sla.action](**common))
    produced += [BY_EFFECT[effect](**common) for effect in tr.effects if effect in BY_EFFECT]
    return produced


Subscriber = Callable[[Session, CaseEvent], None]
_SUBSCRIBERS: dict[type[CaseEvent], list[Subscriber]] = defaultdict(list)
_wired = False


def subscribe(*kinds: type[CaseEvent]) -> Callable[[Subscriber], Subscriber]:
    """Registers the decorated function for these event types (and their subtypes)."""
    def register(fn: Subscriber) -> Subscriber:
        for kind in kinds:
            _SUBSCRIBERS[kind].append(fn)
        return fn
    return register


def unsubscribe(kind: type[CaseEvent], fn: Subscriber) -> None:
    _SUBSCRIBERS[kind].remove(fn)


def wired() -> None:
    """Called by core.workflow.subscribers once every subscriber module is loaded."""
    global _wired
    _wired = True


def publish(session: Session, produced: list[CaseEvent]) -> None:
    """Calls every subscriber of each event, in the caller's session; a subscriber's error aborts the action.
    Refuses until the subscribers are wired: a transition without its deadline or messages must not pass."""
    if not _wired:
        raise RuntimeError("import core.workflow.subscribers before firing transitions")
    for event in produced:
        for kind in type(event).__mro__:
            for fn in list(_SUBSCRIBERS.get(kind, ())):
                fn(session, event)
