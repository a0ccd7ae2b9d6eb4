"""Shared column helpers: UTC timestamps and money as Decimal."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import Field


def utcnow() -> datetime:
    """Timezone-aware now; every stored timestamp is UTC."""
    return datetime.now(UTC)


def money_field(**kwargs) -> Decimal:
    """A lei amount: exact decimal with 2 places, never float."""
    return Field(max_digits=14, decimal_places=2, **kwargs)
