"""`python -m seed_data [--accounts N] [--cases M]`: fills the database named by DATABASE_URL with the
demo dataset (the scenarios through the services, the volume bulk-loaded: seed_data.bulk), once, then
checks the invariants on a sample; a database that already holds data is left alone."""

import argparse
import sys
import time

from core.platform.config import settings
from core.platform.db import get_engine
from seed_data.builder import build_demo, is_seeded
from seed_data.checks import check_sample


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m seed_data",
                                     description="Fills the database named by DATABASE_URL with the demo dataset.")
    parser.add_argument("--accounts", type=int, default=settings.seed_accounts)
    parser.add_argument("--cases", type=int, default=settings.seed_cases)
    parser.add_argument("--seed", type=int, default=settings.seed_random_seed)
    parser.add_argument("--check", type=int, default=200, help="contracts and cases re-read to check invariants")
    args = parser.parse_args()
    engine = get_engine()
    if is_seeded(engine):
        print(f"Baza de date {engine.url!r} conține deja date; nu se adaugă date demonstrative.", file=sys.stderr)
        return 1
    started = time.perf_counter()
    counts = build_demo(engine, accounts=args.accounts, cases=args.cases, seed=args.seed,
                   progress=lambda fraction, label: print(f"[{fraction:4.0%}] {label}", flush=True))
    for name, count in counts.items():
        print(f"{name}: {count}")
    print(f"Durata: {time.perf_counter() - started:.1f} s")
    problems = check_sample(engine, size=args.check)
    for problem in problems:
        print(f"INVARIANT: {problem}", file=sys.stderr)
    print("Invarianți verificați pe eșantion: " + ("OK" if not problems else f"{len(problems)} probleme"))
    return 0 if not problems else 2


if __name__ == "__main__":
    sys.exit(main())
