"""Getting the database ready before any page runs: the schema at once, and on an empty database the demo
data in a thread of its own, so the public home opens while it is seeded. Pages that need the data (and the
staff sign-in) show the seed's progress until it is done. Once per process and database URL; several app
processes on one new database migrate and seed one at a time (core.platform.db.schema_lock)."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st
from sqlalchemy.engine import Engine

from core.platform.config import settings
from core.platform.db import create_schema, get_engine, schema_lock
from core.platform.i18n import t


@dataclass
class Seeding:
    """The first-start seed running in its own thread (with its own connection from the pool, so a page's
    reads never share its transaction). Pages read the last step it reported and render it in their own
    language; writing pages wait for `finished`, so nothing else writes to SQLite meanwhile."""
    clock: "SeedClock"
    fraction: float = 0.0
    step: str = ""
    finished: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None

    def report(self, fraction: float, step: str) -> None:
        self.fraction, self.step = fraction, step

    def text(self) -> str:
        return self.clock.text(self.fraction, self.step) if self.step else t("ui.bootstrap.starting")


@dataclass
class _Database:
    engine: Engine
    lock: threading.Lock = field(default_factory=threading.Lock)
    ready: bool = False
    seeding: Seeding | None = None


@st.cache_resource(show_spinner=False)
def _database(url: str) -> _Database:
    # keyed by URL (not core.platform.db's default) so tests pointing settings at a new file get a new engine
    return _Database(get_engine(url))


def engine() -> Engine:
    return _database(settings.database_url).engine


def bootstrap() -> Engine:
    """Migrates the schema and, when demo seeding is on and the database is empty, starts seeding it (demo
    data and the demo users with their published passwords) in the background, once."""
    db = _database(settings.database_url)
    if db.ready:
        return db.engine
    with db.lock:  # a second session arriving meanwhile waits for the migration, not for the seed
        if not db.ready:
            create_schema(db.engine)  # under the schema lock: another app process on the same new database waits
            if settings.seed_on_first_start:
                db.seeding = _start_seed_if_empty(db.engine)
            db.ready = True
    return db.engine


def seeding() -> Seeding | None:
    """The first-start seed while it still runs (or failed); None once the demo data is there."""
    running = _database(settings.database_url).seeding
    return None if running is None or (running.finished.is_set() and running.error is None) else running


def wait_for_demo_data(reason: str) -> None:
    """Shows the seed's progress bar (and why this page waits, the catalogue key `reason`) until the seed is
    done, then reruns the page; returns at once when no seed runs. A failed seed is raised here."""
    running = seeding()
    if running is None:
        return
    with st.container(border=True):
        st.markdown(f"#### :material/database: {t('ui.bootstrap.title')}")
        st.write(t(reason))
        st.caption(t("ui.bootstrap.hint"))
        bar = st.progress(0.0, text=running.text())
        while not running.finished.wait(0.5):
            bar.progress(running.clock.done, text=running.text())
    if running.error is not None:
        raise running.error
    st.rerun()


@dataclass
class SeedClock:
    """What the first-start bar says: the step, the time spent and the time left estimated from the rate
    measured so far (no promise made in advance: a busy machine seeds several times slower). The bar never
    moves back, though the builder's phases report their own fractions."""
    clock: Callable[[], float] = time.monotonic
    started: float = field(init=False)
    done: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def text(self, fraction: float, step: str) -> str:
        self.done = max(self.done, min(max(fraction, 0.0), 1.0))
        elapsed = self.clock() - self.started
        if self.done < 0.05 or elapsed < 1:  # too little measured yet to extrapolate from
            return t("ui.bootstrap.measuring", step=step, elapsed=round(elapsed))
        left = elapsed * (1 - self.done) / self.done
        return t("ui.bootstrap.eta", step=step, elapsed=round(elapsed), left=max(1, round(left)))


def _start_seed_if_empty(engine: Engine) -> Seeding | None:
    from seed_data import builder  # imported only when seeding: the app runs without the seed package

    if builder.is_seeded(engine):
        return None
    running = Seeding(SeedClock())

    def seed() -> None:
        try:
            with schema_lock(engine):  # another app process seeding the same new database finishes first
                if not builder.is_seeded(engine):
                    builder.build_demo(engine, accounts=settings.seed_accounts, cases=settings.seed_cases,
                                       seed=settings.seed_random_seed, progress=running.report)
        except BaseException as error:  # shown by the pages that wait for it
            running.error = error
        finally:
            running.finished.set()

    threading.Thread(target=seed, name="ghiseu-first-start-seed", daemon=True).start()
    return running
