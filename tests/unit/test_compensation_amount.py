"""The compensation rule on its own: nothing on time, base once plus the daily amount per working day late,
a weekend or holiday after the deadline never adds a day, a pause moves the deadline."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.accounts.compensation import compensation_amount, owed
from core.models import Case

LEI = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("100000.00"), places=2)


@given(days=st.integers(min_value=-1000, max_value=0), base=LEI, per_day=LEI)
def test_nothing_is_owed_when_not_late(days, base, per_day):
    assert compensation_amount(days, base, per_day) == Decimal("0.00")


@given(days=st.integers(min_value=1, max_value=1000), base=LEI, per_day=LEI)
def test_a_late_case_gets_the_base_once_and_the_daily_amount_per_working_day(days, base, per_day):
    amount = compensation_amount(days, base, per_day)
    assert amount == base + per_day * days
    assert compensation_amount(days + 1, base, per_day) - amount == per_day


def closed(due: date, on: datetime, paused_on: date | None = None, case_type="payment_dispute", deadline="answer"):
    return Case(registration_number="CTS-2026-000001", case_type=case_type, workflow_version=1, state="x",
                created_by="t", channel="counter", applicant_name="A", search_name="a", deadline_name=deadline,
                due_date=due, sla_paused_on=paused_on, closed_at=on)


@given(offset=st.integers(min_value=-30, max_value=0), hour=st.integers(min_value=0, max_value=21))
def test_a_case_closed_on_or_before_its_deadline_is_owed_nothing(offset, hour):
    due = date(2026, 12, 15)
    assert owed(closed(due, datetime.combine(due + timedelta(days=offset), datetime.min.time(), UTC)
                       + timedelta(hours=hour))) is None


def test_the_worked_example_and_its_boundaries():
    due = date(2026, 12, 18)  # Friday
    assert owed(closed(due, datetime(2026, 12, 19, 9, tzinfo=UTC))) is None  # Saturday: 0 working days late
    assert owed(closed(due, datetime(2026, 12, 21, 9, tzinfo=UTC))) == (due, 1, Decimal("150.00"))  # Monday
    # 25 and 26 December are holidays: Monday 21 to Thursday 24 and Monday 28 = 5 working days
    assert owed(closed(due, datetime(2026, 12, 28, 9, tzinfo=UTC))) == (due, 5, Decimal("350.00"))


def test_a_pause_never_counts_and_an_unregulated_deadline_is_never_compensated():
    # paused from Monday 14 December to the close on Friday 18: the deadline moves by 4 working days
    paused = closed(date(2026, 12, 15), datetime(2026, 12, 18, 9, tzinfo=UTC), paused_on=date(2026, 12, 14))
    assert owed(paused) is None
    assert owed(closed(date(2026, 12, 1), datetime(2026, 12, 18, 9, tzinfo=UTC), case_type="holder_change",
                       deadline="documents")) is None
