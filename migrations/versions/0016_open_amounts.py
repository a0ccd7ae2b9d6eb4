"""open_amounts: each invoice's maintained open amount (backfilled from its allocations) with a partial index
of open receivables by due date; allocations indexed by time (aging as of a past day); the daily payments
summary (backfilled per local day and channel)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 05:00:00

"""
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.platform.config import settings

# revision identifiers, used by Alembic.
revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "open_amount > 0"


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_amount', sa.Numeric(precision=14, scale=2), nullable=False,
                                      server_default='0'))
    # what is still to pay: the total of a positive invoice less everything that settled it; 0 for a credit
    # (one pass, each invoice written once; a credit invoice keeps the default 0)
    op.execute("""
        UPDATE invoice SET open_amount = ROUND(total - COALESCE(
            (SELECT SUM(a.amount) FROM paymentallocation a WHERE a.invoice_id = invoice.id), 0), 2)
        WHERE total > 0""")
    if op.get_bind().dialect.name == "postgresql":  # a writer that forgets the column fails; SQLite keeps the
        # default (it adds a NOT NULL column only with one, and cannot rebuild invoice under its foreign keys)
        op.alter_column('invoice', 'open_amount', existing_type=sa.Numeric(precision=14, scale=2), server_default=None)
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_open_due', ['due_date', 'open_amount'], unique=False,
                              sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
    with op.batch_alter_table('paymentallocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paymentallocation_created_at'), ['created_at'], unique=False)
    day = op.create_table(
        'paymentday',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('payments', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.PrimaryKeyConstraint('day', 'channel'),
    )
    op.bulk_insert(day, _payment_days(op.get_bind()))


def _payment_days(connection) -> list[dict]:
    """Every payment counted into its local day and channel: grouped per UTC hour in SQL (Bucharest is
    a whole number of hours from UTC, so an hour never straddles two local days), gathered here."""
    hour = ("date_trunc('hour', paid_at AT TIME ZONE 'UTC')" if connection.dialect.name == "postgresql"
            else "strftime('%Y-%m-%d %H:00:00', paid_at)")
    zone, days = ZoneInfo(settings.timezone), defaultdict(lambda: [0, Decimal(0)])
    for started, channel, count, amount in connection.execute(sa.text(
            f"SELECT {hour} AS hour, channel, COUNT(*), SUM(amount) FROM payment GROUP BY {hour}, channel")):
        moment = datetime.fromisoformat(started) if isinstance(started, str) else started
        key = (moment.replace(tzinfo=UTC).astimezone(zone).date(), channel)
        days[key][0] += count
        days[key][1] += Decimal(str(amount))
    return [{"day": on, "channel": channel, "payments": count, "amount": round(amount, 2)}
            for (on, channel), (count, amount) in sorted(days.items())]


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('paymentday')
    with op.batch_alter_table('paymentallocation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paymentallocation_created_at'))
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_open_due', sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
    op.drop_column('invoice', 'open_amount')  # not batched: SQLite drops it in place (no rebuild under foreign keys)
