"""A fresh installation: the first visitor's run seeds the demo data, once, through the real services."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from core.models import Contract
from core.platform.config import settings
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from seed_data import builder
from tests.ui.conftest import APP, Browser, table
from ui.bootstrap import SeedClock


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


def test_the_first_start_bar_tells_the_measured_time_left_and_never_moves_back(empty_database, monkeypatch):
    shown: list[tuple[float, str]] = []
    real_text = SeedClock.text

    def spy(self, fraction, step):
        text = real_text(self, fraction, step)
        shown.append((self.done, text))
        return text

    monkeypatch.setattr(SeedClock, "text", spy)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception and shown
    fractions = [done for done, _ in shown]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("încă aproximativ" in text for _, text in shown)  # an estimate, in seconds, once measured
    assert "minut" not in t("ui.bootstrap.hint")  # no duration promised before anything was measured


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_estimate_extrapolates_the_rate_measured_so_far():
    clock = FakeClock()
    seed_clock = SeedClock(clock=clock)
    clock.now += 0.5
    assert "se estimează" in seed_clock.text(0.2, "Conturi")  # under a second measured: no figure yet
    clock.now += 9.5
    assert seed_clock.text(0.25, "Conturi") == "Conturi · 10 s trecute, încă aproximativ 30 s"
    assert seed_clock.text(0.1, "Cereri") == "Cereri · 10 s trecute, încă aproximativ 30 s"  # never back


@given(fractions=st.lists(st.floats(min_value=-2, max_value=3, allow_nan=False), min_size=1, max_size=30),
       steps=st.lists(st.floats(min_value=0, max_value=1e5, allow_nan=False), min_size=30, max_size=30))
def test_the_bar_stays_between_zero_and_one_and_only_grows(fractions, steps):
    clock = FakeClock()
    seed_clock = SeedClock(clock=clock)
    seen = []
    for fraction, step in zip(fractions, steps, strict=False):
        clock.now += step
        text = seed_clock.text(fraction, "pas\x00\u202e")
        seen.append(seed_clock.done)
        assert text.startswith("pas\x00\u202e · ") and " -" not in text
    assert seen == sorted(seen) and all(0 <= done <= 1 for done in seen)
