"""audit chain

Every action goes to the audit trail (not only case changes), chained by SHA-256 and guarded by
triggers; money rows name who recorded them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:15:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.platform import audit

# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENTS = sa.table(
    "auditevent", *(sa.column(name) for name in ("id", "prev_hash", "row_hash")),
    sa.column("seq", sa.Integer), sa.column("case_id", sa.Integer), sa.column("subject", sa.String),
    sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()), sa.column("actor", sa.String), sa.column("role", sa.String),
    sa.column("trigger", sa.String), sa.column("from_state", sa.String), sa.column("to_state", sa.String),
    sa.column("reason", sa.String), sa.column("workflow", sa.String), sa.column("workflow_version", sa.Integer),
    sa.column("details", sa.JSON),
)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('audithead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('auditverification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('head_seq', sa.Integer(), nullable=False),
    sa.Column('head_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('broken_seq', sa.Integer(), nullable=True),
    sa.Column('problem', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditverification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditverification_at'), ['at'], unique=False)

    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.alter_column('case_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column('workflow', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        batch_op.alter_column('workflow_version', existing_type=sa.INTEGER(), nullable=True)
    _chain_existing_events()
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_auditevent_seq'), ['seq'])

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issued_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default='billing'))
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default='system'))
    for table, column in (('invoice', 'issued_by'), ('payment', 'recorded_by')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sqlmodel.sql.sqltypes.AutoString(length=64),
                                  server_default=None)
    audit.install_guards(op.get_bind())


def _chain_existing_events() -> None:
    """Numbers the events recorded before the chain existed in the order they were written, links them,
    and sets the head."""
    bind = op.get_bind()
    rows = [dict(row) for row in bind.execute(sa.select(_EVENTS).order_by(_EVENTS.c.id)).mappings()]
    last = audit.chain_rows(rows)
    for row in rows:
        bind.execute(_EVENTS.update().where(_EVENTS.c.id == row["id"])
                     .values(seq=row["seq"], prev_hash=row["prev_hash"], row_hash=row["row_hash"]))
    bind.execute(sa.text("INSERT INTO audithead (id, seq, hash) VALUES (1, :seq, :hash)"),
                 {"seq": len(rows), "hash": last})


def downgrade() -> None:
    """Downgrade schema."""
    audit.remove_guards(op.get_bind())
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('recorded_by')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_column('issued_by')
    op.execute("DELETE FROM auditevent WHERE case_id IS NULL")
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_auditevent_seq'), type_='unique')
        batch_op.alter_column('workflow_version', existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column('workflow', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False)
        batch_op.alter_column('case_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('subject')
        batch_op.drop_column('seq')
    with op.batch_alter_table('auditverification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditverification_at'))
    op.drop_table('auditverification')
    op.drop_table('audithead')
