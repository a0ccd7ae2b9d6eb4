"""outbox delivery claims

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:15:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Outbox claims (who holds a message, until when) with a stable Message-ID, and a payment reversed once."""
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('ux_payment_reverses_once', ['reverses_id'], unique=True,
                              sqlite_where=sa.text('reverses_id IS NOT NULL'),
                              postgresql_where=sa.text('reverses_id IS NOT NULL'))


def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ux_payment_reverses_once')
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_column('message_id')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
