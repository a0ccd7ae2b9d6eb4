"""Late-payment penalties: a daily rate on the overdue amount after the grace period, never on what is
disputed, rounded to bani."""

from datetime import date
from decimal import Decimal

from core.accounts.penalties import chargeable, invoice_penalty, penalty_days
from core.platform.config import settings

DUE = date(2026, 3, 10)


def test_the_defaults_are_15_days_of_grace_and_two_hundredths_of_a_percent_a_day():
    assert settings.penalty_grace_days == 15 and settings.penalty_daily_rate == Decimal("0.0002")


def test_no_penalty_runs_until_the_grace_period_after_the_due_date_has_passed():
    assert penalty_days(DUE, date(2026, 3, 10)) == 0
    assert penalty_days(DUE, date(2026, 3, 25)) == 0  # due date + 15 days
    assert invoice_penalty(Decimal("500.00"), DUE, date(2026, 3, 25)) == Decimal("0.00")


def test_each_day_beyond_the_grace_period_adds_the_daily_rate_of_the_overdue_amount():
    assert penalty_days(DUE, date(2026, 3, 26)) == 1
    # 1,000 lei x 0.02% x 10 days
    assert invoice_penalty(Decimal("1000.00"), DUE, date(2026, 4, 4)) == Decimal("2.00")


def test_the_penalty_is_rounded_half_up_to_bani():
    # 123.45 x 0.0002 x 7 = 0.172830
    assert invoice_penalty(Decimal("123.45"), DUE, date(2026, 4, 1)) == Decimal("0.17")
    # 125.00 x 0.0002 x 1 = 0.025
    assert invoice_penalty(Decimal("125.00"), DUE, date(2026, 3, 26)) == Decimal("0.03")


def test_an_amount_under_dispute_is_never_charged():
    assert chargeable(Decimal("300.00"), Decimal("100.00")) == Decimal("200.00")
    assert invoice_penalty(Decimal("300.00"), DUE, date(2026, 4, 4), disputed=Decimal("100.00")) == Decimal("0.40")
    assert invoice_penalty(Decimal("300.00"), DUE, date(2026, 4, 4), disputed=Decimal("300.00")) == Decimal("0.00")


def test_a_paid_invoice_or_a_credit_is_never_charged():
    assert invoice_penalty(Decimal("0.00"), DUE, date(2026, 6, 1)) == Decimal("0.00")
    assert invoice_penalty(Decimal("-40.00"), DUE, date(2026, 6, 1)) == Decimal("0.00")
    assert chargeable(Decimal("50.00"), Decimal("80.00")) == Decimal("0.00")


def test_grace_and_rate_are_configurable():
    assert penalty_days(DUE, date(2026, 3, 20), grace_days=0) == 10
    assert invoice_penalty(Decimal("1000.00"), DUE, date(2026, 3, 20), grace_days=0,
                           daily_rate=Decimal("0.001")) == Decimal("10.00")

