"""efactura: one submission per invoice or credit note (prepared, uploaded, accepted or rejected), with the
XML sent and the authority's answer

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 05:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('efacturasubmission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('credit_note_id', sa.Integer(), nullable=True),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('xml', sa.LargeBinary(), nullable=False),
    sa.Column('failed_rules', sa.JSON(), nullable=False),
    sa.Column('upload_index', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('download_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('answer_zip', sa.LargeBinary(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['credit_note_id'], ['creditnote.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_key')
    )
    with op.batch_alter_table('efacturasubmission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_efacturasubmission_credit_note_id'), ['credit_note_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_efacturasubmission_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_efacturasubmission_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_efacturasubmission_number'), ['number'], unique=False)
        batch_op.create_index('ix_efacturasubmission_state_next', ['state', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('efacturasubmission', schema=None) as batch_op:
        batch_op.drop_index('ix_efacturasubmission_state_next')
        batch_op.drop_index(batch_op.f('ix_efacturasubmission_number'))
        batch_op.drop_index(batch_op.f('ix_efacturasubmission_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_efacturasubmission_deadline'))
        batch_op.drop_index(batch_op.f('ix_efacturasubmission_credit_note_id'))

    op.drop_table('efacturasubmission')
