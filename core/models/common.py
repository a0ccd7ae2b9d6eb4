"""Shared column helpers: the clock (UTC, overridable for seeding history and tests) and money."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import Field

_frozen: ContextVar[datetime | None] = ContextVar("frozen_now", default=None)


def utcnow() -> datetime:
    """Timezone-aware now; every stored timestamp is UTC."""
    return _frozen.get() or datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Makes `utcnow()` return `moment` inside the block: the seed replays past months through the
    real services, and tests pin deadlines to known days."""
    token = _frozen.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _frozen.reset(token)


def money_field(**kwargs) -> Decimal:
    """A lei amount: exact decimal with 2 places, never float."""
    return Field(max_digits=14, decimal_places=2, **kwargs)
