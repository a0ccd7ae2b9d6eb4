"""Background work: `python -m core.worker` sends queued e-mail over SMTP and queued SMS through an
HTTP gateway, each when it is configured, marking each message sent, or retried later, or failed after
the last attempt. A channel without its transport keeps its messages queued and visible on the outbox
page (development: read the e-mail or the SMS code there). Each pass also gives up card payments the
processor never answered, forgets public lookup records past their retention, and once a day verifies
the audit chain (core.audit)."""

import argparse
import json
import logging
import smtplib
import time
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage

from sqlmodel import col, select

from core import audit
from core.config import settings
from core.db import UnitOfWork, create_schema, get_engine
from core.masking import hide_secrets
from core.models import OutboxMessage, OutboxStatus, utcnow
from core.online import access, payments

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


def sms_gateway_sender(message: OutboxMessage) -> None:
    """One SMS through the gateway: a JSON POST {from, to, text} with a bearer token; any answer other
    than 2xx raises (urllib does), so the message is retried like a refused e-mail."""
    request = urllib.request.Request(
        settings.sms_gateway_url, method="POST",
        data=json.dumps({"from": settings.sms_sender, "to": message.recipient, "text": message.body}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.sms_gateway_token or ''}"})
    with urllib.request.urlopen(request, timeout=30):
        pass


def configured_senders() -> dict[str, Sender]:
    """The channels whose transport is configured; the others' messages wait in the outbox."""
    senders = {"email": smtp_sender} if settings.smtp_host else {}
    if settings.sms_gateway_url:
        senders["sms"] = sms_gateway_sender
    return senders


def deliver_due(*, uow, send: Sender, channel: str = "email", batch: int = 50) -> dict[str, int]:
    """Tries every due message of one channel once. Each message is its own transaction, so one failure
    never undoes another's delivery; rows are locked so two workers do not send the same message."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    with uow:
        ids = list(uow.session.exec(
            select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.QUEUED,
                                           OutboxMessage.channel == channel,
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
                message.body = hide_secrets(message.body, message.template)  # delivered: no live link or code kept
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


def housekeeping(*, uow) -> dict[str, int]:
    checked = audit.verify_if_due(uow=uow)  # once a day; the admin reads the outcome on the audit page
    if checked is not None and not checked.ok:
        log.error("%s", checked.describe())
    return {"abandoned payments": payments.abandon_stale_intents(uow=uow),
            "expired lookup records": access.forget_old_attempts(uow=uow),
            "audit rows verified": checked.rows if checked else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description="Delivers queued outbox e-mail over SMTP and SMS via a gateway, "
                                                 "and does the periodic housekeeping.")
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument("--interval", type=float, default=15.0, help="seconds between passes")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    senders = configured_senders()
    for channel, setting in (("email", "SMTP_HOST"), ("sms", "SMS_GATEWAY_URL")):
        if channel not in senders:
            log.warning("%s is not set: %s messages stay queued and visible on the outbox page", setting, channel)
    create_schema(get_engine())
    while True:
        for what, count in housekeeping(uow=UnitOfWork()).items():
            log.info("%s: %d", what, count)
        for channel, send in senders.items():
            counts = deliver_due(uow=UnitOfWork(), send=send, channel=channel)
            log.info("%s: sent %d, to retry %d, failed %d", channel, counts["sent"], counts["retry"], counts["failed"])
        if args.once:
            return
        time.sleep(args.interval)


if __name__ == "__main__":
    main()
