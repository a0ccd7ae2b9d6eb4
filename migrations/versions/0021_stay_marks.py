"""stay_marks: on each state-changing audit event when the state it leaves was entered, on each closing the
working days since registration, on each case when its state was entered (core.workflow.stays), backfilled
from the events already there, and the indexes the dashboard's cycle times and time in state read alone

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 12:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.platform import audit
from core.workflow import stays

# revision identifiers, used by Alembic.
revision: str = '0021'
down_revision: str | Sequence[str] | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLOSINGS = "working_days IS NOT NULL"
STAYS = "entered_at IS NOT NULL"


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('working_days', sa.Integer(), nullable=True))
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state_entered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.create_index('ix_auditevent_closings', ['at', 'workflow', 'working_days', 'from_state', 'to_state'],
                              unique=False, sqlite_where=sa.text(CLOSINGS), postgresql_where=sa.text(CLOSINGS))
        batch_op.create_index('ix_auditevent_stays', ['entered_at', 'workflow', 'from_state', 'at'], unique=False,
                              sqlite_where=sa.text(STAYS), postgresql_where=sa.text(STAYS))
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.create_index('ix_case_state_entered', ['state_entered_at', 'case_type', 'state'], unique=False)


def _backfill(connection) -> None:
    """Walks every case's events in order through the function the engine calls, then writes the marks with
    one UPDATE per table from temporary tables. The columns are outside the chain's hash, so chained rows keep
    verifying; the append-only triggers are lifted for that UPDATE only, inside this transaction."""
    moment = sqlmodel.sql.sqltypes.UTCDateTime
    events = connection.execute(sa.text(
        "SELECT e.id, e.case_id, e.at, e.from_state, e.to_state, c.registered_at FROM auditevent e "
        "JOIN service_case c ON c.id = e.case_id ORDER BY e.case_id, e.at, e.id")
        .columns(at=moment(), registered_at=moment()).execution_options(yield_per=20000))
    marked, since_of, case_id, since = [], [], None, None
    for row in events:
        if row.case_id != case_id:
            if case_id is not None:
                since_of.append({"id": case_id, "state_entered_at": since})
            case_id, since = row.case_id, None
        marks = stays.marks(registered_at=row.registered_at, state_since=since, from_state=row.from_state,
                            to_state=row.to_state, at=row.at)
        since = marks.state_since
        if marks.entered_at is not None or marks.working_days is not None:
            marked.append({"id": row.id, "entered_at": marks.entered_at, "working_days": marks.working_days})
    if case_id is not None:
        since_of.append({"id": case_id, "state_entered_at": since})
    scratch = sa.MetaData()
    event_marks = sa.Table("tmp_event_marks", scratch, sa.Column("id", sa.Integer, primary_key=True),
                           sa.Column("entered_at", moment()), sa.Column("working_days", sa.Integer),
                           prefixes=["TEMPORARY"])
    case_marks = sa.Table("tmp_case_marks", scratch, sa.Column("id", sa.Integer, primary_key=True),
                          sa.Column("state_entered_at", moment()), prefixes=["TEMPORARY"])
    scratch.create_all(connection)
    if marked:
        connection.execute(event_marks.insert(), marked)
    if since_of:
        connection.execute(case_marks.insert(), since_of)
    audit.remove_guards(connection)
    connection.execute(sa.text(
        "UPDATE auditevent SET entered_at = m.entered_at, working_days = m.working_days "
        "FROM tmp_event_marks m WHERE auditevent.id = m.id"))
    audit.install_guards(connection)
    connection.execute(sa.text("UPDATE service_case SET state_entered_at = m.state_entered_at "
                               "FROM tmp_case_marks m WHERE service_case.id = m.id"))
    scratch.drop_all(connection)


def downgrade() -> None:
    """Downgrade schema."""
    for index in ('ix_case_state_entered', 'ix_auditevent_stays', 'ix_auditevent_closings'):
        op.drop_index(index)
    # in place on both databases (SQLite >= 3.35): a batch rebuild would drop auditevent's triggers, and cannot
    # drop service_case under the foreign keys that point at it
    for table, column in (('service_case', 'state_entered_at'), ('auditevent', 'working_days'),
                          ('auditevent', 'entered_at')):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
