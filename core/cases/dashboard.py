"""Read side of the supervisor dashboard: what is open and where it waits, how fast cases close, what is
late or about to be, who holds the work, disputes, money collected and money overdue.

Every figure is a SQL aggregation (COUNT/SUM/AVG with GROUP BY) on an index meant for it, so the snapshot
stays under a second at national size: cycle times count closings per working days stored with each closing,
time in state averages the stays each state change says it ended plus those still running on the cases
(core.workflow.stays), overdue receivables sum the maintained open amounts (ix_invoice_open_due), payments per
day read the daily summary kept on write (paymentday), open cases by age count against date bounds computed
once here (core.cases.queries.aged_from). What reaches Python is small by construction: one count per hour of
registration or closing for the weekly flow, one per (workflow, working days) for the percentiles. Nothing
here changes anything or fires a trigger."""

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import and_, bindparam, extract, func, union_all
from sqlalchemy import case as when
from sqlmodel import Session, col, select

from core.accounts import allocation
from core.accounts.money import money
from core.cases.queries import (
    FINAL_STATES,
    age_conditions,
    closing_events,
    dispute_category,
    due_soon_conditions,
    overdue_conditions,
    today,
)
from core.models import AuditEvent, Case, Compensation, CreditNote, Invoice, PaymentDay, Role, User, utcnow
from core.platform.workdays import day_bounds, local_time
from core.staff.auth import Actor, require_role
from core.staff.masking import mask_name, sees_personal_data

READERS = (Role.SUPERVISOR, Role.ANALYST, Role.ADMIN)
DISPUTE = "payment_dispute"
# open cases by working days since registration: (label, first day, last day or None)
AGE_BUCKETS = (("0-2", 0, 2), ("3-5", 3, 5), ("6-10", 6, 10), ("11-20", 11, 20), ("21+", 21, None))
LIST_LIMIT = 20
T = TypeVar("T")


@dataclass(frozen=True)
class DashboardFilter:
    """The period (local dates, both included) for flows, and an optional case type for everything."""

    date_from: date
    date_to: date
    case_type: str | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        """UTC instants of the local midnights that open the first day and close the last one."""
        return day_bounds(self.date_from, self.date_to)


@dataclass(frozen=True)
class StateCount:
    case_type: str
    state: str
    count: int


@dataclass(frozen=True)
class WeekFlow:
    week: date  # the Monday
    intake: int
    completed: int


@dataclass(frozen=True)
class CycleTime:
    case_type: str
    cases: int
    median: float  # working days
    p90: float


@dataclass(frozen=True)
class StateDwell:
    case_type: str
    state: str
    stays: int
    avg_hours: float


@dataclass(frozen=True)
class AgeBucket:
    label: str
    count: int


@dataclass(frozen=True)
class DeadlineRow:
    id: int
    registration_number: str
    case_type: str
    state: str
    due_date: date
    applicant_name: str  # masked for roles that do not see personal data
    assignee: str | None  # username
    assignee_name: str | None


@dataclass(frozen=True)
class DeadlineList:
    total: int
    rows: list[DeadlineRow]  # the first LIST_LIMIT by deadline


@dataclass(frozen=True)
class WorkloadRow:
    assignee: str | None  # username; None for unassigned cases
    assignee_name: str | None
    state: str
    count: int


@dataclass(frozen=True)
class DisputeCategory:
    category: str
    open_cases: int
    open_amount: Decimal
    credited: Decimal  # credit notes issued in the period


@dataclass(frozen=True)
class DayAmount:
    day: date
    amount: Decimal


@dataclass(frozen=True)
class Snapshot:
    """Every figure of the dashboard, read in one transaction so they agree with each other."""

    as_of: datetime
    filters: DashboardFilter
    open_by_state: list[StateCount]
    weekly: list[WeekFlow]
    cycle_times: list[CycleTime]
    dwell: list[StateDwell]
    ages: list[AgeBucket]
    overdue: DeadlineList
    due_soon: DeadlineList
    workload: list[WorkloadRow]
    disputes: list[DisputeCategory]
    payments: list[DayAmount]
    overdue_receivables: Decimal


@dataclass(frozen=True)
class _Read:
    session: Session
    filters: DashboardFilter
    actor: Actor
    now: datetime

    @property
    def postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def of_type(self, column) -> list:
        return [column == self.filters.case_type] if self.filters.case_type else []

    def in_period(self, column) -> list:
        start, end = self.filters.bounds()
        return [column >= start, column < end]

    def hour(self, column):
        """The UTC hour a timestamp falls in, as a GROUP BY key (a whole-hour offset keeps local
        days and the end of the working day on hour boundaries)."""
        return func.date_trunc("hour", column) if self.postgres else func.strftime("%Y-%m-%d %H:00:00", column)

    def hours_between(self, start, end):
        if self.postgres:
            return extract("epoch", end - start) / 3600.0
        return (func.julianday(end) - func.julianday(start)) * 24.0


def _instant(value: str | datetime) -> datetime:
    """An hour key back as an aware UTC datetime (SQLite gives text, PostgreSQL a timestamp)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _local_day(hour_key) -> date:
    return local_time(_instant(hour_key)).date()


def _closing(r: _Read) -> list:
    """Events that closed a case in the period (a case reopened and closed again counts each time); each
    carries its working days, which lets ix_auditevent_closings answer alone."""
    return [*closing_events(*r.filters.bounds()), *r.of_type(AuditEvent.workflow),
            col(AuditEvent.working_days).is_not(None)]


def _open_by_state(r: _Read) -> list[StateCount]:
    """Open cases per type and state (ix_case_type_state)."""
    rows = r.session.exec(select(Case.case_type, Case.state, func.count()).where(
        col(Case.closed_at).is_(None), *r.of_type(Case.case_type)).group_by(Case.case_type, Case.state)
        .order_by(Case.case_type, Case.state)).all()
    return [StateCount(*row) for row in rows]


def _per_local_day(r: _Read, hour_key, value, *where) -> dict[date, list]:
    """`value` aggregated per UTC hour in SQL, then gathered per local day."""
    days = defaultdict(list)
    key = hour_key.label("hour")  # grouped by its name: PostgreSQL would see two bound 'hour' arguments
    for hour, amount in r.session.exec(select(key, value).where(*where).group_by(key)).all():
        days[_local_day(hour)].append(amount)
    return days


def _weekly(r: _Read) -> list[WeekFlow]:
    """Cases registered and cases closed per ISO week of the period (weeks without any included)."""
    intake = _per_local_day(r, r.hour(Case.registered_at), func.count(),
                            *r.in_period(Case.registered_at), *r.of_type(Case.case_type))
    closed = _per_local_day(r, r.hour(AuditEvent.at), func.count(), *_closing(r))
    monday = r.filters.date_from - timedelta(days=r.filters.date_from.weekday())
    weeks = {monday + timedelta(weeks=n): [0, 0]
             for n in range((r.filters.date_to - monday).days // 7 + 1)}
    for column, days in enumerate((intake, closed)):
        for day, counts in days.items():
            weeks[day - timedelta(days=day.weekday())][column] += sum(counts)
    return [WeekFlow(week, i, c) for week, (i, c) in sorted(weeks.items())]


def percentiles(counts: Counter[int]) -> tuple[float, float]:
    """Median and 90th percentile of values given as {value: times seen} (a few dozen rows from SQL, whatever
    the number of closings); the inclusive method keeps both within the values seen."""
    values = sorted(counts.elements())
    if len(values) == 1:
        return float(values[0]), float(values[0])
    return float(statistics.median(values)), statistics.quantiles(values, n=10, method="inclusive")[-1]


def cycle_statement(r: _Read):
    """SQL: closings in the period counted per workflow and working days (stored with each closing)."""
    return (select(AuditEvent.workflow, AuditEvent.working_days, func.count()).where(*_closing(r))
            .group_by(AuditEvent.workflow, AuditEvent.working_days))


def _cycle_times(r: _Read) -> list[CycleTime]:
    """Working days from registration to closing, per workflow, for cases closed in the period."""
    days = defaultdict(Counter)
    for workflow, working_days, count in r.session.exec(cycle_statement(r)).all():
        days[workflow][working_days] = count
    return [CycleTime(workflow, sum(counts.values()), *percentiles(counts))
            for workflow, counts in sorted(days.items())]


def dwell_statement(r: _Read):
    """SQL: stays begun in the period, per workflow and state: those a later state change ended (each such
    event says when the state it leaves was entered: ix_auditevent_stays) and those still running, up to now
    (the case says when it entered its state: ix_case_state_entered)."""
    start, end = r.filters.bounds()
    now = bindparam("now", r.now, type_=AuditEvent.__table__.c.at.type)
    ended = select(AuditEvent.workflow.label("workflow"), AuditEvent.from_state.label("state"),
                   r.hours_between(AuditEvent.entered_at, AuditEvent.at).label("hours")).where(
        col(AuditEvent.entered_at).is_not(None), AuditEvent.entered_at >= start, AuditEvent.entered_at < end,
        col(AuditEvent.from_state).not_in(FINAL_STATES), *r.of_type(AuditEvent.workflow))
    running = select(Case.case_type, Case.state, r.hours_between(Case.state_entered_at, now)).where(
        Case.state_entered_at >= start, Case.state_entered_at < end, col(Case.state).not_in(FINAL_STATES),
        *r.of_type(Case.case_type))
    stays = union_all(ended, running).subquery()
    return (select(stays.c.workflow, stays.c.state, func.count(), func.avg(stays.c.hours))
            .group_by(stays.c.workflow, stays.c.state).order_by(stays.c.workflow, stays.c.state))


def _dwell(r: _Read) -> list[StateDwell]:
    """Average hours a case stays in each state, from each state change to the next one. Stays begun in the
    period count; a stay still running counts up to now, so a state where work is stuck shows. Final states
    are left out: a closed case waits for nobody (even when a supervisor reopens it later)."""
    rows = r.session.exec(dwell_statement(r)).all()
    return [StateDwell(workflow, state, count, round(float(avg), 1)) for workflow, state, count, avg in rows]


def ages_statement(now: datetime, case_type: str | None = None):
    """SQL: open cases counted per age bucket, one row, against registration instants computed once from
    the working-day calendar (core.cases.queries.age_conditions, the queue's own age filter)."""
    counts = [func.coalesce(func.sum(when((and_(*age_conditions(low, high, now)), 1), else_=0)), 0)
              for _, low, high in AGE_BUCKETS]
    return select(*counts).where(col(Case.closed_at).is_(None),  # ix_case_open_due holds registered_at
                                 *([Case.case_type == case_type] if case_type else []))


def _ages(r: _Read) -> list[AgeBucket]:
    """Open cases by working days since registration."""
    counts = r.session.exec(ages_statement(r.now, r.filters.case_type)).one()
    return [AgeBucket(label, int(count)) for (label, _, _), count in zip(AGE_BUCKETS, counts, strict=True)]


def _deadlines(r: _Read, *where) -> DeadlineList:
    conditions = [col(Case.closed_at).is_(None), *r.of_type(Case.case_type), *where]
    total = r.session.exec(select(func.count()).select_from(Case).where(*conditions)).one()
    rows = r.session.exec(
        select(Case.id, Case.registration_number, Case.case_type, Case.state, Case.due_date, Case.applicant_name,
               User.username, User.display_name)
        .join(User, Case.assignee_id == User.id, isouter=True).where(*conditions)
        .order_by(Case.due_date, Case.registered_at, Case.id).limit(LIST_LIMIT)).all()  # ix_case_open_due
    name = (lambda value: value) if sees_personal_data(r.actor.role) else mask_name
    return DeadlineList(total, [DeadlineRow(i, number, kind, state, due, name(applicant), user, display)
                                for i, number, kind, state, due, applicant, user, display in rows])


def _overdue(r: _Read) -> DeadlineList:
    """Past their deadline: the same cases as the queue's "overdue only" toggle."""
    return _deadlines(r, *overdue_conditions())


def _due_soon(r: _Read) -> DeadlineList:
    """Running deadlines that fall from today to two working days ahead (paused ones wait for the customer):
    the same cases as the queue's "due soon" filter."""
    return _deadlines(r, *due_soon_conditions())


def _workload(r: _Read) -> list[WorkloadRow]:
    """Open cases per assignee and state (ix_case_assignee_state); unassigned ones under None."""
    rows = r.session.exec(
        select(User.username, User.display_name, Case.state, func.count()).select_from(Case)
        .join(User, Case.assignee_id == User.id, isouter=True)
        .where(col(Case.closed_at).is_(None), *r.of_type(Case.case_type))
        .group_by(User.username, User.display_name, Case.state).order_by(User.username, Case.state)).all()
    return [WorkloadRow(*row) for row in rows]


def _disputes(r: _Read) -> list[DisputeCategory]:
    """Open disputes (count and amount) and credit notes issued in the period, by the category the
    customer chose (read from the case's JSON data in SQL)."""
    if r.filters.case_type not in (None, DISPUTE):
        return []
    category = dispute_category().label("category")  # grouped by name, as the hour
    open_rows = r.session.exec(
        select(category, func.count(), func.coalesce(func.sum(Case.disputed_amount), 0))
        .where(Case.case_type == DISPUTE, col(Case.closed_at).is_(None)).group_by(category)).all()
    credited = dict(r.session.exec(
        select(category, func.sum(CreditNote.amount)).join(Case, Case.id == CreditNote.case_id)
        .where(*r.in_period(CreditNote.issued_at)).group_by(category)).all())
    opened = {name: (count, amount) for name, count, amount in open_rows}
    return [DisputeCategory(name, opened.get(name, (0, 0))[0], money(opened.get(name, (0, 0))[1]),
                            money(credited.get(name) or 0))
            for name in sorted(set(opened) | set(credited))]


def payments_statement(first: date, last: date):
    """SQL: money collected per local day from the daily summary (its primary key starts with the day)."""
    return (select(PaymentDay.day, func.sum(PaymentDay.amount)).where(PaymentDay.day >= first, PaymentDay.day <= last)
            .group_by(PaymentDay.day))


def _payments(r: _Read) -> list[DayAmount]:
    """Money collected per local day of the period, net of refunds and reversals (every day listed)."""
    days = dict(r.session.exec(payments_statement(r.filters.date_from, r.filters.date_to)).all())
    span = (r.filters.date_to - r.filters.date_from).days + 1
    every = (r.filters.date_from + timedelta(days=n) for n in range(span))
    return [DayAmount(day, money(days.get(day, 0))) for day in every]


def overdue_receivables_statement(on: date):
    """SQL: what is still to pay on invoices due before `on`, from the partial index of open invoices."""
    return (select(func.coalesce(func.sum(Invoice.open_amount), 0))
            .where(allocation.is_open(), Invoice.due_date < on))


def _overdue_receivables(r: _Read) -> Decimal:
    """What is still to pay on invoices past their due date (disputed amounts included)."""
    return money(r.session.exec(overdue_receivables_statement(today())).one())


def _public(query: Callable[[_Read], T]) -> Callable[..., T]:
    """The keyword-only service around one query: role check, one read-only unit of work."""
    def read(*, uow, actor: Actor, filters: DashboardFilter) -> T:
        require_role(actor, READERS)
        with uow:
            return query(_Read(uow.session, filters, actor, utcnow()))
    read.__name__, read.__doc__ = query.__name__.lstrip("_"), query.__doc__
    return read


open_cases_by_state = _public(_open_by_state)
weekly_flow = _public(_weekly)
cycle_times = _public(_cycle_times)
time_in_state = _public(_dwell)
open_cases_by_age = _public(_ages)
overdue_cases = _public(_overdue)
due_soon_cases = _public(_due_soon)
workload = _public(_workload)
disputes_by_category = _public(_disputes)
payments_per_day = _public(_payments)
overdue_receivables = _public(_overdue_receivables)


def _snapshot(r: _Read) -> Snapshot:
    return Snapshot(r.now, r.filters, _open_by_state(r), _weekly(r), _cycle_times(r), _dwell(r), _ages(r),
                    _overdue(r), _due_soon(r), _workload(r), _disputes(r), _payments(r), _overdue_receivables(r))


snapshot = _public(_snapshot)
snapshot.__doc__ = "Every figure of the dashboard from one read transaction, stamped with when it was read."



@dataclass(frozen=True)
class CompensationMonth:
    month: date  # the first day of the Bucharest month
    deadline_kind: str  # "<workflow>.<deadline>" (core.accounts.compensation)
    cases: int
    amount: Decimal


def _compensation(r: _Read) -> list[CompensationMonth]:
    """Missed-deadline compensation credited in the period, per local month and deadline kind (hourly SQL
    groups, gathered per month here, as the weekly flow)."""
    kinds = defaultdict(lambda: [0, Decimal("0.00")])
    key = r.hour(Compensation.paid_at).label("hour")
    rows = r.session.exec(
        select(key, Compensation.deadline_kind, func.count(), func.sum(Compensation.amount))
        .join(Case, Case.id == Compensation.case_id)
        .where(*r.in_period(Compensation.paid_at), *r.of_type(Case.case_type))
        .group_by(key, Compensation.deadline_kind)).all()
    for hour, kind, cases, amount in rows:
        slot = kinds[(_local_day(hour).replace(day=1), kind)]
        slot[0] += cases
        slot[1] += money(amount)
    return [CompensationMonth(month, kind, cases, amount) for (month, kind), (cases, amount) in sorted(kinds.items())]


compensation_paid = _public(_compensation)
