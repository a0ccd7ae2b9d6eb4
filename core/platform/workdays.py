"""Deadlines in Romanian working days: weekends and public holidays (from `holidays`) do not count,
and a request received outside working hours counts from the next working day."""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from core.platform.config import settings


@cache
def _calendar() -> holidays.HolidayBase:
    return holidays.country_holidays("RO", years=range(2015, 2046))


def local_time(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(settings.timezone))


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants of the local midnights that open the first day and close the last one: [start, end)."""
    zone = ZoneInfo(settings.timezone)
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(last + timedelta(days=1), time(), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


@cache
def is_working_day(day: date) -> bool:
    """Cached per date: the dashboard asks it for tens of thousands of cases at national size."""
    return _calendar().is_working_day(day)


@cache
def _working_days_through(year: int) -> tuple[int, ...]:
    """For each day of `year` (by day of the year, from 0), the working days from 1 January through it."""
    counts, count, day = [], 0, date(year, 1, 1)
    while day.year == year:
        count += is_working_day(day)
        counts.append(count)
        day += timedelta(days=1)
    return tuple(counts)


def working_days_count(first: date, last: date) -> int:
    """Working days from `first` through `last`, both included (0 when `last` is before `first`), from one
    table per year instead of a walk over the days between."""
    if last < first:
        return 0

    def through(day: date) -> int:
        return _working_days_through(day.year)[day.timetuple().tm_yday - 1]

    whole_years = sum(_working_days_through(year)[-1] for year in range(first.year, last.year))
    return whole_years + through(last) - through(first) + is_working_day(first)


def counting_day(received: datetime) -> date:
    """Day 0 of a deadline: the day received if it came in working hours, else the next working day
    (as if it had been received that morning)."""
    local = local_time(received)
    day = local.date()
    if is_working_day(day) and local.time() < time(settings.working_day_end_hour):
        return day
    following = day + timedelta(days=1)
    while not is_working_day(following):
        following += timedelta(days=1)
    return following


def add_working_days(received: datetime, days: int) -> date:
    """The date a deadline of `days` working days falls on for something received at `received`."""
    return _calendar().get_nth_working_day(counting_day(received), days)


def extend_by_pause(due: date, paused_on: date, resumed_on: date) -> date:
    """Moves a deadline by the working days spent paused."""
    paused = working_days_count(paused_on, resumed_on) - 1 if resumed_on > paused_on else 0
    return _calendar().get_nth_working_day(due, paused) if paused > 0 else due


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days elapsed from `start` to `end` (cycle times): 0 within the same working day."""
    first, last = counting_day(start), local_time(end).date()
    return max(working_days_count(first, last) - 1, 0) if last > first else 0


def working_days_late(due: date, today: date) -> int:
    """How many working days past `due` we are on `today` (0 if not late)."""
    if today <= due:
        return 0
    return working_days_count(due + timedelta(days=1), today)


def working_days_before(day: date, days: int) -> date:
    """The working day `days` working days before `day` (a reminder ahead of a deadline)."""
    return _calendar().get_nth_working_day(day, -days)
