"""When a case is overdue: one rule, read as SQL by the queue's filter and the dashboard and in Python by
the case view, the queue's red marking and the reports. Only a running deadline can be overdue: a paused
one waits for the customer (that time never counts) and a stopped one no longer runs."""

from datetime import date, datetime

from core.models import Case, SlaStatus
from core.platform.workdays import extend_by_pause, local_time


def _past_running_deadline(due, sla_status, on):
    """The rule itself, on columns (a SQL expression) or on values (a bool)."""
    return (sla_status == SlaStatus.RUNNING) & (due < on)


def overdue_clause(on: date):
    """Cases overdue on `on`, as a WHERE condition (a missing deadline compares as NULL: never overdue)."""
    return _past_running_deadline(Case.due_date, Case.sla_status, on)


def is_overdue(due: date | None, sla_status: str, on: date) -> bool:
    return due is not None and bool(_past_running_deadline(due, sla_status, on))


def deadline_missed(due: date | None, sla_status: str, paused_on: date | None, closed_at: datetime | None,
                    on: date) -> bool:
    """An open case: overdue on `on`. A closed one: overdue on its closing day with its deadline running,
    moved by the pause it was closed in, as the customer's answer on that day would have moved it."""
    if closed_at is None:
        return is_overdue(due, sla_status, on)
    return is_overdue(due_at_close(due, paused_on, closed_at), SlaStatus.RUNNING, local_time(closed_at).date())


def due_at_close(due: date | None, paused_on: date | None, closed_at: datetime) -> date | None:
    """A closed case's deadline as it stood on its closing day: moved by the pause it was closed in."""
    if due is not None and paused_on is not None:
        return extend_by_pause(due, paused_on, local_time(closed_at).date())
    return due
