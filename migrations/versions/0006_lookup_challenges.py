"""lookup challenges: spent proof-of-work solutions (unique), and lookup counts per payment code and service

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:15:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('lookupchallenge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signature_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('signature_hash')
    )
    with op.batch_alter_table('lookupchallenge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lookupchallenge_used_at'), ['used_at'], unique=False)
    with op.batch_alter_table('lookupattempt', schema=None) as batch_op:
        batch_op.create_index('ix_lookupattempt_code_at', ['payment_code', 'at'], unique=False)
        batch_op.create_index('ix_lookupattempt_service_at', ['service', 'at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('lookupattempt', schema=None) as batch_op:
        batch_op.drop_index('ix_lookupattempt_service_at')
        batch_op.drop_index('ix_lookupattempt_code_at')
    with op.batch_alter_table('lookupchallenge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lookupchallenge_used_at'))
    op.drop_table('lookupchallenge')
