"""A fresh installation: the first visitor's run starts seeding the demo data, once, through the real services,
in the background: the public home opens at once, the staff sign-in after the seed."""

import threading
import time

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
from ui import bootstrap
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


@pytest.fixture
def held_seed(monkeypatch):
    """Holds the real seed at its start until the test lets it go, so "while it still runs" is certain."""
    go = threading.Event()
    real_build = builder.build_demo

    def build_when_let_go(*args, **kwargs):
        assert go.wait(60), "the test never let the seed go"
        return real_build(*args, **kwargs)

    monkeypatch.setattr(builder, "build_demo", build_when_let_go)
    yield go
    go.set()


def wait_for_seed() -> None:
    running = bootstrap.seeding()
    assert running is None or running.finished.wait(120)
    assert bootstrap.seeding() is None


def test_the_public_home_opens_while_the_first_start_still_seeds(empty_database, held_seed):
    started = time.monotonic()
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception and time.monotonic() - started < 10
    assert at.title[0].value == "Servicii online" and bootstrap.seeding() is not None
    assert contracts(empty_database) == 0  # no data yet: the home page did not wait for it
    held_seed.set()
    wait_for_seed()
    assert builder.is_seeded(empty_database)


def test_staff_sign_in_is_refused_until_the_seed_is_done_then_the_queue_shows_it(empty_database, held_seed,
                                                                                 monkeypatch):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert bootstrap.seeding() is not None
    threading.Timer(2, held_seed.set).start()
    at.switch_page("pages/sign_in.py").run()  # waits behind the bar, then reruns onto the form
    assert not at.exception and bootstrap.seeding() is None
    assert [field.label for field in at.text_input][:2] == [t("ui.signin.username"), t("ui.signin.password")]
    browser = Browser(lambda: UnitOfWork(empty_database))
    monkeypatch.setattr("ui.staff_session.session_cookie", lambda: browser.cookie)
    browser.sign_in("clerk")
    at.run()
    assert at.title[0].value == "Coada de lucru" and len(table(at)) >= 1


def test_a_public_page_that_needs_data_waits_for_the_seed_with_the_bar(empty_database, held_seed):
    at = AppTest.from_file(APP, default_timeout=5).run()
    at.switch_page("pages/pay.py")
    with pytest.raises(RuntimeError, match="timed out"):  # still behind the bar while the seed is held
        at.run()
    held_seed.set()
    wait_for_seed()
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/pay.py").run()
    assert not at.exception and at.title[0].value == t("ui.nav.pay")


def test_a_second_start_does_not_seed_again(empty_database):
    AppTest.from_file(APP, default_timeout=120).run()
    wait_for_seed()
    before = contracts(empty_database)
    AppTest.from_file(APP, default_timeout=120).run()
    assert bootstrap.seeding() is None and contracts(empty_database) == before > 0


def test_the_first_start_bar_tells_the_measured_time_left_and_never_moves_back(empty_database, monkeypatch):
    shown: list[tuple[float, str]] = []
    real_report = bootstrap.Seeding.report

    def watch(self, fraction, step):  # what a waiting page would render after each step the seed reports
        real_report(self, fraction, step)
        shown.append((self.clock.done, self.text()))

    monkeypatch.setattr(bootstrap.Seeding, "report", watch)
    AppTest.from_file(APP, default_timeout=120).run()
    wait_for_seed()
    fractions = [done for done, _ in shown]
    assert shown and fractions == sorted(fractions) and shown[-1][0] == 1.0
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
