"""Late-payment penalties: a daily rate on what is overdue once the grace period after the due date has
passed. Pure functions, so the ledger, the invoice page and the self-service compute the same figure;
an amount under an open dispute is never charged."""

from datetime import date, timedelta
from decimal import Decimal

from core.accounts.money import money
from core.platform.config import settings


def penalty_days(due_date: date, on: date, grace_days: int | None = None) -> int:
    """Days counted for the penalty: those after due date + grace, up to `on` (0 before that)."""
    grace = settings.penalty_grace_days if grace_days is None else grace_days
    return max((on - (due_date + timedelta(days=grace))).days, 0)


def chargeable(open_amount: Decimal, disputed: Decimal = Decimal("0")) -> Decimal:
    """What a penalty may be charged on: the open amount less what is disputed (never below zero)."""
    return max(money(open_amount) - money(disputed), Decimal("0.00"))


def invoice_penalty(open_amount: Decimal, due_date: date, on: date, *, disputed: Decimal = Decimal("0"),
                    grace_days: int | None = None, daily_rate: Decimal | None = None) -> Decimal:
    """Penalty on one invoice to `on`: chargeable amount x daily rate x days beyond the grace period."""
    rate = settings.penalty_daily_rate if daily_rate is None else daily_rate
    return money(chargeable(open_amount, disputed) * rate * penalty_days(due_date, on, grace_days))
