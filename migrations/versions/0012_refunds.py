"""refunds: where a refund of credit on a closed contract goes, the payment order file that carried it,
and the negative payment that recorded it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 05:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('refundexport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=35), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('transfers', sa.Integer(), nullable=False),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('xml', sa.LargeBinary(), nullable=False),
    sa.Column('csv', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id')
    )
    with op.batch_alter_table('refundexport', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refundexport_created_at'), ['created_at'], unique=False)
    op.create_table('refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('iban', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('holder_name', sqlmodel.sql.sqltypes.AutoString(length=70), nullable=False),
    sa.Column('export_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['service_case.id'], ),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['export_id'], ['refundexport.id'], ),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id')
    )
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_export_id'), ['export_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_export_id'))
        batch_op.drop_index(batch_op.f('ix_refund_contract_id'))
    op.drop_table('refund')
    with op.batch_alter_table('refundexport', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refundexport_created_at'))
    op.drop_table('refundexport')
