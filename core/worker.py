"""Outbox delivery: `python -m core.worker` sends queued e-mail over SMTP when it is configured,
marking each message sent, or retried later, or failed after the last attempt. Without SMTP the
messages stay queued and visible on the outbox page."""

import argparse
import logging
import smtplib
import time
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage

from sqlmodel import col, select

from core.config import settings
from core.db import UnitOfWork, create_schema, get_engine
from core.models import OutboxMessage, OutboxStatus, utcnow

log = logging.getLogger("ghiseu.worker")
Sender = Callable[[OutboxMessage], None]


def smtp_sender(message: OutboxMessage) -> None:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = settings.smtp_sender, message.recipient, message.subject
    email.set_content(message.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(email)


def deliver_due(*, uow, send: Sender, batch: int = 50) -> dict[str, int]:
    """Tries every due e-mail once. Each message is its own transaction, so one failure never
    undoes another's delivery; rows are locked so two workers do not send the same message."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    with uow:
        ids = list(uow.session.exec(
            select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.QUEUED,
                                           OutboxMessage.channel == "email",
                                           col(OutboxMessage.next_attempt_at) <= utcnow())
            .order_by(OutboxMessage.id).limit(batch)))
    for message_id in ids:
        with uow:
            message = uow.session.exec(select(OutboxMessage).where(
                OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.QUEUED)
                .with_for_update(skip_locked=True)).first()
            if message is None:
                continue
            message.attempts += 1
            try:
                send(message)
                message.status, message.sent_at, message.last_error = OutboxStatus.SENT, utcnow(), None
                counts["sent"] += 1
            except Exception as err:  # any delivery failure is recorded and retried
                message.last_error = f"{type(err).__name__}: {err}"[:500]
                if message.attempts >= settings.outbox_max_attempts:
                    message.status = OutboxStatus.FAILED
                    counts["failed"] += 1
                else:
                    backoff = timedelta(minutes=settings.outbox_retry_minutes * message.attempts)
                    message.next_attempt_at = utcnow() + backoff
                    counts["retry"] += 1
            uow.session.add(message)
            uow.commit()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description="Delivers queued outbox e-mail over SMTP.")
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument("--interval", type=float, default=15.0, help="seconds between passes")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if not settings.smtp_host:
        log.warning("SMTP_HOST is not set: messages stay queued and visible on the outbox page")
        return
    create_schema(get_engine())
    while True:
        counts = deliver_due(uow=UnitOfWork(), send=smtp_sender)
        log.info("sent %(sent)d, to retry %(retry)d, failed %(failed)d", counts)
        if args.once:
            return
        time.sleep(args.interval)


if __name__ == "__main__":
    main()
