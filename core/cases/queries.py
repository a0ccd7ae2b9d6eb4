"""Read side: the work queue, the case view, the outbox and staff lists. Paginated, indexed queries;
they never change anything and never fire a trigger."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, literal, null, union, union_all
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from core.cases.overdue import is_overdue, overdue_clause
from core.models import (
    AuditEvent,
    Case,
    CaseComment,
    CaseDocument,
    Contract,
    CreditNote,
    Customer,
    Invoice,
    OutboxMessage,
    OutboxStatus,
    Role,
    SlaStatus,
    User,
    WorkerHeartbeat,
    utcnow,
)
from core.platform.config import settings
from core.platform.errors import NotFound
from core.platform.i18n import t
from core.platform.search import fold
from core.platform.validation import SEARCH_MAX, length_of, text_or_none
from core.platform.workdays import add_working_days, day_bounds, is_working_day, local_time
from core.staff.auth import Actor, require_role
from core.staff.masking import (
    free_text_for,
    hide_secrets,
    mask_address,
    mask_email,
    mask_file_name,
    mask_name,
    mask_national_id,
    mask_phone,
    scrub,
    sees_personal_data,
)
from core.workflow import engine, registry
from core.workflow.diagram import workflow_dot
from core.workflow.stays import FINAL_STATES

BACK_OFFICE = (Role.CLERK, Role.SUPERVISOR, Role.ADMIN)
# who may read the queue and a case; analysts (and admins) read them with personal data masked
READERS = (*BACK_OFFICE, Role.ANALYST)
DUE_SOON_DAYS = 2


def today() -> date:
    return local_time(utcnow()).date()


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows; the dashboard builds one per figure so a click-through lists exactly the
    cases the figure counted."""

    case_type: str | None = None
    state: str | None = None
    assignee: str | None = None  # a username, "__me__" or "__none__"
    overdue_only: bool = False
    search: str = ""
    open_only: bool = True  # False: closed cases too
    due_soon_only: bool = False  # running deadlines from today to DUE_SOON_DAYS working days ahead
    registered: tuple[date, date] | None = None  # local days, both included
    closed: tuple[date, date] | None = None  # closed in these local days (also if reopened since)
    age: tuple[int, int | None] | None = None  # working days since registration, both included (None: no limit)
    category: str | None = None  # a dispute's category


def overdue_conditions() -> list:
    """Overdue today (core.cases.overdue): the queue's "overdue only" toggle and the dashboard's overdue list."""
    return [overdue_clause(today())]


def due_soon_until() -> date:
    return add_working_days(utcnow(), DUE_SOON_DAYS)


def due_soon_conditions() -> list:
    """Running deadlines that fall from today to two working days ahead (paused ones wait for the customer)."""
    return [Case.due_date >= today(), Case.due_date <= due_soon_until(), Case.sla_status == SlaStatus.RUNNING]


def closing_events(start: datetime, end: datetime) -> list:
    """Audit events that closed a case between two instants (a case reopened and closed again has several)."""
    return [col(AuditEvent.to_state).in_(FINAL_STATES), col(AuditEvent.from_state).not_in(FINAL_STATES),
            AuditEvent.at >= start, AuditEvent.at < end]


def dispute_category():
    """A dispute's category, read from the case's JSON data in SQL ("other" when missing)."""
    return func.coalesce(Case.data["category"].as_string(), "other")


def aged_from(days: int, now: datetime) -> datetime:
    """The registration instant before which a case is at least `days` working days old at `now`
    (core.platform.workdays.working_days_between). Such a case counts from a working day at least `days`
    working days before today's; whatever arrives after that day's end of work counts from a later day."""
    day, back = local_time(now).date() + timedelta(days=1), 0
    while back <= days:  # the (days + 1)-th working day counting back from today
        day -= timedelta(days=1)
        back += is_working_day(day)
    end_of_work = datetime.combine(day, time(settings.working_day_end_hour), ZoneInfo(settings.timezone))
    return end_of_work.astimezone(UTC)


def age_conditions(low: int, high: int | None, now: datetime) -> list:
    """Registered between `low` and `high` working days ago (both included)."""
    return ([Case.registered_at < aged_from(low, now)] if low else []) + (
        [Case.registered_at >= aged_from(high + 1, now)] if high is not None else [])


def _conditions(filters: QueueFilter, actor: Actor) -> list:
    conditions = []
    if filters.case_type:
        conditions.append(Case.case_type == filters.case_type)
    if filters.state:
        conditions.append(Case.state == filters.state)
    elif filters.open_only:
        conditions.append(col(Case.closed_at).is_(None))
    if filters.assignee == "__me__":
        conditions.append(Case.assignee_id == actor.user_id)
    elif filters.assignee == "__none__":
        conditions.append(col(Case.assignee_id).is_(None))
    elif filters.assignee:  # a username: its id looked up once, so the queue never joins staff users to filter
        conditions.append(Case.assignee_id == select(User.id).where(User.username == filters.assignee)
                          .scalar_subquery())
    if filters.overdue_only:
        conditions += overdue_conditions()
    if filters.due_soon_only:
        conditions += due_soon_conditions()
    if filters.registered:
        start, end = day_bounds(*filters.registered)
        conditions += [Case.registered_at >= start, Case.registered_at < end]  # ix on registered_at
    if filters.closed:
        start, end = day_bounds(*filters.closed)
        conditions.append(exists().where(AuditEvent.case_id == Case.id,  # ix_auditevent_case_at
                                         *closing_events(start, end)))
    if filters.age:
        conditions += age_conditions(*filters.age, utcnow())
    if filters.category:
        conditions += [Case.case_type == "payment_dispute", dispute_category() == filters.category]
    text = text_or_none(filters.search, SEARCH_MAX)  # a search box: anything the boundary refuses finds nothing
    if text:
        upper, found = text.upper(), aliased(Case)  # the alias: each lookup is its own indexed query
        lookups = [found.registration_number == upper, found.payment_code == text, found.client_code == upper,
                   found.pod == upper]
        if sees_personal_data(actor.role):  # names only for roles that see personal data (else it would confirm
            lookups.append(found.search_name.like(f"%{fold(text)}%"))  # who has a case); pg_trgm on PostgreSQL
        conditions.append(col(Case.id).in_(union(*(select(found.id).where(lookup) for lookup in lookups))))
    return conditions


@dataclass(frozen=True)
class QueueRow:
    id: int
    registration_number: str
    case_type: str
    state: str
    applicant_name: str
    payment_code: str | None
    pod: str | None
    assignee: str | None
    due_date: date | None
    overdue: bool
    registered_at: datetime
    version: int
    sla_status: str


@dataclass(frozen=True)
class Page:
    rows: list
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


class SortKey(StrEnum):
    """The columns a clerk sorts the queue by; the database sorts every matching case, not one page."""

    DEADLINE = "deadline"
    NUMBER = "number"
    REGISTERED = "registered"
    STATE = "state"
    TYPE = "type"
    ASSIGNEE = "assignee"
    APPLICANT = "applicant"


@dataclass(frozen=True)
class QueueSort:
    key: SortKey = SortKey.DEADLINE
    descending: bool = False


_SORT_COLUMNS = {
    SortKey.DEADLINE: Case.due_date, SortKey.NUMBER: Case.registration_number, SortKey.REGISTERED: Case.registered_at,
    SortKey.STATE: Case.state, SortKey.TYPE: Case.case_type, SortKey.ASSIGNEE: User.display_name,
    SortKey.APPLICANT: Case.applicant_name,
}
_TIE_BREAK = (Case.due_date, Case.registered_at, Case.id)  # ix_case_open_due, ix_case_due_order


def _order(sort: QueueSort) -> list:
    """The chosen column, then the default order: one total order, so pages never overlap."""
    column = _SORT_COLUMNS[sort.key]
    first = [] if sort.key == SortKey.DEADLINE and not sort.descending else [
        column.desc() if sort.descending else column.asc()]
    return [*first, *_TIE_BREAK]


def list_queue(*, uow, actor: Actor, filters: QueueFilter, page: int = 1, page_size: int = 25,
               sort: QueueSort = QueueSort()) -> Page:
    """Cases filtered and searched on indexed columns, sorted by the database, one page at a time.
    Three statements: the count (no join), then the page's ids in order (OFFSET over an index-only walk
    of ix_case_open_due or ix_case_due_order in the default order), then those rows with their assignee."""
    require_role(actor, READERS)
    conditions, order = _conditions(filters, actor), _order(sort)
    ids = select(Case.id).where(*conditions)
    if sort.key == SortKey.ASSIGNEE:  # the only order that needs the staff user
        ids = ids.outerjoin(User, Case.assignee_id == User.id)
    ids = ids.order_by(*order).offset((page - 1) * page_size).limit(page_size)
    with uow.reading():
        total = uow.session.exec(select(func.count()).select_from(Case).where(*conditions)).one()
        result = uow.session.exec(
            select(Case, User.username).outerjoin(User, Case.assignee_id == User.id)
            .where(col(Case.id).in_(ids.correlate(None))).order_by(*order)).all() if total else []
    on = today()
    name = (lambda value: value) if sees_personal_data(actor.role) else mask_name
    rows = [
        QueueRow(c.id, c.registration_number, c.case_type, c.state, name(c.applicant_name), c.payment_code, c.pod,
                 username, c.due_date, is_overdue(c.due_date, c.sla_status, on), c.registered_at, c.version,
                 c.sla_status)
        for c, username in result
    ]
    return Page(rows, total, page, page_size)


@dataclass(frozen=True)
class DocumentView:
    id: int
    doc_type: str
    file_name: str
    content_type: str
    size: int
    sha256: str
    status: str
    is_current: bool
    uploaded_by: str
    uploaded_at: datetime
    reviewed_by: str | None
    review_reason: str | None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    role: str
    kind: str  # a trigger name, or "comment"
    from_state: str | None
    to_state: str | None
    text: str | None
    details: dict


@dataclass(frozen=True)
class CaseView:
    id: int
    version: int
    registration_number: str
    case_type: str
    state: str
    channel: str
    registered_at: datetime
    due_date: date | None
    deadline_name: str | None
    sla_status: str
    overdue: bool
    assignee: str | None
    applicant: dict  # personal data masked for roles that do not need it
    current_holder: str
    old_contract_number: str | None
    new_contract_number: str | None
    verified_by: str | None
    required: list[tuple[str, str]]  # (doc type, status or "missing")
    documents: list[DocumentView]
    actions: list[engine.ActionOption]
    timeline: list[TimelineEntry]
    diagram: str
    documents_open: bool  # documents may be uploaded and reviewed in this state
    optional: list[str] = field(default_factory=list)  # doc types also accepted, several files each
    dispute: "DisputeView | None" = None  # the contested invoice and the credit, for a payment dispute
    workflow_version: int = 1  # the version of its table the case runs (the diagram is that version's)
    latest_version: int = 1  # the version new cases of this type open with


@dataclass(frozen=True)
class DisputeView:
    invoice_id: int
    invoice_number: str
    category: str
    description: str
    disputed_amount: Decimal
    credit_amount: Decimal | None  # proposed, then granted
    credit_proposed_by: str | None
    credit_note_number: str | None
    credit_approved_by: str | None  # who issued the credit note


def _dispute(case: Case, invoice_number: str | None, note: CreditNote | None, role: Role) -> DisputeView | None:
    if case.invoice_id is None:
        return None
    # the customer's own words may name people or numbers: only roles that see personal data read them
    description = (case.data.get("description", "") if sees_personal_data(role)
                   else t("ui.case_dispute.description_hidden"))
    return DisputeView(case.invoice_id, invoice_number, case.data.get("category", "other"), description,
                       case.disputed_amount, case.credit_amount, case.credit_proposed_by,
                       note.number if note else None, note.issued_by if note else None)


_OLD, _NEW, _HOLDER = aliased(Contract), aliased(Contract), aliased(Customer)  # made once (core.accounts.ledger)


def _case_row(s, case_id: int):
    """The case with what it names, in one statement: assignee, old contract and its holder, new
    contract, the disputed invoice's number and the credit note the case issued."""
    old, new, holder = _OLD, _NEW, _HOLDER
    return s.exec(
        select(Case, User.username, old.number, holder.name, new.number, Invoice.invoice_number, CreditNote)
        .outerjoin(User, User.id == Case.assignee_id)
        .outerjoin(old, old.id == Case.old_contract_id).outerjoin(holder, holder.id == old.customer_id)
        .outerjoin(new, new.id == Case.new_contract_id)
        .outerjoin(Invoice, Invoice.id == Case.invoice_id)
        .outerjoin(CreditNote, CreditNote.case_id == Case.id)
        .where(Case.id == case_id).order_by(CreditNote.id)).first()


def _applicant(data: dict, role: Role) -> dict:
    fields = {k: data.get(k) for k in ("applicant_kind", "applicant_name", "national_id", "email", "phone",
                                         "correspondence_address", "handover_index", "right_of_use")}
    if not sees_personal_data(role):
        fields.update(national_id=mask_national_id(fields["national_id"]), email=mask_email(fields["email"]),
                      phone=mask_phone(fields["phone"]), applicant_name=mask_name(fields["applicant_name"]),
                      correspondence_address=mask_address(fields["correspondence_address"]))
    return fields


def _timeline(case_id: int):
    """The case's audit events and comments in one statement (a comment's kind is NULL here)."""
    events = select(AuditEvent.at, AuditEvent.actor, AuditEvent.role, AuditEvent.trigger, AuditEvent.from_state,
                    AuditEvent.to_state, AuditEvent.reason, AuditEvent.details).where(AuditEvent.case_id == case_id)
    comments = select(CaseComment.created_at, CaseComment.author, literal(""), null(), null(), null(),
                      CaseComment.body, null()).where(CaseComment.case_id == case_id)
    return union_all(events, comments)


def case_view(*, uow, case_id: int, actor: Actor) -> CaseView:
    """The case page: the case with what it names (one statement), its documents, audit events and
    comments, and the guards' reads for the actions offered."""
    require_role(actor, READERS)
    with uow.reading():
        s = uow.session
        found = _case_row(s, case_id)
        if found is None:
            raise NotFound()
        case, assignee, old_number, holder, new_number, invoice_number, credit_note = found
        file_name = (lambda name: name) if sees_personal_data(actor.role) else mask_file_name
        # reasons are staff-written but may quote the customer (a CNP, a phone): the role's masking applies
        reason = free_text_for(actor.role)
        applicant = case.applicant_name
        docs = [DocumentView(d.id, d.doc_type, file_name(d.file_name), d.content_type, d.size, d.sha256, d.status,
                             d.is_current, d.uploaded_by, d.uploaded_at, d.reviewed_by,
                             reason(d.review_reason, applicant) or None)
                for d in s.exec(select(CaseDocument).where(CaseDocument.case_id == case_id)
                                .order_by(CaseDocument.doc_type, CaseDocument.id.desc()))]
        current = {d.doc_type: d.status for d in docs if d.is_current}
        wf = engine.workflow_of(case)
        required = [(t, current.get(t, "missing")) for t in wf.required_documents(case.data["applicant_kind"])]
        # internal notes may quote the customer: only roles that see personal data read them
        note = (lambda body: body) if sees_personal_data(actor.role) else (lambda body: t("ui.case.comment_hidden"))
        timeline = [TimelineEntry(at, who, role, kind or "comment", before, after, note(text) if kind is None
                                  else reason(text, applicant) or None, details or {})
                    for at, who, role, kind, before, after, text, details in s.exec(_timeline(case_id))]
        holder = (holder or "") if sees_personal_data(actor.role) else mask_name(holder or "")
        actions = engine.available_actions(s, case, actor)
        optional = [d.doc_type for d in wf.documents
                    if d.doc_type not in dict(required) and case.data["applicant_kind"] in d.applicant_kinds]
        return CaseView(
            case.id, case.version, case.registration_number, case.case_type, case.state, case.channel,
            case.registered_at, case.due_date, case.deadline_name, case.sla_status,
            is_overdue(case.due_date, case.sla_status, today()), assignee, _applicant(case.data, actor.role),
            holder, old_number, new_number, case.verified_by, required, docs,
            actions, sorted(timeline, key=lambda e: e.at, reverse=True),
            workflow_dot(wf, case.state), case.state in wf.document_states, optional,
            _dispute(case, invoice_number, credit_note, actor.role),
            workflow_version=wf.version, latest_version=registry.latest(case.case_type).version,
        )


def find_invoice(*, uow, actor: Actor, invoice_number: str) -> int | None:
    """The id of the invoice with this 11-digit invoice ID (unique, indexed), or None."""
    require_role(actor, READERS)
    typed = text_or_none(invoice_number, length_of(Invoice.invoice_number))
    if typed is None:
        return None
    with uow:
        return uow.session.exec(select(Invoice.id).where(Invoice.invoice_number == typed)).first()


def list_staff(*, uow, actor: Actor) -> list[tuple[str, str, str]]:
    """(username, display name, role) of active clerks and supervisors, for assignment."""
    require_role(actor, BACK_OFFICE)
    with uow:
        return [(u.username, u.display_name, u.role) for u in uow.session.exec(
            select(User).where(User.active, col(User.role).in_([Role.CLERK, Role.SUPERVISOR])).order_by(User.username))]


@dataclass(frozen=True)
class OutboxRow:
    id: int
    channel: str
    recipient: str
    subject: str
    body: str
    template: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def list_outbox(*, uow, actor: Actor, status: str | None = None, page: int = 1, page_size: int = 50) -> Page:
    """Queued, sent and failed messages, newest first. The admin runs delivery, not the customers'
    files: addresses, phone numbers and the applicant's name are masked in every field."""
    require_role(actor, (Role.ADMIN,))
    conditions = [OutboxMessage.status == status] if status else []
    with uow:
        total = uow.session.exec(select(func.count()).select_from(OutboxMessage).where(*conditions)).one()
        newest_first = (select(OutboxMessage, Case.applicant_name).join(Case, isouter=True).where(*conditions)
                        .order_by(OutboxMessage.id.desc()))
        found = uow.session.exec(newest_first.offset((page - 1) * page_size).limit(page_size)).all()
    rows = [
        OutboxRow(m.id, m.channel, mask_email(m.recipient) if m.channel == "email" else mask_phone(m.recipient),
                  scrub(m.subject, name), shown_body(m.body, m.template, name), m.template, m.status, m.attempts,
                  scrub(m.last_error, name) if m.last_error else None, m.created_at, m.sent_at)
        for m, name in found
    ]
    return Page(rows, total, page, page_size)


def shown_body(body: str, template: str, name: str | None) -> str:
    """In production the admin never sees private link tokens or confirmation codes; a development
    installation without SMTP shows them, since the outbox page is then the only place to read them."""
    body = scrub(body, name)
    return hide_secrets(body, template) if settings.environment == "production" else body


WORKER_SILENT_PASSES = 3  # a worker that missed this many passes (and at least a minute) has stopped


@dataclass(frozen=True)
class WorkerState:
    worker: str
    seen_at: datetime
    running: bool  # seen within its last few passes
    email_configured: bool
    sms_configured: bool


@dataclass(frozen=True)
class OutboxState:
    """The queue as it is and what the workers report, for the admin: whether e-mail goes out is read from
    the workers' heartbeats, never from this app's own settings."""

    queued: int
    sent_last_hour: int
    failed: int
    oldest_waiting: datetime | None  # created_at of the oldest queued message
    workers: list[WorkerState]  # newest heartbeat first

    @property
    def running(self) -> list[WorkerState]:
        return [w for w in self.workers if w.running]


def outbox_state(*, uow, actor: Actor) -> OutboxState:
    require_role(actor, (Role.ADMIN,))
    now = utcnow()
    with uow:
        s = uow.session
        waiting = dict(s.exec(select(OutboxMessage.status, func.count()).where(  # ix_outbox_claim_order
            col(OutboxMessage.status).in_([OutboxStatus.QUEUED, OutboxStatus.FAILED]))
            .group_by(OutboxMessage.status)).all())
        sent = s.exec(select(func.count()).select_from(OutboxMessage).where(  # ix_outbox_sent_at
            OutboxMessage.sent_at >= now - timedelta(hours=1))).one()
        oldest = s.exec(select(func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status == OutboxStatus.QUEUED)).one()
        beats = s.exec(select(WorkerHeartbeat).order_by(WorkerHeartbeat.seen_at.desc())).all()
    workers = [WorkerState(b.worker, b.seen_at, b.seen_at >= now - _silence(b.interval_seconds), b.email_configured,
                           b.sms_configured) for b in beats]
    return OutboxState(waiting.get(OutboxStatus.QUEUED, 0), sent, waiting.get(OutboxStatus.FAILED, 0), oldest, workers)


def _silence(interval_seconds: int) -> timedelta:
    return max(timedelta(minutes=1), WORKER_SILENT_PASSES * timedelta(seconds=interval_seconds))
