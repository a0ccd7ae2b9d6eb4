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


def downgrade() -> None:
    """Downgrade schema."""
