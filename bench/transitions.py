"""Transitions per second with their audit event and outbox message (issue 12 item 3): bulk-loads accounts with
cases into the database named by DATABASE_URL (seed_data.bulk), then has a clerk reject freshly registered
requests (each case once, through core.services.cases.fire_trigger, one transaction per fire) from 1 thread,
then from several threads and several processes, and prints transitions/s and the per-fire p50 / p95 of each
round. `--profile` prints where one more single-thread round goes (cProfile, on stderr). Never a test:
numbers depend on the machine."""

import argparse
import cProfile
import io
import multiprocessing
import os
import pstats
import statistics
import sys
import threading
import time
from collections.abc import Iterator

from sqlalchemy import event
from sqlmodel import select

from core.models import Case, Role
from core.platform.db import UnitOfWork, create_schema, get_engine
from core.services.cases import fire_trigger
from core.services.users import ensure_demo_users
from core.staff.auth import Actor
from core.workflow import registry
from seed_data import bulk
from seed_data.builder import is_seeded

CLERK = Actor("clerk", Role.CLERK, "Ana Popa")
WORKFLOWS = ("holder_change", "new_contract")  # both start in a state a clerk may leave without a guard


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench transitions")
    parser.add_argument("--accounts", type=int, default=20_000, help="accounts (each with a case) to load")
    parser.add_argument("--fires", type=int, default=300, help="transitions per round")
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4], help="threads / processes per round")
    parser.add_argument("--profile", action="store_true", help="print the single-thread round's cProfile")
    parser.add_argument("--reuse", action="store_true", help="fire on the cases already there instead of loading")
    args = parser.parse_args(argv)
    engine = get_engine()
    if not args.reuse:
        if is_seeded(engine):
            print(f"{engine.url!r} already holds data: empty it, or pass --reuse", file=sys.stderr)
            return 1
        create_schema(engine)
        ensure_demo_users(uow=UnitOfWork(engine))
        bulk.load(engine, accounts=args.accounts, cases=args.accounts, seed=1, progress=lambda *_: None)
    batches = open_batches(args.fires)
    rounds = [("1 thread", 1, False), *((f"{n} threads", n, False) for n in args.workers),
              *((f"{n} processes", n, True) for n in args.workers)]
    statements = [0]
    event.listen(engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    print(f"| transitions ({engine.url.get_backend_name()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}) | fired | per second | p50 ms | p95 ms | this process's CPU ms "
          "per fire | SQL statements per fire |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, workers, processes in rounds:
        cases = next(batches, None)
        if cases is None:
            print(f"| {name} | not enough open cases: load more accounts | | | | | |")
            continue
        statements[0], cpu = 0, time.process_time()
        seconds, spent = (in_processes if processes else _in_threads)(cases, workers)
        cpu, ordered = (time.process_time() - cpu) * 1000 / len(cases), sorted(spent)
        # the children's CPU and statements are not this process's
        own = f"{cpu:.2f} | {statements[0] / len(cases):.1f}" if not processes else " | "
        print(f"| {name} | {len(spent)} | {len(spent) / seconds:,.0f} | {statistics.median(ordered):.2f} | "
              f"{ordered[int(0.95 * (len(ordered) - 1))]:.2f} | {own} |", flush=True)
    cases = next(batches, None) if args.profile else None
    if cases:
        profile = cProfile.Profile()
        profile.runcall(_fire_all, cases)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(60)
        print(out.getvalue(), file=sys.stderr)
    return 0


def open_batches(size: int) -> Iterator[list[tuple[int, int, str]]]:
    """Rounds of (case id, version, trigger): open cases in their workflow's first state, each used once."""
    found = []
    with UnitOfWork() as u:
        for name in WORKFLOWS:
            wf = registry.latest(name)
            trigger = next(tr.trigger for tr in wf.transitions if str(wf.initial) in map(str, tr.source)
                           and CLERK.role in tr.roles and not tr.guards)
            found += [(case_id, version, trigger) for case_id, version in u.session.exec(
                select(Case.id, Case.version).where(Case.case_type == name, Case.state == str(wf.initial),
                                                    Case.workflow_version == wf.version))]
    found.sort()
    for start in range(0, len(found) - size + 1, size):
        yield found[start:start + size]


def fire(case: tuple[int, int, str]) -> None:
    """One (case id, version, trigger) of open_batches fired by the clerk, as the case page does."""
    case_id, version, trigger = case
    fire_trigger(uow=UnitOfWork(), case_id=case_id, expected_version=version, trigger=trigger, actor=CLERK,
                 reason="Benchmark")


def _fire_all(cases: list[tuple[int, int, str]]) -> list[float]:
    spent = []
    for case in cases:
        started = time.perf_counter()
        fire(case)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def _in_threads(cases: list, workers: int) -> tuple[float, list[float]]:
    shares, results = [cases[k::workers] for k in range(workers)], [None] * workers

    def run(k: int) -> None:
        results[k] = _fire_all(shares[k])

    threads = [threading.Thread(target=run, args=(k,)) for k in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, [ms for share in results for ms in share]


def _process_share(share: list, start, queue) -> None:
    """One child: the same DATABASE_URL (inherited environment), its own engine."""
    get_engine().connect().close()  # connected and imported before the start
    start.wait()
    began = time.time()
    spent = _fire_all(share)
    queue.put((began, time.time(), spent))


def in_processes(cases: list, workers: int) -> tuple[float, list[float]]:
    """Separate interpreters (no shared GIL nor lock), started and connected before the clock starts."""
    context = multiprocessing.get_context("spawn")
    start, queue = context.Barrier(workers), context.Queue()
    children = [context.Process(target=_process_share, args=(cases[k::workers], start, queue))
                for k in range(workers)]
    for child in children:
        child.start()
    done = [queue.get() for _ in children]
    for child in children:
        child.join()
    return max(end for _, end, _ in done) - min(began for began, _, _ in done), [ms for *_, s in done for ms in s]
