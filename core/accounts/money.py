"""Money is Decimal lei rounded half-up to bani; never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def format_lei(amount: Decimal) -> str:
    """Romanian money text: 1.234,56 lei (thousands with dots, bani after a comma)."""
    grouped = f"{money(amount):,.2f}"
    return grouped.replace(",", " ").replace(".", ",").replace(" ", ".") + " lei"


def money(value: Decimal | int | str) -> Decimal:
    """Rounds to bani. Database sums arrive as Decimal on PostgreSQL and as float on SQLite (which
    stores NUMERIC as binary floating point), so they pass through str() first."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
