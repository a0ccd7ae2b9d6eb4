"""Hostile-input benchmark: throws N hostile values (tests/hostile.py: control characters, lone surrogates,
bidi overrides, huge and odd numbers, boundary lengths, wrong types) at every form service and at
POST /api/payments/notify (signed bodies, Starlette TestClient), each value into one randomly chosen field,
and prints per service: values tried / accepted / refused / crashes / partial writes (a refusal that left
rows behind) and the time taken. Each service starts on an emptied database.

    PYTHONPATH=. python bench/hostile_input.py [--values 200] [--seed 9] [--database-url URL]

Without --database-url a fresh SQLite file is used; PostgreSQL: postgresql+psycopg://postgres@127.0.0.1/db
(the database is emptied and migrated).
"""

import argparse
import logging
import random
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=200, help="hostile values per service")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'hostile.db'}"

    from sqlalchemy import text
    from sqlmodel import SQLModel

    from core.platform.config import settings
    from core.platform.db import UnitOfWork, create_schema, get_engine

    settings.database_url = url  # the notification route opens its own unit of work on the configured database
    engine = get_engine(url)
    with engine.begin() as conn:
        SQLModel.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    create_schema(engine)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.applications import Starlette
        from starlette.testclient import TestClient

    from core.online.routes import routes
    from tests.database import empty_tables
    from tests.hostile import PartialWrite, attempt, drivers, sample

    logging.disable(logging.CRITICAL)  # every refused notification is logged; the counts say it here
    rng = random.Random(args.seed)
    uow = lambda: UnitOfWork(engine)  # noqa: E731
    totals = [0, 0, 0, 0, 0]
    first_crash = None
    print(f"database: {engine.dialect.name}, {args.values} hostile values per service, seed {args.seed}")
    print(f"{'service':34} {'tried':>6} {'accepted':>9} {'refused':>8} {'crashes':>8} {'partial':>8} {'s':>6}")
    with TestClient(Starlette(routes=routes())) as client:
        for name, driver in drivers(client).items():
            empty_tables(engine)
            built = driver.setup(uow)
            counts = [0, 0, 0, 0, 0]
            started = time.perf_counter()
            for _ in range(args.values):
                slot, value = rng.choice(driver.slots), sample(rng)
                counts[0] += 1
                try:
                    counts[1 if attempt(engine, driver.call(uow, built, slot, value)) else 2] += 1
                except PartialWrite:
                    counts[4] += 1
                except Exception:  # a crash: counted, and the first one shown below
                    counts[3] += 1
                    first_crash = first_crash or (name, slot, value, traceback.format_exc(limit=3))
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            print(f"{name:34} {counts[0]:>6} {counts[1]:>9} {counts[2]:>8} {counts[3]:>8} {counts[4]:>8} "
                  f"{time.perf_counter() - started:>6.1f}")
    print(f"{'total':34} {totals[0]:>6} {totals[1]:>9} {totals[2]:>8} {totals[3]:>8} {totals[4]:>8}")
    if first_crash:
        name, slot, value, trace = first_crash
        print(f"\nfirst crash: {name}, field {slot!r}, value {value!r:.80}\n{trace}")
    return 1 if totals[3] or totals[4] else 0


if __name__ == "__main__":
    sys.exit(main())
