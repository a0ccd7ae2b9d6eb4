"""efactura_rework: placeholder reserved for a change under way (its owner fills it in)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 10:30:00

"""
from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = '0019'
down_revision: str | Sequence[str] | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""


def downgrade() -> None:
    """Downgrade schema."""
