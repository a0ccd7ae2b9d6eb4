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


def _credit_note_invoice(nullable: bool) -> None:
    """creditnote.invoice_id NULL allowed (a compensation names no invoice) or not. SQLite cannot alter a column:
    a batch rebuild would drop the table paymentallocation rows refer to, a foreign key violation at commit that
    `defer_foreign_keys` does not resolve; removing (or restoring) NOT NULL is one of the changes SQLite documents
    as safe to make in the stored schema text, with the schema version moved on."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.alter_column('creditnote', 'invoice_id', existing_type=sa.Integer(), nullable=nullable)
        return
    strict, loose = "invoice_id INTEGER NOT NULL,", "invoice_id INTEGER,"
    before, after = (strict, loose) if nullable else (loose, strict)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = replace(sql, ?, ?) "
                         "WHERE type = 'table' AND name = 'creditnote'", (before, after))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_missed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    _credit_note_invoice(nullable=True)
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
    _credit_note_invoice(nullable=False)
    # a plain DROP COLUMN (SQLite >= 3.35): a batch rebuild of service_case would drop the table every case row
    # refers to, which SQLite counts as a foreign key violation at commit
    op.execute("ALTER TABLE service_case DROP COLUMN deadline_missed_at")
