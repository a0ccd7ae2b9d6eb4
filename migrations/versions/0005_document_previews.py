"""document previews

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:15:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('documentpreview',
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('failure', sa.String(length=16), nullable=True),
    sa.Column('image', sa.LargeBinary(), nullable=True),
    sa.Column('rendered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', 'page')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('documentpreview')
