"""Money is Decimal lei rounded half-up to bani; never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """Rounds to bani. Database sums arrive as Decimal on PostgreSQL and as float on SQLite (which
    stores NUMERIC as binary floating point), so they pass through str() first."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
