"""The daily payments summary kept on write: every payment row (money in, a refund, a reversal) is added
through `add_payment`, which also counts it into its local day and channel with one upsert in the same
transaction (rounded to the cent: SQLite sums binary floats), so the dashboard reads one row per day and
channel instead of walking the period's payments."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Connection, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from core.models import Payment, PaymentDay
from core.platform.workdays import local_time


def local_day(moment: datetime) -> date:
    """The Bucharest day of a stored instant (naive values are UTC)."""
    return local_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC)).date()


def add_payment(session: Session, payment: Payment) -> Payment:
    """Helper (no commit): writes the payment row and adds it to its day's count and sum."""
    session.add(payment)
    session.flush()
    add_to_day(session, local_day(payment.paid_at), payment.channel, 1, payment.amount)
    return payment


def add_to_day(connection: Session | Connection, day: date, channel: str, payments: int, amount: Decimal) -> None:
    """Adds payments to one day and channel of the summary (one upsert; a bulk load adds whole days)."""
    dialect = connection.get_bind().dialect.name if isinstance(connection, Session) else connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(PaymentDay).values(day=day, channel=channel, payments=payments, amount=amount)
    connection.execute(statement.on_conflict_do_update(
        index_elements=[PaymentDay.day, PaymentDay.channel],
        set_={"payments": PaymentDay.payments + statement.excluded.payments,
              "amount": func.round(PaymentDay.amount + statement.excluded.amount, 2)}))
