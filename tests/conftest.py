"""Every database test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too."""

import os

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from core import audit
from core.db import UnitOfWork, create_schema, get_engine

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = os.environ["TEST_DATABASE_URL"]
    engine = get_engine(url)
    with engine.begin() as conn:
        SQLModel.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine):
    """A factory of units of work on an emptied database."""
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as conn:
        audit.remove_guards(conn)  # the audit trail refuses deletes from anyone else
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
        audit.install_guards(conn)
    return lambda: UnitOfWork(engine)
