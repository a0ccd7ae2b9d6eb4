"""What a case's audit event records about the stay it ends, beside the facts the chain covers: when the state
it leaves was entered and, on the event that closes the case, the working days since registration. Both are
known when the event is written, so the dashboard's time in state and cycle times are indexed aggregates
instead of a window over every event and a working-day count per closing in Python. One function, `marks`,
gives them to the engine, the bulk loader and migration 0021's backfill."""

from datetime import UTC, datetime
from typing import NamedTuple

from core.platform.workdays import working_days_between
from core.workflow import registry

FINAL_STATES = tuple(sorted({s for wf in registry.tables() for s in wf.final_states}))


class Marks(NamedTuple):
    entered_at: datetime | None  # the event's: when the state it leaves was entered (state changes only)
    working_days: int | None  # the event's: registration to closing (closing events only)
    state_since: datetime | None  # the case's state_entered_at once the event is written


def _utc(moment: datetime) -> datetime:
    """SQLite gives naive UTC timestamps back."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def changes_state(from_state: str | None, to_state: str | None) -> bool:
    """An event that moved the case: assignments and document reviews leave the state as it was."""
    return from_state is None or from_state != to_state


def closes(from_state: str | None, to_state: str | None) -> bool:
    """As core.cases.queries.closing_events reads it in SQL, where NOT IN over a missing state is not true."""
    return to_state in FINAL_STATES and from_state is not None and from_state not in FINAL_STATES


def marks(*, registered_at: datetime, state_since: datetime | None, from_state: str | None,
          to_state: str | None, at: datetime) -> Marks:
    """The marks of an event at `at` on a case registered at `registered_at` whose state was entered at
    `state_since` (None before its first event)."""
    if not changes_state(from_state, to_state):
        return Marks(None, None, state_since)
    days = working_days_between(_utc(registered_at), _utc(at)) if closes(from_state, to_state) else None
    return Marks(state_since, days, at)
