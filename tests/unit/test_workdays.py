from datetime import UTC, date, datetime

from core.workdays import add_working_days, extend_by_pause, working_days_late


def test_a_deadline_skips_weekends_and_romanian_public_holidays():
    # Thursday 26 Nov 2026, 10:00 local: 30 Nov (St Andrew) and 1 Dec (National Day) do not count
    received = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert add_working_days(received, 5) == date(2026, 12, 7)


def test_a_request_received_after_hours_counts_from_the_next_working_day():
    evening = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)  # 18:30 in Bucharest
    assert add_working_days(evening, 5) == date(2026, 12, 8)


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
    from core.workdays import working_days_between

    thursday = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert working_days_between(thursday, datetime(2026, 11, 26, 12, 0, tzinfo=UTC)) == 0
    assert working_days_between(thursday, datetime(2026, 12, 2, 12, 0, tzinfo=UTC)) == 2  # 27 Nov, 2 Dec
