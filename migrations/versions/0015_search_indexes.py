"""search indexes: name search through pg_trgm, and the queue's order for views that include closed cases

On PostgreSQL the folded-name indexes of customer and service_case become pg_trgm GIN indexes (same
names), so `search_name LIKE '%ion%'` is a Bitmap Index Scan instead of a scan of every row; SQLite keeps
its plain index (it has no trigram index). `ix_case_due_order` is the queue's order (deadline,
registration, id) over every case: the partial `ix_case_open_due` only serves the open-cases view.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 05:00:00

"""
from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0015'
down_revision: str | Sequence[str] | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGRAM_INDEXES = (("customer", "ix_customer_search_name"), ("service_case", "ix_service_case_search_name"))


def upgrade() -> None:
    """Upgrade schema."""
    if op.get_context().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, name in TRIGRAM_INDEXES:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, ["search_name"], unique=False, postgresql_using="gin",
                            postgresql_ops={"search_name": "gin_trgm_ops"})
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.create_index('ix_case_due_order', ['due_date', 'registered_at', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_due_order')
    if op.get_context().dialect.name == "postgresql":
        for table, name in TRIGRAM_INDEXES:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, ["search_name"], unique=False)
