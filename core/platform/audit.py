"""The tamper-evident audit trail. Every action (case transitions, payments, reversals, user changes,
sign-ins, exports) is one AuditEvent row; rows form a chain: each carries the SHA-256 of the row before it
and of its own canonical content, and `seq` numbers them without gaps. Database triggers refuse UPDATE and
DELETE on the table (any writer, not only the ORM); `verify` walks the chain and names the first place
where it does not hold (a row edited, deleted, inserted or reordered), and the head hash can be written
down outside the database (anchored), so that even a rewrite of the whole chain is found.

Rows are appended when their transaction commits: `record_action` (and the engine's case events) only
queue them; the commit takes the chain's head with one conditional UPDATE, which also keeps any other
writer from linking to the same row until this transaction ends.

    python -m core.platform.audit verify [--anchor FILE]    exit status 1 and the first broken link if any
    python -m core.platform.audit head                      the head (position, hash, time) as JSON, to anchor
"""

import argparse
import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, event, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from core.models import AuditEvent, AuditHead, AuditVerification, Role, utcnow
from core.staff.auth import Actor, require_role

GENESIS = "0" * 64  # what the first row links to
# the columns a row's hash covers: everything but its id (a storage detail) and the hashes themselves
CHAINED = ("seq", "case_id", "subject", "at", "actor", "role", "trigger", "from_state", "to_state", "reason",
           "workflow", "workflow_version", "details")
_PENDING = "ghiseu_pending_audit"
_TABLE = AuditEvent.__table__
_STORED = [column for column in _TABLE.columns if column.name != "id"]
_TAKE_HEAD = (update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + bindparam("count"))
              .returning(AuditHead.seq, AuditHead.hash))
# one row appended and the head moved to its hash, built once so that SQLAlchemy compiles it once (run once
# per row, in order, the head ends on the last row's hash)
_APPEND_AND_MOVE_HEAD = update(AuditHead).where(AuditHead.id == 1).values(
    hash=bindparam("p_row_hash")).add_cte(insert(_TABLE).values(
        {column.name: bindparam(f"p_{column.name}", type_=column.type) for column in _STORED}).cte("appended"))


def record_action(session: Session, *, actor: str, role: str, action: str, subject: str | None = None,
                  reason: str | None = None, details: dict | None = None) -> AuditEvent:
    """Appends one action that is not a case transition (a payment, a user change, a sign-in, an export)
    to the chain when the caller's transaction commits."""
    return append(session, AuditEvent(actor=actor, role=role, trigger=action, subject=subject, reason=reason,
                                      details=details or {}))


def append(session: Session, row: AuditEvent) -> AuditEvent:
    """Queues a built row; it is numbered, linked and inserted at commit (dropped on rollback)."""
    session.info.setdefault(_PENDING, []).append(row)
    return row


@event.listens_for(Session, "before_commit")
def _link_pending(session: Session) -> None:
    rows = session.info.pop(_PENDING, [])
    if not rows:
        return
    # the transaction's own rows first (each case written once, with all its changes, the outbox's messages): the
    # head, which every writer waits for, is then the last lock taken, and held for two statements and the commit
    session.flush()
    connection = session.connection()
    last_seq, previous = _take_head(connection, len(rows))
    seq = last_seq - len(rows)
    for row in rows:
        seq += 1
        row.seq, row.prev_hash = seq, previous
        row.row_hash = previous = link_hash(previous, _content(row))
    values = [{column.name: getattr(row, column.name) for column in _STORED} for row in rows]
    if connection.dialect.name == "postgresql":  # each row and the head's new hash in one statement (pipelined)
        connection.execute(_APPEND_AND_MOVE_HEAD, [{f"p_{k}": v for k, v in row.items()} for row in values])
    else:  # SQLite has no INSERT in a WITH clause (and one writer at a time anyway)
        connection.execute(insert(_TABLE), values)
        connection.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=previous))


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _take_head(connection: Connection, count: int) -> tuple[int, str]:
    """Moves the head `count` positions on and returns (its new position, the hash it had). The row stays
    locked (PostgreSQL) or the database write-locked (SQLite) until the transaction ends."""
    taken = connection.execute(_TAKE_HEAD, {"count": count}).first()
    if taken is None:  # an empty database: start the chain (tolerating a concurrent starter)
        dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        connection.execute(dialect_insert(AuditHead).values(id=1, seq=0, hash=GENESIS).on_conflict_do_nothing())
        taken = connection.execute(_TAKE_HEAD, {"count": count}).first()
    return taken.seq, taken.hash


def _moment(value: datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def _content(row) -> dict:
    """The chained fields of a row (an AuditEvent or a database row mapping)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    content = {name: get(name) for name in CHAINED}
    content["at"] = _moment(content["at"])
    return content


def chain_rows(rows: list[dict], previous: str = GENESIS, first_seq: int = 1) -> str:
    """Numbers and links rows given as dicts of columns (bulk loads, the migration that chained older
    rows) in place; returns the last hash, which the head must then hold."""
    for seq, row in enumerate(rows, start=first_seq):
        row.update(seq=seq, prev_hash=previous)
        row["row_hash"] = previous = link_hash(previous, _content({**dict.fromkeys(CHAINED), **row}))
    return previous


def link_hash(previous: str, content: dict) -> str:
    """SHA-256 of the previous row's hash and this row's canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{previous}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class Verification:
    ok: bool
    rows: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None  # edited, missing, inserted, link, head, anchor

    def describe(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.rows} rows, head {self.head_seq} {self.head_hash}"
        what = {"edited": "a row was changed", "missing": "a row is missing (deleted)",
                "inserted": "a row was inserted out of sequence", "link": "a row does not link to the one before",
                "head": "the chain ends before its recorded head (rows deleted at the end, or the head changed)",
                "anchor": "the row at the anchored position has another hash (the chain was rewritten)"}
        return f"audit chain BROKEN at position {self.broken_seq}: {what[self.problem]} ({self.rows} rows checked)"


def verify(connection: Connection, anchor: tuple[int, str] | None = None) -> Verification:
    """Walks the whole chain in order and stops at the first break. `anchor` (position, hash) is a head
    written down earlier outside the database: the row there must still have that hash."""
    head = connection.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    rows, expected, previous = 0, 1, GENESIS

    def broken(seq: int, problem: str) -> Verification:
        return Verification(False, rows, head_seq, head_hash, seq, problem)

    stream = connection.execute(select(_TABLE).order_by(_TABLE.c.seq).execution_options(yield_per=5000))
    for row in stream.mappings():
        if row["seq"] != expected:
            return broken(expected, "missing" if row["seq"] > expected else "inserted")
        if row["prev_hash"] != previous:
            return broken(expected, "link")
        if link_hash(previous, _content(dict(row))) != row["row_hash"]:
            return broken(expected, "edited")
        if anchor and row["seq"] == anchor[0] and row["row_hash"] != anchor[1]:
            return broken(expected, "anchor")
        previous, expected, rows = row["row_hash"], expected + 1, rows + 1
    if (head_seq, head_hash) != (expected - 1, previous):
        return broken(expected, "head")
    if anchor and anchor[0] > head_seq:
        return broken(anchor[0], "anchor")
    return Verification(True, rows, head_seq, head_hash)


def record_verification(*, uow, anchor: tuple[int, str] | None = None) -> Verification:
    """Verifies the chain and keeps the outcome (what the admin sees)."""
    with uow:
        result = verify(uow.session.connection(), anchor)
        uow.session.add(AuditVerification(**{k: v for k, v in asdict(result).items()}))
        uow.commit()
    return result


def verify_if_due(*, uow, every: timedelta = timedelta(days=1)) -> Verification | None:
    """For the worker: verifies once a day (the last outcome older than `every`), else does nothing."""
    with uow:
        last = uow.session.exec(select(AuditVerification.at).order_by(AuditVerification.at.desc()).limit(1)).first()
    if last is not None and utcnow() - last < every:
        return None
    return record_verification(uow=uow)


@dataclass(frozen=True)
class ChainStatus:
    """What the admin sees: the last verification (None before the first) and the head to anchor."""

    last: AuditVerification | None
    head: dict


def chain_status(*, uow, actor: Actor) -> ChainStatus:
    require_role(actor, (Role.ADMIN,))
    with uow:
        last = uow.session.exec(select(AuditVerification).order_by(AuditVerification.at.desc()).limit(1)).first()
        return ChainStatus(last, head(uow.session.connection()))


def verify_now(*, uow, actor: Actor) -> Verification:
    """The admin's "verify now": the same walk as the worker's, kept as the last verification."""
    require_role(actor, (Role.ADMIN,))
    return record_verification(uow=uow)


def head(connection: Connection) -> dict:
    """The chain's head, to be written down outside the database (anchoring)."""
    found = connection.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    seq, digest = (found.seq, found.hash) if found else (0, GENESIS)
    return {"seq": seq, "hash": digest, "at": _moment(utcnow())}


# ---- the database side: triggers that refuse UPDATE and DELETE from any writer ----

_SQLITE_GUARDS = [
    f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
    for table, verbs in (("auditevent", ("update", "delete")), ("audithead", ("delete",))) for verb in verbs
]
_PG_GUARDS = [
    "CREATE OR REPLACE FUNCTION ghiseu_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$",
    "CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON auditevent "
    "FOR EACH ROW EXECUTE FUNCTION ghiseu_append_only()",
    "CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION ghiseu_append_only()",
    "CREATE TRIGGER audithead_no_delete BEFORE DELETE ON audithead FOR EACH ROW EXECUTE FUNCTION ghiseu_append_only()",
    "CREATE TRIGGER audithead_no_truncate BEFORE TRUNCATE ON audithead "
    "FOR EACH STATEMENT EXECUTE FUNCTION ghiseu_append_only()",
]
_SQLITE_DROP = ["DROP TRIGGER IF EXISTS auditevent_no_update", "DROP TRIGGER IF EXISTS auditevent_no_delete",
                "DROP TRIGGER IF EXISTS audithead_no_delete"]
_PG_DROP = ["DROP TRIGGER IF EXISTS auditevent_append_only ON auditevent",
            "DROP TRIGGER IF EXISTS auditevent_no_truncate ON auditevent",
            "DROP TRIGGER IF EXISTS audithead_no_delete ON audithead",
            "DROP TRIGGER IF EXISTS audithead_no_truncate ON audithead"]


def install_guards(connection: Connection) -> None:
    """Creates the triggers (a migration that rebuilds the table on SQLite must run this again)."""
    for statement in _PG_GUARDS if connection.dialect.name == "postgresql" else _SQLITE_GUARDS:
        connection.exec_driver_sql(statement)


def remove_guards(connection: Connection) -> None:
    """Drops the triggers: only for migrations (a downgrade, migration 0021's backfill of unchained columns) and
    the test suite's emptying of tables."""
    for statement in _PG_DROP if connection.dialect.name == "postgresql" else _SQLITE_DROP:
        connection.exec_driver_sql(statement)


def _anchor(path: str | None) -> tuple[int, str] | None:
    if not path:
        return None
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return int(data["seq"]), str(data["hash"])


def main(argv: list[str] | None = None) -> int:
    from core.platform.db import UnitOfWork, create_schema, get_engine

    parser = argparse.ArgumentParser(prog="python -m core.platform.audit")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verify", help="walk the whole chain; exit 1 at the first broken link")
    check.add_argument("--anchor", help="a head written down earlier (the JSON `head` prints)")
    commands.add_parser("head", help="print the chain's head as JSON, to keep outside the database")
    args = parser.parse_args(argv)
    engine = get_engine()
    create_schema(engine)
    if args.command == "head":
        with engine.connect() as connection:
            print(json.dumps(head(connection)))
        return 0
    result = record_verification(uow=UnitOfWork(engine), anchor=_anchor(args.anchor))
    print(result.describe(), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
