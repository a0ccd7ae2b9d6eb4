"""Emptying the test database: each test, and each service the hostile-input benchmark tries, starts empty."""

from sqlalchemy import text
from sqlmodel import SQLModel


def empty_tables(engine) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
