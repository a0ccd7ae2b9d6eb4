"""Database engine, schema creation and the unit of work every service writes through."""

import fcntl
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, create_engine

from core import models
from core.platform.config import settings
from core.platform.errors import StaleCase

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_LOCK_KEY = zlib.crc32(b"ghiseu.schema")  # the PostgreSQL advisory lock every process migrates under
_held = threading.local()  # the databases whose schema lock this thread holds (the lock is re-entrant)


def get_engine(url: str | None = None) -> Engine:
    """One engine per URL (the configured one by default, read at each call so tests can change it)."""
    return _engine(url or settings.database_url, settings.database_pool_pre_ping)


@cache
def _engine(url: str, pre_ping: bool) -> Engine:
    """SQLite gets WAL and foreign keys so it behaves like a server."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=pre_ping, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_schema(engine: Engine) -> None:
    """Brings the database to the latest migration (creating it when empty), one process at a time."""
    config = AlembicConfig(str(ROOT / "alembic.ini"))
    with schema_lock(engine), engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Apps and workers started together on a new database take turns to migrate it (and to seed it): without
    this the second one's CREATE TABLE fails on the first one's table and that process dies at start. On
    PostgreSQL an advisory lock on a connection of its own; on SQLite, which serves one machine, an flock
    on a file beside the database. Re-entrant in one thread (seeding migrates again under the same lock)."""
    key = engine.url.render_as_string(hide_password=True)
    held = _held.__dict__.setdefault("urls", set())
    if key in held:
        yield
        return
    held.add(key)
    try:
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK_KEY})
        elif engine.url.database and engine.url.database != ":memory:":
            with open(f"{engine.url.database}.schema-lock", "a") as lock_file:
                fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file is closed
                yield
        else:
            yield  # an in-memory database belongs to one process
    finally:
        held.discard(key)


class UnitOfWork:
    """One user action = one transaction: leaving the block without commit() rolls back."""

    def __init__(self, engine: Engine | None = None):
        self.engine = engine or get_engine()
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = Session(self.engine, expire_on_commit=False)
        return self

    def __exit__(self, exc_type, exc, _tb) -> None:
        # close() rolls back whatever was not committed and detaches objects without expiring them
        self.session.close()
        self.session = None
        if exc_type is not None and issubclass(exc_type, StaleDataError):
            # a colleague's change committed between our read and our write (caught at flush)
            raise StaleCase() from exc

    @contextmanager
    def reading(self) -> Iterator["UnitOfWork"]:
        """The block of a read that changes nothing: its statements go without BEGIN and ROLLBACK
        (autocommit), two of the four round trips of a one-statement read (the pool's ping, BEGIN, the
        statement, ROLLBACK). It loses nothing: under READ COMMITTED each statement takes its own
        snapshot inside a transaction too (SQLite's driver opens none for a SELECT anyway)."""
        with self:
            self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            yield self

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError as err:
            raise StaleCase() from err


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, _context, _instances) -> None:
    """Audit events are history: refuse any update or delete of one."""
    touched = [o for o in (*session.dirty, *session.deleted) if isinstance(o, models.AuditEvent)]
    if touched and any(session.is_modified(o) or o in session.deleted for o in touched):
        raise PermissionError("audit events are append-only")
