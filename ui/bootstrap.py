"""Getting the database ready before any page runs: schema, demo users and, on an empty database, the
demo data. Runs once per process and database URL (one process at a time on one database); every later
rerun only takes the cached engine."""

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
class _Database:
    engine: Engine
    lock: threading.Lock = field(default_factory=threading.Lock)
    ready: bool = False


@st.cache_resource(show_spinner=False)
def _database(url: str) -> _Database:
    # keyed by URL (not core.platform.db's default) so tests pointing settings at a new file get a new engine
    return _Database(get_engine(url))


def engine() -> Engine:
    return _database(settings.database_url).engine


def bootstrap() -> Engine:
    """Migrates the schema and, when demo seeding is on, seeds an empty database (demo data and the
    demo users with their published passwords) with a progress bar, once."""
    db = _database(settings.database_url)
    if db.ready:
        return db.engine
    with db.lock:  # a second session arriving meanwhile waits for the first one to finish
        if not db.ready:
            with schema_lock(db.engine):  # and so does another app process on the same new database
                create_schema(db.engine)
                if settings.seed_on_first_start:
                    _seed_if_empty(db.engine)
            db.ready = True
    return db.engine


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


def _seed_if_empty(engine: Engine) -> None:
    from seed_data import builder  # imported only when seeding: the app runs without the seed package

    if builder.is_seeded(engine):
        return
    slot = st.empty()
    with slot.container(border=True):
        st.markdown(f"#### :material/database: {t('ui.bootstrap.title')}")
        st.caption(t("ui.bootstrap.hint"))
        bar = st.progress(0.0, text=t("ui.bootstrap.starting"))

    seed_clock = SeedClock()

    def progress(fraction: float, step: str) -> None:
        text = seed_clock.text(fraction, step)
        bar.progress(seed_clock.done, text=text)

    builder.build_demo(engine, accounts=settings.seed_accounts, cases=settings.seed_cases,
                       seed=settings.seed_random_seed, progress=progress)
    slot.empty()
