"""The deadline next to a case, in words: a deadline passed over a public holiday or a weekend is
"depășit", never "depășit cu 0 zile lucrătoare"."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.platform.workdays import working_days_late
from ui import widgets
from ui.widgets import deadline_text

DUE = date(2026, 11, 30)  # a Monday; 1 December (Ziua Națională) is a public holiday


def on(monkeypatch, day: date) -> None:
    monkeypatch.setattr(widgets, "today", lambda: day)


def test_a_deadline_passed_on_a_public_holiday_reads_overdue_without_a_zero(monkeypatch):
    on(monkeypatch, date(2026, 12, 1))
    assert deadline_text(DUE, overdue=True) == "30.11.2026 · termen depășit"


def test_the_first_working_day_after_the_holiday_counts_one_day_late(monkeypatch):
    on(monkeypatch, date(2026, 12, 2))
    assert deadline_text(DUE, overdue=True) == "30.11.2026 · depășit cu o zi lucrătoare"


@given(due=st.dates(date(2026, 1, 1), date(2027, 12, 31)), late_by=st.integers(1, 40))
def test_an_overdue_deadline_never_says_zero_days(due, late_by):
    day = due + timedelta(days=late_by)
    with pytest.MonkeyPatch.context() as patch:
        on(patch, day)
        words = deadline_text(due, overdue=True)
    late = working_days_late(due, day)
    assert " 0 " not in words
    assert words.endswith("termen depășit") == (late == 0)
