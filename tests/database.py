"""Emptying the test database (each test, and each service the hostile-input benchmark tries, starts empty),
and new databases for tests that start processes of their own."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlmodel import SQLModel

from core.platform import audit


def empty_tables(engine) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as conn:
        audit.remove_guards(conn)  # the audit trail refuses deletes from anyone else
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
        audit.install_guards(conn)


@contextmanager
def new_database(backend: str, folder: Path, name: str) -> Iterator[str]:
    """The URL of a database no other test uses, for tests whose processes bring up their own schema: a new
    PostgreSQL database on TEST_DATABASE_URL's server (dropped afterwards), or a new SQLite file in `folder`."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'{name}.db'}"
        return
    server = make_url(os.environ["TEST_DATABASE_URL"])
    database = f"{server.database}_{name}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        yield server.set(database=database).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    finally:
        admin.dispose()
