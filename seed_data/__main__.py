"""`python -m seed_data [--accounts N] [--cases M]`: fills the database named by DATABASE_URL with the
demo dataset, once; a database that already holds data is left alone."""

import argparse
import sys
import time

from core.config import settings
from core.db import get_engine
from seed_data.builder import build, is_seeded


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m seed_data",
                                     description="Fills the database named by DATABASE_URL with the demo dataset.")
    parser.add_argument("--accounts", type=int, default=settings.seed_accounts)
    parser.add_argument("--cases", type=int, default=settings.seed_cases)
    parser.add_argument("--seed", type=int, default=settings.seed_random_seed)
    args = parser.parse_args()
    engine = get_engine()
    if is_seeded(engine):
        print(f"Baza de date {engine.url!r} conține deja date; nu se adaugă date demonstrative.", file=sys.stderr)
        return 1
    started = time.perf_counter()
    counts = build(engine, accounts=args.accounts, cases=args.cases, seed=args.seed,
                   progress=lambda fraction, label: print(f"[{fraction:4.0%}] {label}", flush=True))
    for name, count in counts.items():
        print(f"{name}: {count}")
    print(f"Durata: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
