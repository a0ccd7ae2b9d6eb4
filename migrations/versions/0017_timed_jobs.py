"""timed_jobs: the worker's timed jobs (core.workflow.timed_jobs) and missed-deadline compensation
(core.accounts.compensation):
when a case's deadline went past, the reminders sent (one per case and deadline), the compensation paid (one
per case), and credit notes that name no invoice (a compensation settles the oldest open invoices)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 10:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0017'
down_revision: str | Sequence[str] | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _defer_foreign_keys() -> None:
    """SQLite rebuilds creditnote to drop NOT NULL; paymentallocation's references to it hold again once the
    copy takes its name, so their check waits for the commit (foreign_keys cannot be switched off inside it)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_missed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    _defer_foreign_keys()
    with op.batch_alter_table('creditnote', schema=None) as batch_op:
        batch_op.alter_column('invoice_id', existing_type=sa.Integer(), nullable=True)
    op.create_table(
        'casereminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('deadline_name', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['service_case.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'deadline_name', 'due_date', name='ux_casereminder_deadline'),
    )
    op.create_table(
        'compensation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('deadline_kind', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('closed_on', sa.Date(), nullable=False),
        sa.Column('days_late', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('credit_note_id', sa.Integer(), nullable=True),
        sa.Column('paid_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['service_case.id']),
        sa.ForeignKeyConstraint(['contract_id'], ['contract.id']),
        sa.ForeignKeyConstraint(['credit_note_id'], ['creditnote.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id'),
        sa.UniqueConstraint('credit_note_id'),
    )
    with op.batch_alter_table('compensation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compensation_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compensation_deadline_kind'), ['deadline_kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_compensation_paid_at'), ['paid_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema (refused while a compensation credit note exists: it names no invoice)."""
    with op.batch_alter_table('compensation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compensation_paid_at'))
        batch_op.drop_index(batch_op.f('ix_compensation_deadline_kind'))
        batch_op.drop_index(batch_op.f('ix_compensation_contract_id'))
    op.drop_table('compensation')
    op.drop_table('casereminder')
    _defer_foreign_keys()
    with op.batch_alter_table('creditnote', schema=None) as batch_op:
        batch_op.alter_column('invoice_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.drop_column('deadline_missed_at')
