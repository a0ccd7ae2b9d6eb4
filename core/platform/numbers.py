"""Human-facing numbers (registration, contract, codes) from named counters, safe under concurrency:
one UPDATE ... RETURNING takes the number and keeps the counter row locked until the transaction ends."""

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from core.models import NumberSequence


def next_number(session: Session, name: str, start: int = 1) -> int:
    taken = _take(session, name)
    if taken is None:
        # first use of this counter (e.g. a new year): create it, tolerating a concurrent creator
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.exec(insert(NumberSequence).values(name=name, next_value=start).on_conflict_do_nothing())
        taken = _take(session, name)
    return taken - 1


def _take(session: Session, name: str) -> int | None:
    return session.exec(update(NumberSequence).where(NumberSequence.name == name)
                        .values(next_value=NumberSequence.next_value + 1)
                        .returning(NumberSequence.next_value)).scalar()


def registration_number(session: Session, prefix: str, year: int) -> str:
    return f"{prefix}-{year}-{next_number(session, f'reg-{prefix}-{year}'):06d}"


def contract_number(session: Session, year: int) -> str:
    return f"CF-{year}-{next_number(session, f'contract-{year}'):07d}"


def client_code(session: Session) -> str:
    return f"C{next_number(session, 'client-code', start=100_000_001):09d}"


def payment_code(session: Session) -> str:
    return f"{next_number(session, 'payment-code', start=300_000_001):09d}"


def credit_note_number(session: Session, year: int) -> str:
    return f"NC-{year}-{next_number(session, f'credit-note-{year}'):06d}"


def invoice_numbers(session: Session, issue_year: int) -> tuple[str, str]:
    """The 11-digit invoice ID and the printed series (e.g. 26EI13345776)."""
    n = next_number(session, "invoice", start=1)
    return f"{10_000_000_000 + n:011d}", f"{issue_year % 100:02d}EI{10_000_000 + n:08d}"
