"""A PostgreSQL connection the server dropped (a restart, a failover, an idle timeout): with DATABASE_POOL_PRE_PING
(the default) the pool tests each connection before use and the next request never sees the drop; without it
that request fails once and the pool is renewed, which saves a round trip on every unit of work. SQLite opens a
file: nothing to ping, whatever the setting."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from core.platform.config import settings
from core.platform.db import UnitOfWork, get_engine


def _read(engine) -> int:
    with UnitOfWork(engine).reading() as u:
        return u.session.execute(text("SELECT 1")).scalar_one()


def _server_drops(url) -> int:
    """The server ends the sessions of the pool under test, as a restart would; how many it ended."""
    admin = create_engine(url.set(query={}), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        ended = connection.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                        "WHERE application_name = 'dropped'")).scalar_one()
    admin.dispose()
    return ended


@pytest.mark.parametrize("pre_ping", [True, False])
def test_a_dropped_connection_fails_one_request_only_without_pre_ping(engine, monkeypatch, pre_ping):
    monkeypatch.setattr(settings, "database_pool_pre_ping", pre_ping)
    postgres = engine.dialect.name == "postgresql"
    url = engine.url.update_query_dict({"application_name": "dropped"}) if postgres else engine.url
    pooled = get_engine(url.render_as_string(hide_password=False))  # a pool of its own on PostgreSQL
    assert pooled.pool._pre_ping is (pre_ping and postgres)
    assert _read(pooled) == 1
    if not postgres:
        assert _read(pooled) == 1
        return
    assert _server_drops(url) == 1
    if not pre_ping:
        with pytest.raises(OperationalError):
            _read(pooled)
    assert _read(pooled) == 1  # pinged and replaced before use, or renewed after the one failure
    pooled.dispose()
