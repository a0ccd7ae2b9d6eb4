"""efactura_rework: a version on each submission (the re-check of a refused document is one conditional UPDATE on
it) and the indexes the staff e-Factura list filters by (a state by deadline, an issue period)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 10:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0019'
down_revision: str | Sequence[str] | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('efacturasubmission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_index('ix_efacturasubmission_state_deadline', ['state', 'deadline', 'id'], unique=False)
        batch_op.create_index('ix_efacturasubmission_issue_date', ['issue_date', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('efacturasubmission', schema=None) as batch_op:
        batch_op.drop_index('ix_efacturasubmission_issue_date')
        batch_op.drop_index('ix_efacturasubmission_state_deadline')
        batch_op.drop_column('version')
