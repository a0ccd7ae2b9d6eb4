"""Outbox delivery: sent once, retried on failure, failed after the last attempt."""

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

from sqlmodel import select

from core.cases.queries import list_outbox, outbox_state
from core.models import OutboxMessage, clock_at
from core.platform.config import settings
from core.platform.worker import (
    HEARTBEATS_KEPT,
    configured_senders,
    deliver_due,
    record_heartbeat,
    sms_gateway_sender,
    smtp_sender,
)
from tests.factories import ADMIN, make_account, register_case


def outbox(uow) -> list[OutboxMessage]:
    with uow() as u:
        return list(u.session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_queued_email_is_sent_once_and_marked_sent(uow):
    register_case(uow, make_account(uow))
    delivered = []
    assert deliver_due(uow=uow(), send=delivered.append) == {"sent": 2, "retry": 0, "failed": 0}
    assert deliver_due(uow=uow(), send=delivered.append) == {"sent": 0, "retry": 0, "failed": 0}
    assert [m.template for m in delivered] == ["holder_change.registered", "holder_change.documents_received"]
    assert all(m.status == "sent" and m.sent_at for m in outbox(uow))


def test_a_failed_delivery_is_retried_later_then_marked_failed(uow, monkeypatch):
    monkeypatch.setattr(settings, "outbox_max_attempts", 2)
    monkeypatch.setattr(settings, "outbox_retry_minutes", 0)
    register_case(uow, make_account(uow), documents=())

    def refuse(message):
        raise ConnectionRefusedError("smtp down")

    assert deliver_due(uow=uow(), send=refuse) == {"sent": 0, "retry": 1, "failed": 0}
    assert deliver_due(uow=uow(), send=refuse) == {"sent": 0, "retry": 0, "failed": 1}
    [message] = outbox(uow)
    assert (message.status, message.attempts, message.last_error) == ("failed", 2, "ConnectionRefusedError: smtp down")


def test_the_outbox_page_shows_messages_with_masked_recipients(uow):
    register_case(uow, make_account(uow), documents=())
    page = list_outbox(uow=uow(), actor=ADMIN)
    assert [m.recipient for m in page.rows] == ["m***@example.com"]
    state = outbox_state(uow=uow(), actor=ADMIN)
    assert (state.queued, state.sent_last_hour, state.failed, state.workers) == (1, 0, 0, [])


def test_an_sms_is_posted_to_the_configured_gateway_with_its_token(monkeypatch):
    received = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.headers["Authorization"], body))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.handle_request, daemon=True).start()
    monkeypatch.setattr(settings, "sms_gateway_url", f"http://127.0.0.1:{server.server_port}/sms")
    monkeypatch.setattr(settings, "sms_gateway_token", "t0ken")
    assert set(configured_senders()) >= {"sms"}
    sms_gateway_sender(OutboxMessage(channel="sms", recipient="+40722111222", subject="s", body="Cod 123456",
                                     template="x", message_id="<outbox-1.5eed@ghiseu.example>"))
    server.server_close()
    assert received == [("Bearer t0ken", {"from": "Ghiseu", "to": "+40722111222", "text": "Cod 123456"})]


def test_in_production_the_admin_outbox_hides_upload_tokens(uow, monkeypatch):
    monkeypatch.setattr(settings, "public_base_url", "https://ghiseu.example")
    register_case(uow, make_account(uow), documents=())  # documents missing: the e-mail carries the link
    monkeypatch.setattr(settings, "environment", "production")
    [row] = list_outbox(uow=uow(), actor=ADMIN).rows
    assert "upload?token=••••••" in row.body


def test_once_sent_a_message_keeps_no_live_upload_link(uow):
    register_case(uow, make_account(uow), documents=())
    assert deliver_due(uow=uow(), send=lambda message: None)["sent"] == 1
    with uow() as u:
        body = u.session.exec(select(OutboxMessage.body)).one()
    assert "upload?token=••••••" in body


def test_each_pass_rewrites_the_workers_heartbeat_and_the_outbox_reads_what_it_reports(uow):
    start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    for minutes in (0, 1):
        with clock_at(start + timedelta(minutes=minutes)):
            record_heartbeat(uow=uow(), worker="host/1", started_at=start, interval_seconds=15,
                             channels={"email": smtp_sender})
    with clock_at(start + timedelta(minutes=1, seconds=30)):
        [worker] = outbox_state(uow=uow(), actor=ADMIN).workers
    assert (worker.worker, worker.seen_at, worker.running) == ("host/1", start + timedelta(minutes=1), True)
    assert (worker.email_configured, worker.sms_configured) == (True, False)
    with clock_at(start + timedelta(minutes=3)):  # a minute without a pass: stopped (three passes, at least 60 s)
        assert not outbox_state(uow=uow(), actor=ADMIN).workers[0].running


def test_a_heartbeat_silent_for_a_week_is_forgotten_when_another_worker_beats(uow):
    start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    with clock_at(start):
        record_heartbeat(uow=uow(), worker="old/1", started_at=start, interval_seconds=15, channels={})
    with clock_at(start + HEARTBEATS_KEPT + timedelta(seconds=1)):
        record_heartbeat(uow=uow(), worker="new/2", started_at=start, interval_seconds=15, channels={})
        assert [w.worker for w in outbox_state(uow=uow(), actor=ADMIN).workers] == ["new/2"]
