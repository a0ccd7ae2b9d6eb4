"""settlement sources: an allocation row's money comes from a payment, a credit note or a credit invoice

Every credit settles invoices through allocation rows now. Each credit note issued before becomes the
allocation row it always stood for: its amount on its own invoice, at its issue time (capped at what the
invoice still had open, which is the whole amount unless the invoice had been paid over it; the excess
stays as account credit). Credit invoices (negative totals) issued before settle nothing until
`python -m core.manage settle` runs allocation on the contracts that hold credit (idempotent).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONE_SOURCE = " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
                        for column in ("payment_id", "credit_note_id", "credit_invoice_id")) + " = 1"


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('paymentallocation', schema=None) as batch_op:
        batch_op.alter_column('payment_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('credit_note_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('credit_invoice_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_paymentallocation_credit_note_id', 'creditnote', ['credit_note_id'], ['id'])
        batch_op.create_foreign_key('fk_paymentallocation_credit_invoice_id', 'invoice', ['credit_invoice_id'],
                                    ['id'])
        batch_op.create_index(batch_op.f('ix_paymentallocation_credit_note_id'), ['credit_note_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paymentallocation_credit_invoice_id'), ['credit_invoice_id'],
                              unique=False)
        batch_op.create_check_constraint('ck_paymentallocation_one_source', ONE_SOURCE)
    # room: what the invoice had open for the note once payments and the notes before it had settled it
    op.execute("""
        INSERT INTO paymentallocation (credit_note_id, invoice_id, amount, created_at)
        SELECT id, invoice_id, CASE WHEN amount < room THEN amount ELSE room END, issued_at
        FROM (SELECT n.id, n.invoice_id, n.amount, n.issued_at,
                     CASE WHEN i.total > 0 THEN i.total ELSE 0 END
                     - COALESCE((SELECT SUM(a.amount) FROM paymentallocation a WHERE a.invoice_id = n.invoice_id), 0)
                     - COALESCE(SUM(n.amount) OVER (PARTITION BY n.invoice_id ORDER BY n.id
                                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS room
              FROM creditnote n JOIN invoice i ON i.id = n.invoice_id) AS notes
        WHERE room > 0 AND amount > 0""")


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DELETE FROM paymentallocation WHERE payment_id IS NULL")
    with op.batch_alter_table('paymentallocation', schema=None) as batch_op:
        batch_op.drop_constraint('ck_paymentallocation_one_source', type_='check')
        batch_op.drop_index(batch_op.f('ix_paymentallocation_credit_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_paymentallocation_credit_note_id'))
        batch_op.drop_constraint('fk_paymentallocation_credit_invoice_id', type_='foreignkey')
        batch_op.drop_constraint('fk_paymentallocation_credit_note_id', type_='foreignkey')
        batch_op.drop_column('credit_invoice_id')
        batch_op.drop_column('credit_note_id')
        batch_op.alter_column('payment_id', existing_type=sa.Integer(), nullable=False)
