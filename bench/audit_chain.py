"""Audit chain benchmark: how long `python -m core.platform.audit verify` takes for N chained rows, and what the
chain adds to one audited transaction (appending a row and moving the head) beside the same transaction
without an audit row.

    PYTHONPATH=. python bench/audit_chain.py [--rows 1000000] [--database-url URL]

Without --database-url it uses a new SQLite file; with a PostgreSQL URL the database must be empty
(its tables are created and emptied).
"""

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from core.models import AuditEvent, AuditHead, NumberSequence
from core.platform import audit
from core.platform.db import UnitOfWork, create_schema, get_engine

BATCH = 10_000
APPENDS = 300


def generate(engine, rows: int) -> float:
    """N payment-like actions, chained as the application chains them; returns the seconds taken."""
    started = time.perf_counter()
    previous, moment = audit.GENESIS, datetime(2026, 1, 1, 8, tzinfo=UTC)
    with engine.begin() as connection:
        audit.remove_guards(connection)
        connection.execute(text("DELETE FROM auditevent"))
        connection.execute(text("DELETE FROM audithead"))
        audit.install_guards(connection)
        for first in range(1, rows + 1, BATCH):
            batch = [dict(at=moment + timedelta(seconds=n), actor="clerk", role="clerk", trigger="record_payment",
                          subject=f"payment:{n}", details={"amount": f"{n % 900 + 10}.50", "channel": "counter"})
                     for n in range(first, min(first + BATCH, rows + 1))]
            previous = audit.chain_rows(batch, previous, first)
            connection.execute(insert(AuditEvent), batch)
        connection.execute(insert(AuditHead).values(id=1, seq=rows, hash=previous))
    return time.perf_counter() - started


def transaction_ms(engine, audited: bool) -> list[float]:
    """Commit times of small transactions (one counter bump each), with or without one audit row."""
    times = []
    for n in range(APPENDS):
        started = time.perf_counter()
        with UnitOfWork(engine) as uow:
            uow.session.merge(NumberSequence(name=f"bench-{audited}-{n}", next_value=1))
            if audited:
                audit.record_action(uow.session, actor="clerk", role="clerk", action="bench", subject=f"n:{n}")
            uow.commit()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'audit.db'}"
    engine = get_engine(url)
    create_schema(engine)
    loaded = generate(engine, args.rows)
    with engine.connect() as connection:
        started = time.perf_counter()
        result = audit.verify(connection)
        verified = time.perf_counter() - started
    plain, chained = transaction_ms(engine, audited=False), transaction_ms(engine, audited=True)
    print(f"database: {engine.dialect.name}, rows: {args.rows:,}")
    print(f"load (chain computed in Python, bulk insert): {loaded:.1f} s")
    print(f"verify: {verified:.1f} s ({args.rows / verified:,.0f} rows/s), intact: {result.ok}")
    print("one small transaction, p50 / p95 ms:")
    for label, times in (("without an audit row (baseline)", plain), ("with one chained audit row", chained)):
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"  {label:34} {statistics.median(times):6.2f} / {p95:6.2f}")


if __name__ == "__main__":
    main()
