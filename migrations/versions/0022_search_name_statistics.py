"""search_name statistics: the folded names of customers and cases keep 1,000 histogram bounds and common
values instead of PostgreSQL's 100, so a name search is estimated from its matches. With 100, a name that
happened to be a bound was taken for 1 % of the table (2,056 of 200,000 cases for 24) and the queue's page
walked every case in deadline order (84 ms against 8). ANALYZE samples 300,000 rows for these columns.
SQLite keeps no such statistics: nothing to do there.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 18:40:00

"""
from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0022'
down_revision: str | Sequence[str] | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("customer", "service_case")
TARGET = 1000


def upgrade() -> None:
    """Upgrade schema."""
    _set_target(TARGET)


def downgrade() -> None:
    """Downgrade schema."""
    _set_target(-1)  # the server's default_statistics_target again


def _set_target(target: int) -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN search_name SET STATISTICS {target}")
        op.execute(f"ANALYZE {table} (search_name)")
