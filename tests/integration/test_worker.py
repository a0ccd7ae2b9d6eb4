"""Outbox delivery: sent once, retried on failure, failed after the last attempt."""

from sqlmodel import select

from core.config import settings
from core.models import OutboxMessage
from core.queries import list_outbox, outbox_counts
from core.worker import deliver_due
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
    assert outbox_counts(uow=uow(), actor=ADMIN) == {"queued": 1, "sent": 0, "failed": 0}
