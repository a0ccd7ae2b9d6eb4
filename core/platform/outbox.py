"""Queues customer messages in the outbox, rendered from the catalog in the customer's language.
Helpers only: the caller's transaction commits them together with the change that caused them.
Amounts are passed as Decimal and written as every screen writes them (core.accounts.money.format_lei).
Each message's priority comes from its template (TRANSACTIONAL_TEMPLATES), never from the call site: the
worker sends what a customer is waiting for right now before any informational backlog."""

from decimal import Decimal

from sqlmodel import Session

from core.accounts.money import format_lei
from core.models import OutboxMessage
from core.platform.i18n import t

TRANSACTIONAL, BULK = 0, 1  # the worker claims lower numbers first
# what someone is waiting for at a screen or a counter: a receipt, a confirmation code, an upload link, the
# registration number of what they just filed. Every other template (progress news, outcomes) is BULK.
TRANSACTIONAL_TEMPLATES = frozenset({
    "online_payment.receipt",
    "delivery.email_on", "delivery.email_off", "delivery.sms_on", "delivery.sms_off",
    "holder_change.upload_link", "new_contract.upload_link",
    "holder_change.registered", "new_contract.registered", "payment_dispute.opened", "refund.requested",
})


def priority_of(template: str) -> int:
    return TRANSACTIONAL if template in TRANSACTIONAL_TEMPLATES else BULK


def _queue(session: Session, channel: str, recipient: str, template: str, lang: str, case_id: int | None,
           params: dict) -> OutboxMessage:
    params = {name: format_lei(value) if isinstance(value, Decimal) else value for name, value in params.items()}
    message = OutboxMessage(
        channel=channel,
        recipient=recipient,
        subject=t(f"message.{template}.subject", lang=lang, **params),
        body=t(f"message.{template}.body", lang=lang, **params),
        template=template,
        priority=priority_of(template),
        case_id=case_id,
    )
    session.add(message)
    return message


def queue_email(session: Session, *, recipient: str, template: str, lang: str = "ro",
                case_id: int | None = None, **params) -> OutboxMessage:
    return _queue(session, "email", recipient, template, lang, case_id, params)


def queue_sms(session: Session, *, recipient: str, template: str, lang: str = "ro",
              case_id: int | None = None, **params) -> OutboxMessage:
    """An SMS to an E.164 number: the body is the text sent; the subject only labels it in the outbox."""
    return _queue(session, "sms", recipient, template, lang, case_id, params)
