"""Lookup-guessing benchmark: an attacker guesses the CNP behind ONE payment code on the invoice-copy lookup,
from a new browser session and a new address for every guess (core.online.access with its real settings).
It prints, per database: guesses tried, answered without a challenge, answered after a solved challenge (the
attacker solving with altcha's own solver) and the time that cost, the same for 40 parallel guesses, and the
mean time to solve one challenge at each difficulty (the ALTCHA max_number) with the Python solver and, with
--browser, with the page's own solver (ui.proof_of_work) in Debian's chromium.

    PYTHONPATH=. python bench/lookup_guessing.py [--guesses 300] [--solving 20] [--samples 5] [--browser]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/ghiseu_c]   # that database is emptied
"""

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import text
from sqlmodel import SQLModel
from stdnum.ro import cnp

from core.models import Customer, CustomerKind
from core.online import access, challenges
from core.platform.config import settings
from core.platform.db import UnitOfWork, create_schema, get_engine
from core.platform.errors import DomainError
from core.services.accounts import open_account
from core.staff.auth import SYSTEM

HOLDER_CNP = "1800101221144"


def fresh_database(url: str):
    engine = get_engine(url)
    with engine.begin() as conn:
        SQLModel.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    create_schema(engine)
    return engine


def wrong_cnp(n: int) -> str:
    first_twelve = f"1800101{n:05d}"
    return first_twelve + cnp.calc_check_digit(first_twelve)


def guess(engine, code: str, n: int, solve: bool) -> str:
    """One guess from its own session and address: "answered", "challenged", or "answered after challenge"."""
    who = access.client(f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}", f"bench-{n}-{time.time_ns()}")

    def matches(session, contract):
        return session.get(Customer, contract.customer_id).national_id == wrong_cnp(n)

    def ask(solution=None) -> None:
        access.find_contract(uow=UnitOfWork(engine), who=who, service="invoice_copy", payment_code=code,
                             matches=matches, solution=solution)
    try:
        ask()
        return "answered"
    except access.ChallengeRequired as needed:
        if not solve:
            return "challenged"
        try:
            ask(challenges.solve(needed.challenge))
        except access.ChallengeRequired:
            return "challenged"
        except DomainError:  # the neutral "not found": a wrong guess, but answered
            pass
        return "answered after challenge"
    except DomainError:
        return "answered"


def one_account(url: str):
    """An emptied database holding one account; returns its engine and payment code."""
    engine = fresh_database(url)
    contract = open_account(
        uow=UnitOfWork(engine), actor=SYSTEM, kind=CustomerKind.PERSON, name="Popescu Ion", national_id=HOLDER_CNP,
        email="ion.popescu@example.com", phone="+40721234567", address="Str. Lalelelor 5, Iași",
        pod="RO005E512345678", meter_serial="ZMD-0001", start_date=date(2024, 1, 1), start_index=1000)
    return engine, contract.payment_code


def run(label: str, url: str, guesses: int, solving: int) -> None:
    engine, code = one_account(url)
    started = time.perf_counter()
    outcomes = [guess(engine, code, n, solve=False) for n in range(guesses)]
    plain_seconds = time.perf_counter() - started
    started = time.perf_counter()
    solved = [guess(engine, code, guesses + n, solve=True) for n in range(solving)]
    solving_seconds = time.perf_counter() - started
    engine, code = one_account(url)  # afresh: the 40 all race for the first free attempts
    with ThreadPoolExecutor(max_workers=40) as pool:
        parallel = list(pool.map(lambda n: guess(engine, code, n, solve=False), range(40)))
    print(f"[{label}] limit {settings.lookup_challenge_after} failures per code/session/address "
          f"in {settings.lookup_window_minutes} min")
    print(f"[{label}] guesses tried without solving:      {guesses:5d} in {plain_seconds:6.1f} s "
          f"({1000 * plain_seconds / guesses:.1f} ms each)")
    print(f"[{label}]   admitted without a challenge:      {outcomes.count('answered'):5d}")
    print(f"[{label}]   asked for a challenge:             {outcomes.count('challenged'):5d}")
    print(f"[{label}] guesses tried solving each challenge: {solving:5d} in {solving_seconds:6.1f} s "
          f"({solving_seconds / max(solving, 1):.2f} s each)")
    print(f"[{label}]   admitted with a challenge:         {solved.count('answered after challenge'):5d}")
    print(f"[{label}] 40 parallel guesses (threads):        admitted {parallel.count('answered')}, "
          f"challenged {parallel.count('challenged')}")


def difficulties() -> list[int]:
    """Every level a visitor can be asked for: the first, doubling, up to the cap."""
    levels = [settings.lookup_challenge_difficulty]
    while levels[-1] < settings.lookup_challenge_max_difficulty:
        levels.append(min(levels[-1] * 2, settings.lookup_challenge_max_difficulty))
    return levels


def solve_times(label: str, samples: int, solve_seconds) -> None:
    print(f"mean time to solve one challenge ({label}, {samples} challenges each):")
    for difficulty in difficulties():
        seconds = [solve_seconds(challenges.issue("bench", difficulty)) for _ in range(samples)]
        print(f"  max_number {difficulty:9d}: mean {statistics.mean(seconds):6.3f} s, max {max(seconds):6.3f} s")


def python_seconds(challenge: dict) -> float:
    started = time.perf_counter()
    challenges.solve(challenge)
    return time.perf_counter() - started


def browser_solve_times(samples: int) -> None:
    """The page's solver in chromium, on a page served from 127.0.0.1 (Web Crypto needs a secure context)."""
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    from ui.proof_of_work import _JS

    solver = _JS.split("export default")[0]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/")

        def seconds(challenge: dict) -> float:
            return page.evaluate(f"""async (challenge) => {{ {solver}
                const started = performance.now();
                if (!await solve(challenge, () => false)) throw new Error("not solved");
                return (performance.now() - started) / 1000; }}""", challenge)
        solve_times("the page's solver in chromium", samples, seconds)
        browser.close()
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guesses", type=int, default=300)
    parser.add_argument("--solving", type=int, default=20, help="guesses where the attacker solves the challenge")
    parser.add_argument("--samples", type=int, default=5, help="challenges solved per difficulty")
    parser.add_argument("--postgres", help="a PostgreSQL URL to run on too (the database is emptied)")
    parser.add_argument("--browser", action="store_true", help="also time the page's solver in chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{folder}/bench.db", args.guesses, args.solving)
    if args.postgres:
        run("postgresql", args.postgres, args.guesses, args.solving)
    solve_times("Python altcha solver", args.samples, python_seconds)
    if args.browser:
        browser_solve_times(args.samples)


if __name__ == "__main__":
    main()
