"""invoice lines: an invoice's kWh per VAT rate (a regularisation keeps the rate of the kWh it corrects)

Every invoice issued before gets the one line it was computed from.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('invoiceline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('kwh', sa.Integer(), nullable=False),
    sa.Column('unit_price_net', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('value_net', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.Column('vat', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('invoiceline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoiceline_invoice_id'), ['invoice_id'], unique=False)
    # the unit price of an old invoice is its net value per kWh (0 kWh: the value stands alone)
    op.execute("""
        INSERT INTO invoiceline (invoice_id, position, kind, period_start, period_end, kwh, unit_price_net,
                                 value_net, vat_rate, vat, total)
        SELECT id, 1, 'consumption', period_start, period_end, kwh,
               CASE WHEN kwh = 0 THEN 0 ELSE ROUND(value_net / kwh, 4) END, value_net, vat_rate, vat, total
        FROM invoice""")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('invoiceline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoiceline_invoice_id'))
    op.drop_table('invoiceline')
