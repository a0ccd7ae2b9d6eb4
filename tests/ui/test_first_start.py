"""A fresh installation: the first visitor's run seeds the demo data, once, through the real services."""

import pytest
from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from core.config import settings
from core.db import UnitOfWork, get_engine
from core.models import Contract
from seed_data import builder
from tests.ui.conftest import APP, Browser, table


@pytest.fixture
def empty_database(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "database_url", f"sqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.setattr(settings, "seed_on_first_start", True)
    monkeypatch.setattr(settings, "seed_accounts", 12)
    monkeypatch.setattr(settings, "seed_cases", 4)
    engine = get_engine(settings.database_url)
    yield engine
    engine.dispose()


def contracts(engine) -> int:
    with UnitOfWork(engine) as uow:
        return uow.session.exec(select(func.count()).select_from(Contract)).one()


def test_the_first_start_seeds_demo_data_that_the_queue_then_shows(empty_database, monkeypatch):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert builder.is_seeded(empty_database)
    assert at.title[0].value == "Servicii online"  # the progress bar is gone, the public home page is there
    browser = Browser(lambda: UnitOfWork(empty_database))
    monkeypatch.setattr("ui.staff_session.session_cookie", lambda: browser.cookie)
    browser.sign_in("clerk")
    at.run()
    assert at.title[0].value == "Coada de lucru" and len(table(at)) >= 1


def test_a_second_start_does_not_seed_again(empty_database):
    AppTest.from_file(APP, default_timeout=120).run()
    before = contracts(empty_database)
    AppTest.from_file(APP, default_timeout=120).run()
    assert contracts(empty_database) == before > 0
