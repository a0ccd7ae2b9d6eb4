"""Issue 12 item 6: a customer's receipt or code is not stuck behind a backlog of informational mail, one
SMTP connection carries a whole batch, and the worker does not sleep while messages are due."""

import sys
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import select

from core.models import OutboxMessage, OutboxStatus
from core.platform import worker
from core.platform.config import settings
from core.platform.outbox import BULK, TRANSACTIONAL, priority_of, queue_email
from core.platform.worker import deliver_due, smtp_session
from tests.concurrency import at_once


def queue_bulk(uow, count: int) -> None:
    with uow() as u:
        for n in range(count):
            queue_email(u.session, recipient=f"client{n}@example.com", template="holder_change.contract_issued",
                        name=f"Client {n}", contract_number=f"C-{n}", new_payment_code="123456789",
                        new_client_code="1234567")
        u.commit()


def queue_receipt(uow, recipient="plata@example.com") -> int:
    with uow() as u:
        message = queue_email(u.session, recipient=recipient, template="online_payment.receipt",
                              amount=Decimal("786.16"), payment_code="123456789", reference="PAY-1",
                              paid_at="02.12.2026 10:30")
        u.commit()
        return message.id


@pytest.mark.parametrize("template", ["online_payment.receipt", "delivery.email_on", "delivery.sms_off",
                                      "holder_change.upload_link", "new_contract.upload_link",
                                      "holder_change.registered", "new_contract.registered",
                                      "payment_dispute.opened", "refund.requested"])
def test_receipts_codes_upload_links_and_registrations_are_transactional(template):
    assert priority_of(template) == TRANSACTIONAL


@pytest.mark.parametrize("template", ["holder_change.contract_issued", "holder_change.documents_received",
                                      "refund.final_invoice_credit", "a.template_added_later"])
def test_everything_else_is_bulk(template):
    assert priority_of(template) == BULK


def test_a_receipt_queued_after_500_bulk_messages_goes_out_in_the_first_batch(uow, peer):
    queue_bulk(uow, 500)
    receipt = queue_receipt(uow)
    with uow() as u:
        assert u.session.get(OutboxMessage, receipt).priority == TRANSACTIONAL
    with smtp_session() as send:
        assert deliver_due(uow=uow(), send=send, batch=50)["sent"] == 50
    assert peer.accepted[0]["To"] == "plata@example.com"


def test_one_smtp_connection_carries_the_whole_batch(uow, peer):
    queue_bulk(uow, 30)
    with smtp_session() as send:
        assert deliver_due(uow=uow(), send=send, batch=50)["sent"] == 30
    assert len(peer.accepted) == 30 and len(set(peer.connections)) == 1


def test_a_message_the_relay_refuses_is_retried_and_the_rest_of_the_batch_still_goes(uow, peer):
    queue_bulk(uow, 10)
    peer.refused_recipients.add("client3@example.com")
    with smtp_session() as send:
        assert deliver_due(uow=uow(), send=send) == {"sent": 9, "retry": 1, "failed": 0}
    with uow() as u:
        refused = u.session.exec(select(OutboxMessage).where(OutboxMessage.recipient == "client3@example.com")).one()
    assert refused.status == OutboxStatus.QUEUED and "554" in refused.last_error
    assert "client3@example.com" not in [m["To"] for m in peer.accepted]


def test_two_workers_with_one_connection_each_send_every_message_exactly_once(uow, peer):
    queue_bulk(uow, 150)
    receipts = [queue_receipt(uow, f"plata{n}@example.com") for n in range(20)]

    def drain(_n):
        sent = 0
        while True:
            with smtp_session() as send:
                done = deliver_due(uow=uow(), send=send, batch=20)
            if not done["sent"]:
                return sent
            sent += done["sent"]

    assert sum(at_once(2, drain)) == 170
    ids = peer.message_ids()
    assert len(ids) == 170 == len(set(ids))
    with uow() as u:
        assert set(u.session.exec(select(OutboxMessage.status, OutboxMessage.attempts))) == {("sent", 1)}
    assert len(receipts) == 20


class Slept(Exception):
    """Raised by the patched sleep: the loop has reached its first rest."""


def test_the_worker_does_not_rest_while_messages_are_due(uow, peer, engine, monkeypatch):
    queue_bulk(uow, 180)  # more than three batches
    monkeypatch.setattr(settings, "database_url", engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr(settings, "efactura_api_url", None)
    monkeypatch.setattr(sys, "argv", ["core.platform.worker", "--interval", "60"])

    def sleep(_seconds):
        raise Slept()

    monkeypatch.setattr(worker.time, "sleep", sleep)
    with pytest.raises(Slept):
        worker.main()
    assert len(peer.accepted) == 180


def test_the_claim_reads_the_queue_in_priority_order_from_an_index(engine, uow):
    """The query plan of the batch selection names the partial index (both databases)."""
    from sqlalchemy.dialects import postgresql, sqlite

    query = worker.due_batch("email", batch=50)
    dialect = postgresql.dialect() if engine.dialect.name == "postgresql" else sqlite.dialect()
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(conn.execute(text("EXPLAIN " + sql)).scalars())
        else:
            plan = "\n".join(str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_outbox_claim_order" in plan, plan
    assert "TEMP B-TREE" not in plan.upper() and "Sort" not in plan.split("ix_outbox_claim_order")[0], plan
