"""Work that time makes due, run by the worker on every pass (`run_due`) with the time injected, so tests move
the clock. Each job scans candidates with a plain read and then handles each case in its own transaction
whose first statement claims it: a unique reminder marker (INSERT ... ON CONFLICT DO NOTHING) or a conditional
UPDATE of the case that re-states the job's condition. A second worker's claim waits for the first one's
commit and then finds nothing to take (SQLite has no row locks, but one writer at a time), so nothing is
sent, cancelled, marked or paid twice however many workers run.

- reminder: the applicant is e-mailed (with a fresh upload link) when documents are still missing
  DOCUMENTS_REMINDER_DAYS working days before the documents deadline; once per case and deadline;
- auto-cancel: a holder-change or new-contract request still awaiting documents past that deadline is
  cancelled by the system actor through the workflow's own `cancel`, the reason telling how to start again;
- deadline missed: a case past its running deadline (core.cases.overdue, the one rule) gets `deadline_missed_at`
  and a "deadline_missed" audit event, once;
- compensation: a case closed late on a regulated deadline is credited (core.accounts.compensation)."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

import core.workflow.subscribers  # noqa: F401  the jobs fire transitions: their subscribers must listen
from core.accounts import compensation
from core.cases.overdue import overdue_clause
from core.models import Case, CaseReminder, SlaStatus, clock_at, utcnow
from core.platform.config import settings
from core.platform.i18n import t
from core.platform.workdays import local_time, working_days_before
from core.staff.auth import SYSTEM
from core.workflow import engine, events, notifications
from workflows.holder_change import State

log = logging.getLogger("ghiseu.timed_jobs")
AWAITING_DOCUMENTS = {"holder_change": State.SUBMITTED, "new_contract": State.SUBMITTED}  # cancelled when late
DOCUMENTS = "documents"  # the deadline the customer's documents run on
BATCH = 200  # cases per job and pass; the rest wait for the next pass


@dataclass(frozen=True)
class TimedEvent:
    """Something a timed job will do to a case, for the case page: its kind and the day."""

    kind: str  # reminder, auto_cancel, deadline_missed
    on: date


def _awaiting_documents():
    """Requests waiting for the customer's documents on a running documents deadline."""
    return [Case.case_type.in_(AWAITING_DOCUMENTS), Case.state == State.SUBMITTED, col(Case.closed_at).is_(None),
            Case.deadline_name == DOCUMENTS, Case.sla_status == SlaStatus.RUNNING]


def reminder_day(due: date) -> date:
    return working_days_before(due, settings.documents_reminder_days)


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _each(uow, ids: list[int], handle) -> int:
    """`handle(session, case_id)` per case, one transaction each, committed when it returns True."""
    done = 0
    for case_id in ids:
        with uow:
            if handle(uow.session, case_id):
                uow.commit()
                done += 1
    return done


def _ids(uow, statement) -> list[int]:
    with uow:
        return list(uow.session.exec(statement.order_by(Case.id).limit(BATCH)))


def send_reminders(*, uow, now: datetime) -> int:
    today = local_time(now).date()
    # a cheap window in calendar days (a reminder falls at most 2 × N + 10 of them before its deadline)
    soon = today + timedelta(days=2 * settings.documents_reminder_days + 10)
    ids = _ids(uow, select(Case.id).where(*_awaiting_documents(), Case.due_date >= today, Case.due_date <= soon))

    def remind(session: Session, case_id: int) -> bool:
        case = session.get(Case, case_id)
        if reminder_day(case.due_date) > today or not engine.awaited_documents(session, case):
            return False
        marker = session.exec(_insert(session)(CaseReminder).values(
            case_id=case.id, deadline_name=case.deadline_name, due_date=case.due_date, sent_at=now)
            .on_conflict_do_nothing().returning(CaseReminder.id)).scalar()
        if marker is None:
            return False  # another worker sent it
        notifications.notify(session, case, "documents_reminder")
        engine.record_event(session, case, SYSTEM, "documents_reminder", from_state=case.state,
                            due_date=case.due_date.isoformat())
        return True

    return _each(uow, ids, remind)


def _claim(session: Session, case_id: int, *where, **values) -> Case | None:
    """Takes the case by one conditional UPDATE restating the job's condition (and moving its version, so a
    form opened before refuses to save over it), or None when it no longer holds."""
    claimed = session.exec(update(Case).where(Case.id == case_id, *where)
                           .values(version=Case.version + 1, **values).returning(Case.id)).first()
    return session.get(Case, case_id) if claimed else None


def cancel_abandoned(*, uow, now: datetime) -> int:
    today = local_time(now).date()
    late = [*_awaiting_documents(), overdue_clause(today)]
    ids = _ids(uow, select(Case.id).where(*late))

    def cancel(session: Session, case_id: int) -> bool:
        case = _claim(session, case_id, *late)
        if case is None:
            return False
        lang = case.data.get("language", "ro")
        engine.fire(session, case, "cancel", SYSTEM, reason=t(
            "timed.auto_cancel_reason", lang=lang, due_date=case.due_date.strftime("%d.%m.%Y"),
            link=settings.public_url(f"/{case.case_type}_online?lang={lang}")))
        return True

    return _each(uow, ids, cancel)


def mark_missed_deadlines(*, uow, now: datetime) -> int:
    today = local_time(now).date()
    missed = [col(Case.closed_at).is_(None), col(Case.deadline_missed_at).is_(None), overdue_clause(today)]
    ids = _ids(uow, select(Case.id).where(*missed))

    def mark(session: Session, case_id: int) -> bool:
        case = _claim(session, case_id, *missed, deadline_missed_at=now)
        if case is None:
            return False
        details = {"deadline": case.deadline_name, "due_date": case.due_date.isoformat()}
        engine.record_event(session, case, SYSTEM, "deadline_missed", from_state=case.state, **details)
        events.publish(session, [events.DeadlineMissed(case=case, trigger="deadline_missed", details=details)])
        return True

    return _each(uow, ids, mark)


def pay_compensations(*, uow, now: datetime) -> int:
    with uow:
        ids = list(uow.session.exec(compensation.candidates_statement(now).limit(BATCH)))
    return _each(uow, ids, lambda session, case_id: compensation.pay(session, case_id) is not None)


JOBS = (("documents reminders", send_reminders), ("requests cancelled for missing documents", cancel_abandoned),
        ("deadlines missed", mark_missed_deadlines), ("compensations paid", pay_compensations))


def run_due(*, uow, now: datetime | None = None) -> dict[str, int]:
    """Every timed job once, in this order (a request cancelled for missing documents is not also marked
    late), with the clock at `now` for everything they write."""
    now = now or utcnow()
    with clock_at(now):
        return {name: job(uow=uow, now=now) for name, job in JOBS}


def ahead(session: Session, case: Case, today: date) -> list[TimedEvent]:
    """What the timed jobs will do to this case, as things stand today (a pause moves or suspends them)."""
    if case.closed_at is not None or case.due_date is None or case.sla_status != SlaStatus.RUNNING:
        return []
    after_due = case.due_date + timedelta(days=1)  # the first day the deadline is past
    ahead = []
    if case.case_type in AWAITING_DOCUMENTS and case.state == State.SUBMITTED and case.deadline_name == DOCUMENTS:
        sent = session.exec(select(CaseReminder.id).where(
            CaseReminder.case_id == case.id, CaseReminder.deadline_name == case.deadline_name,
            CaseReminder.due_date == case.due_date)).first()
        if not sent and engine.awaited_documents(session, case):
            ahead.append(TimedEvent("reminder", max(reminder_day(case.due_date), today)))
        ahead.append(TimedEvent("auto_cancel", after_due))
    elif case.deadline_missed_at is None:
        ahead.append(TimedEvent("deadline_missed", after_due))
    return ahead
