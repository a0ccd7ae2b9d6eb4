"""The stay marks (core.workflow.stays) recomputed from the rows, independently of the function that wrote
them, and the dashboard's cycle times and time in state as they were computed before the marks: a LEAD()
window over the case's events and a working-day count per closing in Python."""

import statistics
from collections import defaultdict
from datetime import UTC, datetime

from sqlmodel import select

from core.cases.dashboard import CycleTime, DashboardFilter, StateDwell
from core.cases.queries import FINAL_STATES
from core.models import AuditEvent, Case
from core.platform.workdays import working_days_between


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _events_by_case(session) -> dict[int, list[AuditEvent]]:
    events = defaultdict(list)
    for event in session.exec(select(AuditEvent).where(AuditEvent.case_id.is_not(None))
                              .order_by(AuditEvent.case_id, AuditEvent.at, AuditEvent.id)):
        events[event.case_id].append(event)
    return events


def _moves(events: list[AuditEvent]) -> list[AuditEvent]:
    return [e for e in events if e.from_state is None or e.from_state != e.to_state]


def _closes(event: AuditEvent) -> bool:
    return event.to_state in FINAL_STATES and event.from_state is not None and event.from_state not in FINAL_STATES


def check_stay_marks(session) -> list[int]:
    """Asserts every case event's marks and every case's state_entered_at; returns the working days stored
    on the closings, in event order."""
    registered = dict(session.exec(select(Case.id, Case.registered_at)).all())
    entered = dict(session.exec(select(Case.id, Case.state_entered_at)).all())
    closings = []
    for case_id, events in _events_by_case(session).items():
        moves, previous = _moves(events), None
        for event in events:
            if event in moves:
                assert event.entered_at == previous, (event.id, event.entered_at, previous)
                previous = event.at
            else:
                assert event.entered_at is None, event.id
            if _closes(event):
                assert event.working_days == working_days_between(_utc(registered[case_id]), _utc(event.at))
                closings.append(event.working_days)
            else:
                assert event.working_days is None, event.id
        assert entered[case_id] == previous, case_id
    return closings


def cycle_times_before(session, filters: DashboardFilter) -> list[CycleTime]:
    start, end = filters.bounds()
    registered = dict(session.exec(select(Case.id, Case.registered_at)).all())
    days = defaultdict(list)
    for events in _events_by_case(session).values():
        for e in events:
            if _closes(e) and start <= _utc(e.at) < end and filters.case_type in (None, e.workflow):
                days[e.workflow].append(working_days_between(_utc(registered[e.case_id]), _utc(e.at)))

    def percentiles(values):
        if len(values) == 1:
            return float(values[0]), float(values[0])
        return float(statistics.median(values)), statistics.quantiles(values, n=10, method="inclusive")[-1]

    return [CycleTime(wf, len(values), *percentiles(values)) for wf, values in sorted(days.items())]


def dwell_before(session, filters: DashboardFilter, now: datetime) -> list[StateDwell]:
    """Each state change to the next one (or to now), for stays entered in the period and not in a final state."""
    start, end = filters.bounds()
    hours = defaultdict(list)
    for events in _events_by_case(session).values():
        moves = [e for e in _moves(events) if _utc(e.at) >= start]
        for entering, leaving in zip(moves, [*moves[1:], None], strict=True):
            if (_utc(entering.at) < end and entering.to_state not in FINAL_STATES
                    and filters.case_type in (None, entering.workflow)):
                left = _utc(leaving.at) if leaving else now
                hours[entering.workflow, entering.to_state].append((left - _utc(entering.at)).total_seconds() / 3600)
    return [StateDwell(wf, state, len(values), round(sum(values) / len(values), 1))
            for (wf, state), values in sorted(hours.items())]
