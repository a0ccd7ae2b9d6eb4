"""The one workflow engine. It runs any definition from `workflows/` on `transitions`: role check,
required fields, guards, state change, deadline, effects, audit event and queued messages, all in
the caller's transaction (helpers never commit; a refusal raises before anything is written)."""

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache

from sqlalchemy import event
from sqlmodel import Session
from transitions import Machine

from core import audit, validation
from core.auth import SYSTEM, Actor
from core.config import settings
from core.effects import EFFECTS
from core.errors import PermissionDenied, TransitionRefused, ValidationFailed
from core.guards import GUARDS, GuardContext
from core.i18n import t
from core.models import AuditEvent, Case, DocumentStatus, SlaStatus, utcnow
from core.online.links import issue_upload_link
from core.outbox import queue_email
from core.workdays import add_working_days, extend_by_pause, local_time
from core.workflow_spec import Sla, SlaAction, Transition, Workflow
from workflows import REGISTRY


@dataclass(frozen=True)
class ActionOption:
    """A trigger as one user sees it on one case: allowed, or the reason it is not."""

    trigger: str
    allowed: bool
    reason_key: str | None
    requires: tuple[str, ...]


class _CaseModel:
    """What `transitions` binds to: a small wrapper forwarding `state` to the row (a SQLModel row
    itself rejects the attributes the machine injects)."""

    def __init__(self, case: Case):
        self.case = case

    @property
    def state(self) -> str:
        return self.case.state

    @state.setter
    def state(self, value: str) -> None:
        self.case.state = str(value)


_machine_lock = threading.Lock()


def workflow_of(case: Case) -> Workflow:
    return REGISTRY[case.case_type]


@cache
def _machine(name: str) -> Machine:
    wf = REGISTRY[name]
    # plain strings: given Enum members, transitions would name states by the member name
    machine = Machine(model=None, states=[str(s) for s in wf.states], initial=str(wf.initial),
                      auto_transitions=False)
    for tr in wf.transitions:
        if tr.source:
            machine.add_transition(tr.trigger, [str(s) for s in tr.source], str(tr.dest))
    return machine


@contextmanager
def _bound(case: Case):
    """Binds the case to its workflow's shared machine for one use, then releases it."""
    machine = _machine(case.case_type)
    model = _CaseModel(case)
    with _machine_lock:
        machine.add_model(model, initial=str(case.state))
        try:
            yield model
        finally:
            machine.remove_model(model)


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
    ctx = GuardContext(session, case, actor)
    with _bound(case) as model:
        triggers = [tr for tr in wf.transitions if tr.staff_action and model.may_trigger(tr.trigger)]
    return [
        ActionOption(tr.trigger, reason is None, reason, tr.requires)
        for tr in triggers
        for reason in [_refusal(ctx, tr, {}, check_fields=False)]
    ]


def can_fire(session: Session, case: Case, trigger: str, actor: Actor) -> bool:
    tr = workflow_of(case).transition(trigger)
    return bool(tr and tr.source) and _refusal(GuardContext(session, case, actor), tr, {}, check_fields=False) is None


def fire(session: Session, case: Case, trigger: str, actor: Actor, **fields) -> AuditEvent:
    """Moves the case by `trigger`, or raises TransitionRefused/PermissionDenied having changed nothing."""
    wf = workflow_of(case)
    tr = wf.transition(trigger)
    if tr is None or not tr.source:
        raise TransitionRefused("engine.unknown_trigger", trigger=trigger)
    if "amount" in tr.requires:
        fields["amount"] = _amount(fields.get("amount"))
    fields["reason"] = _reason(fields.get("reason"))
    ctx = GuardContext(session, case, actor, fields)
    reason = _refusal(ctx, tr, fields, check_fields=True)
    if reason == "engine.role":
        raise PermissionDenied()
    if reason:
        raise TransitionRefused(reason)
    before = case.state
    with _bound(case) as model:
        model.trigger(trigger)
    return _after_change(ctx, wf, tr, before)


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


def start(session: Session, case: Case, actor: Actor) -> AuditEvent:
    """Registers a new case in its workflow's initial state through the `register` row of the table."""
    wf = workflow_of(case)
    tr = wf.transition("register")
    if actor.role not in tr.roles:
        raise PermissionDenied()
    case.state = str(wf.initial)
    case.workflow_version = wf.version
    session.add(case)
    session.flush()
    return _after_change(GuardContext(session, case, actor), wf, tr, None)


def _after_change(ctx: GuardContext, wf: Workflow, tr: Transition, before: str | None) -> AuditEvent:
    case, session = ctx.case, ctx.session
    if tr.sla:
        _apply_sla(case, wf, tr.sla)
    details = {}
    for effect in tr.effects:
        details.update(EFFECTS[effect](ctx))
    reason = (ctx.fields.get("reason") or "").strip() or None
    event = record_event(session, case, ctx.actor, tr.trigger, reason=reason, from_state=before, **details)
    for template in tr.notify:
        _notify(session, case, template, reason, details)
    return event


def record_event(session: Session, case: Case, actor: Actor, trigger: str, *, reason: str | None = None,
                 from_state: str | None = "", **details) -> AuditEvent:
    """Appends the audit event for any change to a case (chained at commit: core.audit) and touches the case
    so its version moves."""
    case.updated_at = utcnow()
    session.add(case)
    session.flush()
    return audit.append(session, AuditEvent(
        case_id=case.id, actor=actor.username, role=actor.role, trigger=trigger,
        from_state=case.state if from_state == "" else from_state, to_state=case.state, reason=reason,
        workflow=case.case_type, workflow_version=case.workflow_version, details=details,
    ))


def _apply_sla(case: Case, wf: Workflow, sla: Sla) -> None:
    now = utcnow()
    today = local_time(now).date()
    if sla.action is SlaAction.START:
        days = getattr(settings, wf.deadlines[sla.deadline])
        case.deadline_name, case.due_date = sla.deadline, add_working_days(now, days)
        case.sla_status, case.sla_paused_on = SlaStatus.RUNNING, None
    elif sla.action is SlaAction.PAUSE:
        case.sla_status, case.sla_paused_on = SlaStatus.PAUSED, today
    elif sla.action is SlaAction.RESUME and case.sla_paused_on:
        case.due_date = extend_by_pause(case.due_date, case.sla_paused_on, today)
        case.sla_status, case.sla_paused_on = SlaStatus.RUNNING, None
    elif sla.action is SlaAction.STOP:
        case.sla_status = SlaStatus.STOPPED


_PENDING = "ghiseu_pending_messages"


def notify(session: Session, case: Case, template: str) -> None:
    """Queues one of the workflow's messages outside a transition (e.g. the upload link sent again)."""
    _notify(session, case, template, None, {})


def _notify(session: Session, case: Case, template: str, reason: str | None, details: dict) -> None:
    """Messages are rendered when the transaction commits, so they describe its final state (a counter
    request registered with every document does not ask the customer to send them)."""
    session.info.setdefault(_PENDING, []).append((case, template, reason, details))


@event.listens_for(Session, "before_commit")
def _queue_pending_messages(session: Session) -> None:
    for case, template, reason, details in session.info.pop(_PENDING, []):
        _queue_message(session, case, template, reason, details)


@event.listens_for(Session, "after_rollback")
def _drop_pending_messages(session: Session) -> None:
    session.info.pop(_PENDING, None)


def awaited_documents(session: Session, case: Case) -> list[str]:
    """Required document types not yet sent, or sent and rejected."""
    documents = GuardContext(session, case, SYSTEM).current_documents()
    present = {d.doc_type for d in documents if d.status != DocumentStatus.REJECTED}
    return [d for d in workflow_of(case).required_documents(case.data["applicant_kind"]) if d not in present]


def _queue_message(session: Session, case: Case, template: str, reason: str | None, details: dict) -> None:
    data = case.data
    lang = data.get("language", "ro")
    wf = workflow_of(case)
    due = case.due_date.strftime("%d.%m.%Y") if case.due_date else ""
    missing = [t(f"document.{d}", lang=lang) for d in awaited_documents(session, case)]
    documents_line = (t("message.documents_needed", lang=lang, documents=", ".join(missing), due_date=due)
                      if missing else t("message.documents_complete", lang=lang))
    # a fresh private upload link, only where documents are still awaited and the message shows the line
    if missing and case.state in wf.document_states and "{documents_line}" in t(
            f"message.{wf.name}.{template}.body", lang=lang):
        link = issue_upload_link(session, case)
        until = local_time(utcnow() + timedelta(days=settings.upload_link_days)).strftime("%d.%m.%Y")
        documents_line += "\n\n" + t("message.documents_upload_link", lang=lang, link=link, until=until)
    # the case's amounts as it stands (Decimal: the outbox writes them as lei), over the details' stored text
    amounts = {name: value for name, value in (("amount", case.disputed_amount), ("credit_amount", case.credit_amount))
               if value is not None}
    queue_email(
        session, recipient=data["email"], template=f"{wf.name}.{template}", lang=lang, case_id=case.id,
        registration_number=case.registration_number, name=data["applicant_name"], reason=reason or "",
        documents_line=documents_line, due_date=due, **{**data.get("message_params", {}), **details, **amounts},
    )
