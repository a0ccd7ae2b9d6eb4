from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.platform.config import settings
from core.platform.workdays import (
    add_working_days,
    extend_by_pause,
    is_working_day,
    working_days_count,
    working_days_late,
)


def test_a_deadline_skips_weekends_and_romanian_public_holidays():
    # Thursday 26 Nov 2026, 10:00 local: 30 Nov (St Andrew) and 1 Dec (National Day) do not count
    received = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert add_working_days(received, 5) == date(2026, 12, 7)


def test_a_request_received_after_hours_counts_from_the_next_working_day():
    evening = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)  # 18:30 in Bucharest
    assert add_working_days(evening, 5) == date(2026, 12, 8)


def test_a_request_received_before_opening_counts_from_that_same_day():
    # Thursday 26 Nov 2026, 07:30 in Bucharest: the same deadline as at 10:00, 7 Dec
    before_opening = datetime(2026, 11, 26, 5, 30, tzinfo=UTC)
    assert add_working_days(before_opening, 5) == add_working_days(datetime(2026, 11, 26, 8, 0, tzinfo=UTC), 5)
    assert add_working_days(before_opening, 5) == date(2026, 12, 7)


def test_the_closing_hour_itself_is_after_hours():
    # 15:59 in Bucharest counts from Thursday, 16:00 (settings.working_day_end_hour) from Friday
    assert settings.working_day_end_hour == 16
    assert add_working_days(datetime(2026, 11, 26, 13, 59, tzinfo=UTC), 1) == date(2026, 11, 27)
    assert add_working_days(datetime(2026, 11, 26, 14, 0, tzinfo=UTC), 1) == date(2026, 12, 2)


@pytest.mark.parametrize(("received", "days", "due"), [
    # Orthodox Easter 2026: Good Friday 10 April, Easter Monday 13 April
    (datetime(2026, 4, 9, 7, 0, tzinfo=UTC), 5, date(2026, 4, 20)),
    # Orthodox Easter 2027: Good Friday 30 April, 1 May on the Saturday, Easter Monday 3 May
    (datetime(2027, 4, 29, 7, 0, tzinfo=UTC), 3, date(2027, 5, 6)),
    # Whit Monday (Rusalii) 2026 falls on Children's Day, 1 June; 2027 on 21 June
    (datetime(2026, 5, 29, 7, 0, tzinfo=UTC), 1, date(2026, 6, 2)),
    (datetime(2027, 6, 18, 7, 0, tzinfo=UTC), 1, date(2027, 6, 22)),
    # a dispute answered in 15 working days across Easter 2026
    (datetime(2026, 4, 6, 7, 0, tzinfo=UTC), 15, date(2026, 4, 29)),
    # the README's example: across Easter and 1 May 2026
    (datetime(2026, 4, 9, 7, 0, tzinfo=UTC), 15, date(2026, 5, 5)),
])
def test_deadlines_skip_orthodox_easter_and_whit_monday(received, days, due):
    assert add_working_days(received, days) == due


def test_the_easter_and_whit_monday_days_come_from_the_holidays_calendar():
    for day in (date(2026, 4, 10), date(2026, 4, 13), date(2026, 6, 1), date(2027, 4, 30), date(2027, 5, 3),
                date(2027, 6, 21)):
        assert not is_working_day(day), day
    assert is_working_day(date(2026, 4, 14)) and is_working_day(date(2027, 6, 22))


def test_a_pause_over_easter_counts_only_the_working_days_it_held():
    # paused Thursday 9 April 2026, answered Tuesday 14 April: only Thursday was a working day lost
    assert extend_by_pause(date(2026, 4, 20), date(2026, 4, 9), date(2026, 4, 14)) == date(2026, 4, 21)


def test_a_request_received_on_a_saturday_counts_from_monday():
    saturday = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    monday = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 09:00 local, within working hours
    assert add_working_days(saturday, 1) == add_working_days(monday, 1) == date(2026, 11, 24)


def test_a_paused_deadline_moves_by_the_working_days_spent_paused():
    # paused Monday 7 Dec, resumed Wednesday 9 Dec: two working days
    assert extend_by_pause(date(2026, 12, 10), date(2026, 12, 7), date(2026, 12, 9)) == date(2026, 12, 14)


def test_lateness_counts_only_working_days():
    assert working_days_late(date(2026, 11, 27), date(2026, 12, 2)) == 1
    assert working_days_late(date(2026, 11, 27), date(2026, 11, 27)) == 0


def test_cycle_time_counts_working_days_between_two_moments():
    from core.platform.workdays import working_days_between

    thursday = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert working_days_between(thursday, datetime(2026, 11, 26, 12, 0, tzinfo=UTC)) == 0
    assert working_days_between(thursday, datetime(2026, 12, 2, 12, 0, tzinfo=UTC)) == 2  # 27 Nov, 2 Dec


RO_CALENDAR = holidays.country_holidays("RO", years=range(2015, 2046))


@given(st.dates(date(2016, 1, 1), date(2044, 12, 31)), st.integers(-5, 800))
def test_counting_working_days_from_the_year_tables_agrees_with_walking_the_calendar(first, span):
    """Every range, across years, Easter and 1 December, empty and reversed ones included."""
    last = first + timedelta(days=span)
    walked = RO_CALENDAR.get_working_days_count(first, last) if span >= 0 else 0  # the library's own count
    assert working_days_count(first, last) == walked
