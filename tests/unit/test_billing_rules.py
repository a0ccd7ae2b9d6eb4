from datetime import date
from decimal import Decimal

from core.accounts.invoice_lines import vat_rate_on
from core.accounts.money import money


def test_vat_is_19_percent_until_july_2025_and_21_percent_from_august_2025():
    assert vat_rate_on(date(2025, 7, 31)) == Decimal("0.19")
    assert vat_rate_on(date(2025, 8, 1)) == Decimal("0.21")
    assert vat_rate_on(date(2026, 11, 26)) == Decimal("0.21")


def test_money_rounds_half_up_to_bani():
    assert money(Decimal("10.005")) == Decimal("10.01")
    assert money(Decimal("10.004")) == Decimal("10.00")
