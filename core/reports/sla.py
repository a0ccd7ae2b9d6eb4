"""The SLA summary: per case type and ISO week, how many cases were registered, closed, closed within
their deadline and closed late, and the median cycle time in working days of those closed. Weeks are
Bucharest calendar weeks and cycle times follow the holiday calendar, so both are computed here while
streaming; what is kept per week is a few counters (cycle times as a histogram), not the rows."""

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from core.accounts.money import money
from core.cases.overdue import deadline_missed
from core.models import Case, Compensation, SlaStatus
from core.platform import xlsx
from core.platform.workdays import local_time, working_days_between
from core.reports.base import Column, Filters, Period, Report, Table, label, stream
from core.staff.auth import Actor

COLUMNS = [
    Column("case_type", xlsx.TEXT, 20), Column("week", xlsx.TEXT, 10), Column("week_start", xlsx.DAY_CELL, 12),
    Column("registered", xlsx.INT, 12, total=True), Column("closed", xlsx.INT, 12, total=True),
    Column("closed_in_time", xlsx.INT, 14, total=True), Column("closed_late", xlsx.INT, 12, total=True),
    Column("median_cycle_days", xlsx.DECIMAL, 14), Column("compensated", xlsx.INT, 12, total=True),
    Column("compensation_lei", xlsx.MONEY, 14, total=True),
]


class Week:
    def __init__(self):
        self.registered = self.closed = self.in_time = self.late = self.compensated = 0
        self.compensation = Decimal("0.00")  # credited for the cases closed late that week (core.accounts.compensation)
        self.cycles: Counter[int] = Counter()

    def median(self) -> float | None:
        total = sum(self.cycles.values())
        if not total:
            return None
        ordered = sorted(self.cycles.items())
        return (_nth(ordered, (total - 1) // 2) + _nth(ordered, total // 2)) / 2


def _nth(histogram: list[tuple[int, int]], index: int) -> int:
    seen = 0
    for value, times in histogram:
        seen += times
        if index < seen:
            return value
    raise IndexError(index)


def build(session: Session, actor: Actor, period: Period, filters: Filters) -> list[Table]:
    start, end = period.bounds()
    touched = or_(and_(Case.registered_at >= start, Case.registered_at < end),
                  and_(Case.closed_at >= start, Case.closed_at < end))
    conditions = [touched] + ([Case.case_type == filters.case_type] if filters.case_type else [])
    statement = (select(Case.case_type, Case.registered_at, Case.closed_at, Case.due_date, Case.sla_paused_on,
                        Compensation.amount).outerjoin(Compensation, Compensation.case_id == Case.id)
                 .where(*conditions))
    weeks = -(-((period.date_to - period.date_from).days + 1) // 7)  # an estimate, for the progress bar
    return [Table("sla", COLUMNS, _rows(session, statement, period), weeks)]


def _rows(session: Session, statement, period: Period) -> Iterator[tuple]:
    weeks: dict[tuple[str, int, int], Week] = defaultdict(Week)
    for case_type, registered, closed, due, paused, compensated in stream(session, statement):
        on = local_time(registered).date()
        if period.date_from <= on <= period.date_to:
            weeks[(case_type, *on.isocalendar()[:2])].registered += 1
        closed_on = local_time(closed).date() if closed else None
        if closed_on and period.date_from <= closed_on <= period.date_to:
            week = weeks[(case_type, *closed_on.isocalendar()[:2])]
            week.closed += 1
            if deadline_missed(due, SlaStatus.STOPPED, paused, closed, closed_on):
                week.late += 1
                if compensated is not None:
                    week.compensated += 1
                    week.compensation += money(compensated)
            else:
                week.in_time += 1
            week.cycles[working_days_between(registered, closed)] += 1
    for (case_type, year, number), week in sorted(weeks.items()):
        yield (label("case_type", case_type), f"{year}-W{number:02d}", date.fromisocalendar(year, number, 1),
               week.registered, week.closed, week.in_time, week.late, week.median(), week.compensated,
               week.compensation)


REPORT = Report("sla", build, case_type_filter=True)
