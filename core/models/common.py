"""Shared column helpers: the clock (UTC, overridable for seeding history and tests) and money."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import String
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


def code_field(length: int, **kwargs):
    """A status or kind (a str Enum) stored as its plain lower-case value in a VARCHAR, not as a
    native database enum: reports read the same text the code uses, and new values need no DDL."""
    return Field(sa_type=String(length), max_length=length, **kwargs)


def money_field(**kwargs) -> Decimal:
    """A lei amount: exact decimal with 2 places, never float."""
    return Field(max_digits=14, decimal_places=2, **kwargs)
