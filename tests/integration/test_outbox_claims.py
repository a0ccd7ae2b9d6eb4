"""The outbox delivers each message once however many workers run, on SQLite as on PostgreSQL: a message
is claimed by one conditional UPDATE that counts the attempt before anything is sent, so a worker killed
mid-send leaves a trace, the retry carries the same Message-ID (the peer can drop the copy), and the last
attempt ends in `failed` instead of a resend forever."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import delete, select

from core.models import OutboxMessage, clock_at, utcnow
from core.platform.config import settings
from core.platform.db import ROOT
from core.platform.outbox import queue_email, queue_sms
from core.platform.worker import deliver_due, sms_gateway_sender, smtp_sender
from tests.concurrency import at_once

LATER = timedelta(hours=1)  # well past any lease: the message is due again


class WorkerKilled(BaseException):
    """Stands for the process dying mid-send: nothing in the worker may catch it."""


def queue(uow, count: int, queue_one=queue_email, recipient="ion.popescu@example.com") -> list[int]:
    with uow() as u:
        messages = [queue_one(u.session, recipient=recipient, template="holder_change.registered",
                              name="Ion", registration_number=f"SCT-2026-{n:06d}",
                              documents_line="")
                    for n in range(count)]
        u.commit()
        return [m.id for m in messages]


def stored(uow, message_id: int) -> OutboxMessage:
    with uow() as u:
        return u.session.get(OutboxMessage, message_id)


def test_two_workers_delivering_at_once_send_every_message_exactly_once(uow, peer):
    ids = queue(uow, 120)

    def worker(_n):
        sent = 0
        while (done := deliver_due(uow=uow(), send=smtp_sender, batch=20))["sent"] or done["retry"]:
            sent += done["sent"]
        return sent

    assert sum(at_once(2, worker)) == len(ids)
    message_ids = peer.message_ids()
    assert len(message_ids) == len(ids) and len(set(message_ids)) == len(ids)
    with uow() as u:
        assert set(u.session.exec(select(OutboxMessage.status, OutboxMessage.attempts))) == {("sent", 1)}


def test_each_e_mail_carries_a_stable_message_id_of_its_outbox_row(uow, peer):
    [message_id] = queue(uow, 1)
    deliver_due(uow=uow(), send=smtp_sender)
    [received] = peer.accepted
    row = stored(uow, message_id)
    assert received["Message-ID"] == row.message_id
    assert row.message_id.startswith(f"<outbox-{message_id}.") and row.message_id.endswith("@ghiseu.example>")
    assert received["To"] == "ion.popescu@example.com" and received["Subject"]


def _kill_after_the_peer_accepts(engine, peer) -> subprocess.CompletedProcess:
    """A real worker process that SIGKILLs itself the moment the SMTP peer has answered 250."""
    script = ("import os, signal\n"
              "from core.platform import worker\n"
              "from core.platform.db import UnitOfWork\n"
              "def send_then_die(message):\n"
              "    worker.smtp_sender(message)\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n"
              "worker.deliver_due(uow=UnitOfWork(), send=send_then_die)\n")
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "SMTP_HOST": peer.host, "SMTP_PORT": str(peer.port), "SMTP_STARTTLS": "false"}
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=60)


def test_a_worker_killed_after_the_peer_accepted_leaves_its_attempt_and_the_retry_has_the_same_message_id(
        engine, uow, peer):
    [message_id] = queue(uow, 1)
    killed = _kill_after_the_peer_accepts(engine, peer)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert len(peer.accepted) == 1
    row = stored(uow, message_id)
    assert (row.status, row.attempts, row.message_id) == ("queued", 1, peer.accepted[0]["Message-ID"])

    assert deliver_due(uow=uow(), send=smtp_sender)["sent"] == 0  # the dead worker's lease still holds
    with clock_at(utcnow() + LATER):
        assert deliver_due(uow=uow(), send=smtp_sender)["sent"] == 1
    first, retry = peer.message_ids()
    assert first == retry
    assert (stored(uow, message_id).status, stored(uow, message_id).attempts) == ("sent", 2)


def test_a_message_whose_last_attempt_died_mid_send_fails_for_good_instead_of_being_resent(uow, monkeypatch):
    monkeypatch.setattr(settings, "outbox_max_attempts", 2)
    [message_id] = queue(uow, 1)
    sent = []

    def die(message):
        sent.append(message.id)
        raise WorkerKilled()

    for attempt in (1, 2):
        with clock_at(utcnow() + LATER * attempt), pytest.raises(WorkerKilled):
            deliver_due(uow=uow(), send=die)
    with clock_at(utcnow() + LATER * 3):
        assert deliver_due(uow=uow(), send=sent.append) == {"sent": 0, "retry": 0, "failed": 1}
        assert deliver_due(uow=uow(), send=sent.append) == {"sent": 0, "retry": 0, "failed": 0}
    row = stored(uow, message_id)
    assert sent == [message_id, message_id]
    assert (row.status, row.attempts) == ("failed", 2) and "lease" in row.last_error


def test_a_worker_whose_lease_expired_cannot_overwrite_the_worker_that_claimed_the_message_after_it(uow):
    [message_id] = queue(uow, 1)
    second_worker = {}

    def slow_then_refused(message):
        with clock_at(utcnow() + LATER):  # meanwhile the lease ran out and another worker took the message
            second_worker.update(deliver_due(uow=uow(), send=lambda m: None))
        raise ConnectionResetError("peer went away")

    assert deliver_due(uow=uow(), send=slow_then_refused) == {"sent": 0, "retry": 0, "failed": 0}
    assert second_worker == {"sent": 1, "retry": 0, "failed": 0}
    row = stored(uow, message_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


def test_an_sms_retry_carries_the_same_idempotency_key_to_the_gateway(uow, monkeypatch):
    keys, answers = [], [503, 202]

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):
            json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            keys.append(self.headers["Idempotency-Key"])
            self.send_response(answers.pop(0))
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=lambda: [server.handle_request() for _ in range(2)], daemon=True).start()
    monkeypatch.setattr(settings, "sms_gateway_url", f"http://127.0.0.1:{server.server_port}/sms")
    monkeypatch.setattr(settings, "outbox_retry_minutes", 0)
    [message_id] = queue(uow, 1, queue_sms, "+40722111222")
    assert deliver_due(uow=uow(), send=sms_gateway_sender, channel="sms")["retry"] == 1
    assert deliver_due(uow=uow(), send=sms_gateway_sender, channel="sms")["sent"] == 1
    server.server_close()
    assert keys[0] and keys == [stored(uow, message_id).message_id] * 2


BEHAVIOUR = ("delivered", "refused", "killed")  # what the peer answers, or the worker dying mid-send
passes = st.lists(st.tuples(st.sampled_from(BEHAVIOUR),
                            st.sampled_from([timedelta(0), timedelta(seconds=1), timedelta(minutes=30), LATER * 24])),
                  min_size=1, max_size=8)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(passes=passes)
def test_whatever_the_peer_and_the_clock_do_a_message_is_sent_at_most_once_and_tried_at_most_the_attempts(
        uow, monkeypatch, passes):
    monkeypatch.setattr(settings, "outbox_max_attempts", 3)
    with uow() as u:  # each example starts from an empty outbox
        u.session.exec(delete(OutboxMessage))
        u.commit()
    [message_id] = queue(uow, 1)
    tried, now = [], utcnow()  # (behaviour, Message-ID) of each send

    for behaviour, wait in passes:
        def send(message, behaviour=behaviour):
            tried.append((behaviour, message.message_id))
            if behaviour == "refused":
                raise ConnectionRefusedError("smtp down")
            if behaviour.startswith("killed"):
                raise WorkerKilled()

        now += wait
        with clock_at(now), contextlib.suppress(WorkerKilled):
            deliver_due(uow=uow(), send=send)

    row = stored(uow, message_id)
    behaviours = [b for b, _ in tried]
    assert row.attempts == len(tried) <= settings.outbox_max_attempts
    assert all(mid == row.message_id for _, mid in tried)
    assert "delivered" not in behaviours[:-1]  # once recorded as sent, never tried again
    assert (row.status == "sent") == (behaviours[-1:] == ["delivered"])
    if row.status == "failed":
        assert row.attempts == settings.outbox_max_attempts
    if row.status != "queued":
        assert row.claimed_until is None
