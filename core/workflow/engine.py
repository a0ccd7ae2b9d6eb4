"""The one workflow engine. It runs any table of `core.workflow.registry`: role check, required fields, guards,
state change, effects and audit event, then publishes the domain events the transition produced
(core.workflow.events) and returns them. The table's own sources and destination decide the move (a
`transitions` machine bound per fire cost a lock shared by every thread, issue 12). Deadlines, messages and
upload links are the subscribers' work (core.workflow.subscribers). All in the caller's transaction: helpers
never commit, and a refusal raises before anything is written."""

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from core.models import AuditEvent, Case, DocumentStatus, utcnow
from core.platform import audit, validation
from core.platform.errors import PermissionDenied, TransitionRefused, ValidationFailed
from core.staff.auth import SYSTEM, Actor
from core.workflow import events, registry, stays
from core.workflow.effects import EFFECTS
from core.workflow.guards import GUARDS, GuardContext
from core.workflow.registry import workflow_of
from core.workflow.spec import Transition


@dataclass(frozen=True)
class ActionOption:
    """A trigger as one user sees it on one case: allowed, or the reason it is not."""

    trigger: str
    allowed: bool
    reason_key: str | None
    requires: tuple[str, ...]


def _refusal(ctx: GuardContext, tr: Transition, fields: dict, check_fields: bool) -> str | None:
    """The first reason the transition may not fire now, or None."""
    if ctx.case.state not in tr.source:
        return "engine.wrong_state"
    if ctx.actor.role not in tr.roles:
        return "engine.role"
    if check_fields:
        for name in tr.requires:
            if not str(fields.get(name) or "").strip():
                return f"engine.requires_{name}"
    for guard in tr.guards:
        reason = GUARDS[guard](ctx)
        if reason:
            return reason
    return None


def available_actions(session: Session, case: Case, actor: Actor) -> list[ActionOption]:
    """Every staff trigger leaving the case's state, each allowed or with the reason it is not."""
    wf = workflow_of(case)
    ctx = GuardContext(session, case, actor, wf)
    triggers = [tr for tr in wf.transitions if tr.staff_action and case.state in tr.source]
    return [
        ActionOption(tr.trigger, reason is None, reason, tr.requires)
        for tr in triggers
        for reason in [_refusal(ctx, tr, {}, check_fields=False)]
    ]


def can_fire(session: Session, case: Case, trigger: str, actor: Actor) -> bool:
    wf = workflow_of(case)
    tr = wf.transition(trigger)
    return bool(tr and tr.source) and _refusal(GuardContext(session, case, actor, wf), tr, {},
                                               check_fields=False) is None


def fire(session: Session, case: Case, trigger: str, actor: Actor, **fields) -> list[events.CaseEvent]:
    """Moves the case by `trigger` and returns the events it produced, or raises TransitionRefused or
    PermissionDenied having changed nothing."""
    wf = workflow_of(case)
    tr = wf.transition(trigger)
    if tr is None or not tr.source:
        raise TransitionRefused("engine.unknown_trigger", trigger=trigger)
    if "amount" in tr.requires:
        fields["amount"] = _amount(fields.get("amount"))
    fields["reason"] = _reason(fields.get("reason"))
    ctx = GuardContext(session, case, actor, wf, fields)
    reason = _refusal(ctx, tr, fields, check_fields=True)
    if reason == "engine.role":
        raise PermissionDenied()
    if reason:
        raise TransitionRefused(reason)
    before = case.state
    case.state = str(tr.dest)  # plain text, as read back from the database
    return _after_change(ctx, tr, before)


def _amount(value) -> Decimal:
    try:
        return validation.amount(value)
    except validation.FieldError as err:
        raise ValidationFailed({"amount": (err.key, err.params)}) from None


def _reason(value) -> str | None:
    """The reason as the audit trail (and a credit note) keeps it: clean multi-line text within the column."""
    try:
        return validation.optional_text(value, validation.REASON_MAX, multiline=True)
    except validation.FieldError as err:
        raise ValidationFailed({"reason": (err.key, err.params)}) from None


def start(session: Session, case: Case, actor: Actor) -> list[events.CaseEvent]:
    """Registers a new case in the initial state of its workflow's latest version through the `register` row
    of the table, and returns the events it produced."""
    wf = registry.latest(case.case_type)
    tr = wf.transition("register")
    if actor.role not in tr.roles:
        raise PermissionDenied()
    case.state = str(wf.initial)
    case.workflow_version = wf.version
    session.add(case)
    session.flush()
    return _after_change(GuardContext(session, case, actor, wf), tr, None)


def _after_change(ctx: GuardContext, tr: Transition, before: str | None) -> list[events.CaseEvent]:
    case, session = ctx.case, ctx.session
    details = {}
    for effect in tr.effects:
        details.update(EFFECTS[effect](ctx))
    reason = (ctx.fields.get("reason") or "").strip() or None
    record_event(session, case, ctx.actor, tr.trigger, reason=reason, from_state=before, **details)
    produced = events.produced_by(tr, case, before, reason, details)
    events.publish(session, produced)
    return produced


def record_event(session: Session, case: Case, actor: Actor, trigger: str, *, reason: str | None = None,
                 from_state: str | None = "", **details) -> AuditEvent:
    """Appends the audit event for any change to a case (chained at commit: core.platform.audit), with the marks
    of the stay a state change ends (core.workflow.stays), and touches the case so its version moves, once: the
    row is written with every change of the action (the subscribers' too) when the audit is chained, or earlier
    if a query needs it."""
    case.updated_at = at = utcnow()
    from_state = case.state if from_state == "" else from_state
    marks = stays.marks(registered_at=case.registered_at, state_since=case.state_entered_at, from_state=from_state,
                        to_state=case.state, at=at)
    case.state_entered_at = marks.state_since
    session.add(case)
    return audit.append(session, AuditEvent(
        case_id=case.id, at=at, actor=actor.username, role=actor.role, trigger=trigger, from_state=from_state,
        to_state=case.state, reason=reason, workflow=case.case_type, workflow_version=case.workflow_version,
        details=details, entered_at=marks.entered_at, working_days=marks.working_days,
    ))


def awaited_documents(session: Session, case: Case) -> list[str]:
    """Required document types not yet sent, or sent and rejected."""
    ctx = GuardContext(session, case, SYSTEM, workflow_of(case))
    present = {d.doc_type for d in ctx.current_documents() if d.status != DocumentStatus.REJECTED}
    return [d for d in ctx.required_documents() if d not in present]
