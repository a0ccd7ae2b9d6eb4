"""Outbox workers benchmark: several worker processes drain the same outbox into a real SMTP peer on
localhost (aiosmtpd, recording every message it accepts), on SQLite and on PostgreSQL; then a worker is
SIGKILLed right after the peer accepted a message and the message is retried after its lease. Prints, per
database: messages, workers, accepted by the peer, duplicates (the same Message-ID accepted twice), rows
marked sent, seconds and messages per second, with one SMTP connection per message (the baseline) and one
per batch (core.platform.worker.smtp_session); then real `python -m core.platform.worker` processes: how long a payment
receipt queued behind the backlog waits until the peer has it; and what a kill left and its retry carried.

    python -m bench outbox [--messages 300] [--workers 2]
                                                [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/ghiseu_e]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(mode: str) -> None:
    """One worker process: drains the outbox with a connection per message ("drain") or per batch
    ("drain-batch"), or dies by SIGKILL just after the SMTP peer has accepted its first message ("die-after-send")."""
    from contextlib import nullcontext

    from core.platform import worker
    from core.platform.db import UnitOfWork

    if mode == "die-after-send":
        def send(message):
            worker.smtp_sender(message)
            os.kill(os.getpid(), signal.SIGKILL)
        session = lambda: nullcontext(send)  # noqa: E731
    else:
        session = worker.smtp_session if mode == "drain-batch" else lambda: nullcontext(worker.smtp_sender)
    sent = 0
    while True:
        with session() as send:
            done = worker.deliver_due(uow=UnitOfWork(), send=send)
        if not (done["sent"] or done["retry"]):
            break
        sent += done["sent"]
    print(json.dumps({"sent": sent}))


def fresh_database(url: str, messages: int) -> None:
    from sqlalchemy import text
    from sqlmodel import SQLModel

    from core.platform.db import UnitOfWork, create_schema, get_engine
    from core.platform.outbox import queue_email

    engine = get_engine(url)
    with engine.begin() as conn:
        SQLModel.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    create_schema(engine)
    with UnitOfWork(engine) as uow:
        for n in range(messages):
            queue_email(uow.session, recipient=f"client{n}@example.com", template="holder_change.contract_issued",
                        name=f"Client {n}", contract_number=f"C-{n:06d}", new_payment_code="123456789",
                        new_client_code="1234567")  # informational (bulk priority), as a backlog is
        uow.commit()


def workers(url: str, peer, count: int, mode: str = "drain") -> list[subprocess.Popen]:
    env = {**os.environ, "DATABASE_URL": url, "SMTP_HOST": peer.host, "SMTP_PORT": str(peer.port),
           "SMTP_STARTTLS": "false", "PYTHONPATH": str(ROOT)}
    return [subprocess.Popen([sys.executable, __file__, "--child", mode], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(count)]


def statuses(url: str) -> Counter:
    from sqlmodel import select

    from core.models import OutboxMessage
    from core.platform.db import UnitOfWork, get_engine

    with UnitOfWork(get_engine(url)) as uow:
        return Counter(uow.session.exec(select(OutboxMessage.status)))


def race(name: str, url: str, messages: int, count: int, mode: str) -> None:
    from tests.smtp_peer import smtp_peer

    fresh_database(url, messages)
    with smtp_peer() as peer:
        started = time.perf_counter()
        procs = workers(url, peer, count, mode)
        for proc in procs:
            out, err = proc.communicate(timeout=600)
            if proc.returncode:
                raise SystemExit(f"worker failed: {err.decode()[-2000:]}")
        seconds = time.perf_counter() - started
        ids = peer.message_ids()
    duplicates = len(ids) - len(set(ids))
    connections = "per message (baseline)" if mode == "drain" else "per batch"
    print(f"| {name} | {connections} | {messages} | {count} | {len(ids)} | {duplicates} | {statuses(url)['sent']} "
          f"| {seconds:.2f} | {len(ids) / seconds:.0f} |")


def receipt_wait(name: str, url: str, messages: int, count: int) -> None:
    """`count` real worker loops (`python -m core.platform.worker`) start on a backlog of `messages`; a receipt is
    queued behind it; prints seconds until the peer has the receipt and until it has everything."""
    from decimal import Decimal

    from core.platform.db import UnitOfWork, get_engine
    from core.platform.outbox import queue_email
    from tests.smtp_peer import smtp_peer

    fresh_database(url, messages)
    with smtp_peer() as peer:
        env = {**os.environ, "DATABASE_URL": url, "SMTP_HOST": peer.host, "SMTP_PORT": str(peer.port),
               "SMTP_STARTTLS": "false", "PYTHONPATH": str(ROOT)}
        procs = [subprocess.Popen([sys.executable, "-m", "core.platform.worker", "--interval", "15"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]
        try:
            while not peer.accepted:
                time.sleep(0.05)
            started = time.perf_counter()
            with UnitOfWork(get_engine(url)) as uow:
                queue_email(uow.session, recipient="receipt@example.com", template="online_payment.receipt",
                            amount=Decimal("786.16"), payment_code="123456789", reference="PAY-1",
                            paid_at="02.12.2026 10:30")
                uow.commit()
            receipt = everything = None
            while everything is None and time.perf_counter() - started < 300:
                arrived = [m["To"] for m in peer.accepted]
                if receipt is None and "receipt@example.com" in arrived:
                    receipt = time.perf_counter() - started
                if len(arrived) >= messages + 1:
                    everything = time.perf_counter() - started
                time.sleep(0.02)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)
    print(f"| {name} | {messages} | {count} | {receipt:.2f} | {everything:.2f} |")


def killed(name: str, url: str) -> None:
    from core.models import OutboxMessage, clock_at, utcnow
    from core.platform.config import settings
    from core.platform.db import UnitOfWork, get_engine
    from core.platform.worker import deliver_due, smtp_sender
    from tests.smtp_peer import smtp_peer

    fresh_database(url, 1)
    with smtp_peer() as peer:
        [proc] = workers(url, peer, 1, mode="die-after-send")
        proc.wait(timeout=120)
        with UnitOfWork(get_engine(url)) as uow:
            row = uow.session.get(OutboxMessage, 1)
        settings.smtp_host, settings.smtp_port, settings.smtp_starttls = peer.host, peer.port, False
        held = deliver_due(uow=UnitOfWork(get_engine(url)), send=smtp_sender)["sent"]
        with clock_at(utcnow() + timedelta(seconds=settings.outbox_lease_seconds + 1)):
            retried = deliver_due(uow=UnitOfWork(get_engine(url)), send=smtp_sender)["sent"]
        ids = peer.message_ids()
    with UnitOfWork(get_engine(url)) as uow:
        after = uow.session.get(OutboxMessage, 1)
    print(f"| {name} | {-proc.returncode == signal.SIGKILL} | {row.status}, attempts {row.attempts} | {held} "
          f"| {retried} | {len(ids)} | {len(set(ids)) == 1} | {after.status}, attempts {after.attempts} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose tables may be dropped")
    parser.add_argument("--child", choices=("drain", "drain-batch", "die-after-send"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child)
    with tempfile.TemporaryDirectory() as tmp:
        databases = [("SQLite", f"sqlite:///{tmp}/outbox.db")] + ([("PostgreSQL", args.postgres)] if args.postgres
                                                                   else [])
        print("| database | SMTP connection | messages | workers | accepted by the peer | duplicates | rows sent "
              "| s | msg/s |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, url in databases:
            for mode in ("drain", "drain-batch"):
                race(name, url, args.messages, args.workers, mode)
        print()
        print("| database | backlog | worker processes | receipt at the peer after s | backlog sent after s |")
        print("| --- | --- | --- | --- | --- |")
        for name, url in databases:
            receipt_wait(name, url, args.messages, args.workers)
        print()
        print("| database | worker SIGKILLed after 250 | row left | sent within the lease | sent after it "
              "| copies at the peer | same Message-ID | row after |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, url in databases:
            killed(name, url)


if __name__ == "__main__":
    main()
