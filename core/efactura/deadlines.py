"""When a document must be reported to RO e-Factura (DESIGN.md §3), in the working days of core.platform.workdays."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.platform.config import settings
from core.platform.workdays import add_working_days

WORKING_DAYS_FROM = date(2026, 1, 1)  # OUG 89/2025: working days for documents issued from this day


def working_days_from(day: date, days: int) -> date:
    """The working day `days` working days after `day` (a day off counts from the next working day)."""
    midnight = datetime.combine(day, time.min, ZoneInfo(settings.timezone))  # within that day's working hours
    return add_working_days(midnight.astimezone(UTC), days)


def deadline_for(issue_date: date) -> date:
    """The last day to report a document: 5 calendar days counted from the day after issue until 2025-12-31,
    5 working days from issue for documents from 2026-01-01."""
    if issue_date < WORKING_DAYS_FROM:
        return issue_date + timedelta(days=settings.efactura_report_days)
    return working_days_from(issue_date, settings.efactura_report_days)
