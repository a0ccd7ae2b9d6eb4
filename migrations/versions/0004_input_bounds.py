"""input bounds: payment.reference holds a reversal's "<original reference>-STORNO" (64 + 7 characters)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:15:00

"""
from collections.abc import Sequence

import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("payment") as batch_op:
        batch_op.alter_column("reference", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=71), existing_nullable=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("payment") as batch_op:
        batch_op.alter_column("reference", existing_type=sqlmodel.sql.sqltypes.AutoString(length=71),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=64), existing_nullable=False)
