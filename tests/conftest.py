"""Every database test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too. Under
pytest-xdist (`-n 2`) each worker has a PostgreSQL database of its own, named after the worker."""

import os

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlmodel import SQLModel

from core.platform.db import UnitOfWork, create_schema, get_engine
from tests.app_processes import chromium
from tests.database import empty_tables

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not (worker and os.environ.get("TEST_DATABASE_URL")):
        return
    server = make_url(os.environ["TEST_DATABASE_URL"])
    own = server.set(database=f"{server.database}_{worker}")
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    os.environ["TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)


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
    empty_tables(engine)
    return lambda: UnitOfWork(engine)


@pytest.fixture(scope="session")
def browser():
    """One chromium for every browser test (Playwright's sync API allows one running instance per thread)."""
    with chromium() as browser:
        yield browser
