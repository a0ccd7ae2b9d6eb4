"""open_amounts (placeholder: filled by the work that owns it)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 05:00:00

"""
from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    import sqlalchemy as sa
    from alembic import op
    op.add_column("invoice", sa.Column("open_amount", sa.Numeric(14, 2), nullable=False, server_default="0.00"))


def downgrade() -> None:
    """Downgrade schema."""
