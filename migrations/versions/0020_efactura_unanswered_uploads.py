"""efactura_unanswered_uploads: when an upload was sent (cleared by its answer) and the first upload whose answer
never came, so a document the authority may already hold is looked for before it is sent again

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 18:40:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0020'
down_revision: str | Sequence[str] | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('efacturasubmission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('upload_sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('unanswered_upload_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('efacturasubmission', schema=None) as batch_op:
        batch_op.drop_column('unanswered_upload_at')
        batch_op.drop_column('upload_sent_at')
