"""Staff access measured: how many password guesses a username gets before the lock (and what the right
password gets afterwards), how many concurrent guesses reach the password check, and what the session
check costs on every script run (a primary-key read by token hash, plus a write at most every 30 s).

    PYTHONPATH=. python bench/staff_access.py [--guesses 200] [--runs 2000] [--database-url URL]
"""

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlmodel import select

from core.models import Role, User
from core.platform.config import settings
from core.platform.db import UnitOfWork, create_schema, get_engine
from core.platform.errors import DomainError
from core.services.users import create_user
from core.staff import signin, staff_sessions
from core.staff.auth import SYSTEM

PASSWORD = "parola-corecta-2026"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--guesses", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = get_engine(url)
    create_schema(engine)
    uow = lambda: UnitOfWork(engine)  # noqa: E731
    suffix = int(time.time())
    victim, racer = f"victim{suffix}", f"racer{suffix}"
    for name in (victim, racer):
        create_user(uow=uow(), actor=SYSTEM, username=name, display_name=name, role=Role.CLERK, password=PASSWORD)

    outcomes: dict[str, int] = {}
    started = time.perf_counter()
    for i in range(args.guesses):
        try:
            signin.check_password(uow=uow(), username=victim, password="wrong-guess", client_key=f"k{i}")
        except DomainError as err:
            outcomes[err.key] = outcomes.get(err.key, 0) + 1
    elapsed = time.perf_counter() - started
    try:
        signin.check_password(uow=uow(), username=victim, password=PASSWORD, client_key="k-right")
        right = "accepted"
    except DomainError as err:
        right = err.key
    print(f"{args.guesses} wrong passwords in {elapsed:.1f} s ({args.guesses / elapsed:.1f}/s): "
          f"{outcomes.get('auth.invalid', 0)} checked, {outcomes.get('access.locked', 0)} refused as locked "
          f"(SIGNIN_LOCK_AFTER={settings.signin_lock_after}); then the right password: {right}")

    def guess(i):
        try:
            signin.check_password(uow=uow(), username=racer, password="wrong-guess", client_key=f"r{i}")
        except DomainError as err:
            return err.key
    with ThreadPoolExecutor(16) as pool:
        keys = list(pool.map(guess, range(64)))
    print(f"64 concurrent guesses (16 threads): {keys.count('auth.invalid')} reached the password check, "
          f"{keys.count('access.locked')} locked")

    with uow() as work:
        user = work.session.exec(select(User).where(User.username == victim)).one()
        code = staff_sessions.open_handoff(work.session, user)
        work.commit()
    token = staff_sessions.redeem_handoff(uow=uow(), code=code, user_agent="bench", client_key="k")
    started = time.perf_counter()
    for _ in range(args.runs):
        staff_sessions.resume_session(uow=uow(), token=token)
    per_run = (time.perf_counter() - started) / args.runs * 1000
    print(f"session check per script run: {per_run:.2f} ms (mean of {args.runs}, {engine.dialect.name})")


if __name__ == "__main__":
    main()
