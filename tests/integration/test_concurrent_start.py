"""Apps and workers started together on a new database (a first `docker compose up`, a restart after a
deployment with a new migration) each bring the schema to the latest migration: they must take turns, or
the second one's CREATE TABLE fails on the first one's table and that process dies at start."""

import os
import subprocess
import sys

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from tests.conftest import BACKENDS
from tests.database import new_database

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRATE = "from core.platform.db import create_schema, get_engine; create_schema(get_engine())"


@pytest.mark.parametrize("backend", BACKENDS)
def test_processes_migrating_one_new_database_at_once_all_start(backend, tmp_path):
    with new_database(backend, tmp_path, "concurrent_start") as url:
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": ROOT}
        starts = [subprocess.Popen([sys.executable, "-c", MIGRATE], cwd=ROOT, env=env, stderr=subprocess.PIPE,
                                   text=True) for _ in range(3)]
        failures = [err[-600:] for start in starts if (err := start.communicate(timeout=120)[1]) and start.returncode]
        assert failures == []
        head = ScriptDirectory.from_config(Config(os.path.join(ROOT, "alembic.ini"))).get_current_head()
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]
        engine.dispose()
