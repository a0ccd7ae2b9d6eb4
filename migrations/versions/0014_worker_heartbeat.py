"""worker_heartbeat: each worker's last pass and transports, for the outbox page; sent_at indexed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 05:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'workerheartbeat',
        sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('interval_seconds', sa.Integer(), nullable=False),
        sa.Column('email_configured', sa.Boolean(), nullable=False),
        sa.Column('sms_configured', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('worker'),
    )
    with op.batch_alter_table('workerheartbeat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workerheartbeat_seen_at'), ['seen_at'], unique=False)
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_sent_at', ['sent_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_sent_at')
    with op.batch_alter_table('workerheartbeat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workerheartbeat_seen_at'))
    op.drop_table('workerheartbeat')
