"""search_indexes (placeholder: filled by the work that owns it)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 05:00:00

"""
from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = '0015'
down_revision: str | Sequence[str] | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""


def downgrade() -> None:
    """Downgrade schema."""
