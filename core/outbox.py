"""Queues customer messages in the outbox, rendered from the catalog in the customer's language.
Helpers only: the caller's transaction commits them together with the change that caused them."""

from sqlmodel import Session

from core.i18n import t
from core.models import OutboxMessage


def queue_email(session: Session, *, recipient: str, template: str, lang: str = "ro",
                case_id: int | None = None, **params) -> OutboxMessage:
    message = OutboxMessage(
        channel="email",
        recipient=recipient,
        subject=t(f"message.{template}.subject", lang=lang, **params),
        body=t(f"message.{template}.body", lang=lang, **params),
        template=template,
        case_id=case_id,
    )
    session.add(message)
    return message
