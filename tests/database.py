"""Emptying the test database: each test, and each service the hostile-input benchmark tries, starts empty."""

from sqlalchemy import text
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
