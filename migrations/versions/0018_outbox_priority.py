"""outbox_priority: a priority per outbox message (transactional before bulk) and the worker's claim index

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 10:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0018'
down_revision: str | Sequence[str] | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# core.platform.outbox.TRANSACTIONAL_TEMPLATES as it stood when this migration was written (a migration never imports
# the code that may change after it): messages still queued from these templates go first
TRANSACTIONAL_TEMPLATES = (
    "online_payment.receipt", "delivery.email_on", "delivery.email_off", "delivery.sms_on", "delivery.sms_off",
    "holder_change.upload_link", "new_contract.upload_link", "holder_change.registered", "new_contract.registered",
    "payment_dispute.opened", "refund.requested",
)


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=False, server_default='1'))
    outbox = sa.table('outboxmessage', sa.column('template', sa.String), sa.column('priority', sa.Integer))
    op.execute(outbox.update().where(outbox.c.template.in_(TRANSACTIONAL_TEMPLATES)).values(priority=0))
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_claim_order', ['status', 'channel', 'priority', 'created_at', 'id'],
                              unique=False)
        # its leading status column serves the outbox page's counts; on SQLite the old index would be chosen
        # for the batch and sort every due message
        batch_op.drop_index('ix_outbox_status_next')


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_status_next', ['status', 'next_attempt_at'], unique=False)
        batch_op.drop_index('ix_outbox_claim_order')
        batch_op.drop_column('priority')
