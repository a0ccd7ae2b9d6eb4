"""Background work: `python -m core.platform.worker` sends queued e-mail over SMTP and queued SMS through an
HTTP gateway, each when it is configured, marking each message sent, or retried later, or failed after
the last attempt. Any number of workers may run on SQLite or PostgreSQL: a message is claimed for one
attempt by a conditional UPDATE with a lease (OUTBOX_LEASE_SECONDS), so none is sent twice at once, a
worker killed mid-send leaves its attempt counted, and the retry carries the same Message-ID (SMS: the
same Idempotency-Key). A channel without its transport keeps its messages queued and visible on the
outbox page (development: read the e-mail or the SMS code there). Each pass starts with the worker's
heartbeat (core.models.WorkerHeartbeat), which the outbox page reads; it also gives up card payments
the processor never answered, forgets public lookup records past their retention, and once a day
verifies the audit chain (core.platform.audit). With EFACTURA_API_URL set it also reports invoices and credit notes to
RO e-Factura (core.efactura.submission: prepare, upload, poll, download the answer).
Throughput: a batch is taken in (priority, created) order, so receipts and codes overtake a backlog
(core.platform.outbox.priority_of); one SMTP connection carries a whole batch (smtp_session); and the loop keeps
delivering while messages are due, resting only when a pass found nothing to send."""

import argparse
import email.policy
import json
import logging
import os
import secrets
import smtplib
import socket
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, update
from sqlmodel import col, select

from core.efactura import submission as efactura_submission
from core.models import OutboxMessage, OutboxStatus, WorkerHeartbeat, utcnow
from core.online import access, payments
from core.platform import audit
from core.platform.config import settings
from core.platform.db import UnitOfWork, create_schema, get_engine
from core.staff import signin, staff_sessions
from core.staff.masking import hide_secrets
from core.workflow import timed_jobs

log = logging.getLogger("ghiseu.worker")
Sender = Callable[[OutboxMessage], None]


def email_message(message: OutboxMessage) -> EmailMessage:
    """The e-mail as sent (SMTP policy: CRLF, lines within 78). Its Message-ID is the outbox row's, so a retry
    of a message the peer already took is a duplicate the peer (or the reader's client) can recognise."""
    mail = EmailMessage(policy=email.policy.SMTP)
    mail["From"], mail["To"] = settings.smtp_sender, message.recipient
    _set_subject(mail, message.subject)
    mail["Date"], mail["Message-ID"] = format_datetime(utcnow()), message.message_id
    mail.set_content(message.body)
    return mail


def _set_subject(mail: EmailMessage, subject: str) -> None:
    """Python 3.11's folder breaks a line before an encoded word but keeps the space before the break, so a
    reader shows two spaces there ("a fost  înregistrată"). A subject with diacritics is therefore encoded
    whole as RFC 2047 words, folded between words (the break between two encoded words is not text), and
    stored as it is (its lines fit, so the policy does not fold it again)."""
    if subject.isascii():
        mail["Subject"] = subject
    else:
        mail.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode(linesep=mail.policy.linesep))


def _smtp_connection() -> smtplib.SMTP:
    """A connection to the relay, STARTTLS and login done when configured."""
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.outbox_send_timeout_seconds)
    try:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def smtp_sender(message: OutboxMessage) -> None:
    """One e-mail over a connection of its own."""
    with _smtp_connection() as smtp:
        smtp.send_message(email_message(message))


@contextmanager
def smtp_session() -> Iterator[Sender]:
    """A sender that keeps one connection for every message of a batch (connect, STARTTLS and login are most
    of a message's cost against a real relay). After a failed message the connection is dropped (RSET after
    an error is not trusted) and the next message opens a new one."""
    held: list[smtplib.SMTP] = []

    def send(message: OutboxMessage) -> None:
        if not held:
            held.append(_smtp_connection())
        try:
            held[0].send_message(email_message(message))
        except BaseException:
            held.pop().close()
            raise

    try:
        yield send
    finally:
        if held:
            try:
                held[0].quit()
            except (OSError, smtplib.SMTPException):
                held[0].close()


def sms_gateway_sender(message: OutboxMessage) -> None:
    """One SMS through the gateway: a JSON POST {from, to, text} with a bearer token and the message's
    Idempotency-Key (the same on every retry); any answer other than 2xx raises (urllib does), so the
    message is retried like a refused e-mail."""
    request = urllib.request.Request(
        settings.sms_gateway_url, method="POST",
        data=json.dumps({"from": settings.sms_sender, "to": message.recipient, "text": message.body}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.sms_gateway_token or ''}",
                 "Idempotency-Key": message.message_id})
    with urllib.request.urlopen(request, timeout=settings.outbox_send_timeout_seconds):
        pass


def configured_senders() -> dict[str, Callable[[], AbstractContextManager[Sender]]]:
    """The channels whose transport is configured, each as a context giving the sender of one batch; the
    other channels' messages wait in the outbox."""
    senders = {"email": smtp_session} if settings.smtp_host else {}
    if settings.sms_gateway_url:
        senders["sms"] = lambda: nullcontext(sms_gateway_sender)
    return senders


def deliver_due(*, uow, send: Sender, channel: str = "email", batch: int = 50) -> dict[str, int]:
    """Tries up to `batch` due messages of one channel once each, safe with any number of workers on either
    database: each message is claimed by one conditional UPDATE (committed, with its attempt counted,
    before anything is sent), sent outside any transaction, and its outcome recorded only if the claim is
    still this worker's. A message whose last attempt died mid-send is marked failed, never resent."""
    counts = {"sent": 0, "retry": 0, "failed": _fail_lost_last_attempts(uow=uow, channel=channel)}
    with uow:
        ids = list(uow.session.exec(due_batch(channel, batch)))
    for message_id in ids:
        message = _claim(uow=uow, message_id=message_id, channel=channel)
        if message is None:
            continue  # another worker claimed it first
        try:
            send(message)
            error = None
        except Exception as err:  # any delivery failure is recorded and retried
            error = f"{type(err).__name__}: {err}"[:500]
        outcome = _record(uow=uow, message=message, error=error)
        if outcome:
            counts[outcome] += 1
    return counts


def due_batch(channel: str, batch: int) -> Select:
    """The ids of the next messages to try: transactional before bulk, oldest first, read in that order
    from the partial index ix_outbox_claim_order (no sort of the whole queue)."""
    return (select(OutboxMessage.id).where(_claimable(channel, utcnow()))
            .order_by(OutboxMessage.priority, OutboxMessage.created_at, OutboxMessage.id).limit(batch))


def _free(now: datetime) -> ColumnElement[bool]:
    """No worker holds the message: never claimed, or its lease ran out."""
    return or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now)


def _claimable(channel: str, now: datetime) -> ColumnElement[bool]:
    return and_(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.channel == channel,
                col(OutboxMessage.next_attempt_at) <= now, _free(now),
                col(OutboxMessage.attempts) < settings.outbox_max_attempts)


def _claim(*, uow, message_id: int, channel: str) -> OutboxMessage | None:
    """Takes the message for one attempt, or None when another worker has it. The attempt is counted here,
    committed before the send, so a worker killed mid-send cannot roll it back."""
    now = utcnow()
    holder = f"{worker_name()}/{secrets.token_hex(4)}"  # unique to this attempt
    with uow:
        message = uow.session.exec(
            update(OutboxMessage).where(OutboxMessage.id == message_id, _claimable(channel, now))
            .values(claimed_by=holder, claimed_until=now + timedelta(seconds=settings.outbox_lease_seconds),
                    attempts=OutboxMessage.attempts + 1,
                    message_id=func.coalesce(OutboxMessage.message_id, _new_message_id(message_id)))
            .returning(OutboxMessage)).scalars().first()
        uow.commit()
    return message


def _new_message_id(message_id: int) -> str:
    """`<outbox-<id>.<random>@<sender domain>>`: the row id names it, the random part keeps it unique
    across databases (a restored backup, a second environment)."""
    domain = parseaddr(settings.smtp_sender)[1].rpartition("@")[2] or "localhost"
    return f"<outbox-{message_id}.{secrets.token_hex(8)}@{domain}>"


def _record(*, uow, message: OutboxMessage, error: str | None) -> str | None:
    """Writes the attempt's outcome ("sent", "retry" or "failed") while the claim is still ours; None when a
    later claimant took over after our lease ran out (its outcome is the one that stands)."""
    now = utcnow()
    if error is None:
        outcome = "sent"  # delivered: no live link or code is kept
        values = dict(status=OutboxStatus.SENT, sent_at=now, last_error=None,
                      body=hide_secrets(message.body, message.template))
    elif message.attempts >= settings.outbox_max_attempts:
        outcome, values = "failed", dict(status=OutboxStatus.FAILED, last_error=error)
    else:
        outcome = "retry"
        values = dict(last_error=error,
                      next_attempt_at=now + timedelta(minutes=settings.outbox_retry_minutes * message.attempts))
    with uow:
        still_ours = uow.session.exec(
            update(OutboxMessage).where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == message.claimed_by)
            .values(claimed_until=None, **values).returning(OutboxMessage.id)).first()
        uow.commit()
    if still_ours is None:
        log.warning("outbox message %s: lease lost to another worker; outcome %s not recorded", message.id, outcome)
        return None
    return outcome


def _fail_lost_last_attempts(*, uow, channel: str) -> int:
    """A message whose last allowed attempt never reported back (its worker died mid-send) fails for good
    once the lease has run out: the peer may have it, and there is no attempt left to retry with."""
    now = utcnow()
    with uow:
        failed = uow.session.exec(
            update(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.channel == channel, _free(now),
                col(OutboxMessage.attempts) >= settings.outbox_max_attempts)
            .values(status=OutboxStatus.FAILED, claimed_until=None,
                    last_error="WorkerLost: the last attempt reported no result before its lease ran out")
            .returning(OutboxMessage.id)).all()
        uow.commit()
    return len(failed)


HEARTBEATS_KEPT = timedelta(days=7)  # a stopped worker's last heartbeat stays readable this long


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}/{os.getpid()}"


def record_heartbeat(*, uow, worker: str, started_at: datetime, interval_seconds: float, channels) -> None:
    """This worker's row, rewritten at the start of every pass (one conditional UPDATE, an INSERT the first
    time): when it last worked and which transports its environment configures. Rows of workers silent for
    longer than HEARTBEATS_KEPT go."""
    now = utcnow()
    values = dict(seen_at=now, interval_seconds=max(1, round(interval_seconds)),
                  email_configured="email" in channels, sms_configured="sms" in channels)
    with uow:
        s = uow.session
        if not s.exec(update(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker).values(**values)).rowcount:
            s.add(WorkerHeartbeat(worker=worker, started_at=started_at, **values))
        s.exec(delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < now - HEARTBEATS_KEPT))
        uow.commit()


def housekeeping(*, uow) -> dict[str, int]:
    checked = audit.verify_if_due(uow=uow)  # once a day; the admin reads the outcome on the audit page
    if checked is not None and not checked.ok:
        log.error("%s", checked.describe())
    return {"abandoned payments": payments.abandon_stale_intents(uow=uow),
            "expired lookup records": access.forget_old_attempts(uow=uow),
            "old staff sign-in attempts": signin.forget_old_attempts(uow=uow),
            "ended staff sessions": staff_sessions.forget_ended(uow=uow),
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
    if not settings.efactura_api_url:
        log.warning("EFACTURA_API_URL is not set: nothing is reported to RO e-Factura")
    create_schema(get_engine())
    name, started = worker_name(), utcnow()
    while True:
        record_heartbeat(uow=UnitOfWork(), worker=name, started_at=started, interval_seconds=args.interval,
                         channels=senders)
        for what, count in housekeeping(uow=UnitOfWork()).items():
            log.info("%s: %d", what, count)
        for what, count in timed_jobs.run_due(uow=UnitOfWork(), now=utcnow()).items():  # before delivery
            log.info("%s: %d", what, count)
        rest_until = time.monotonic() + args.interval
        while deliver_pass(senders) and time.monotonic() < rest_until:
            pass  # due messages left: the next batch now, the heartbeat and housekeeping again after the interval
        if settings.efactura_api_url:
            log.info("e-Factura: %s", efactura_submission.worker_pass(uow=UnitOfWork()))
        if args.once:
            return
        time.sleep(max(0.0, rest_until - time.monotonic()))


def deliver_pass(senders) -> bool:
    """One batch per configured channel; whether any message was tried (then more may be due)."""
    tried = 0
    for channel, session in senders.items():
        with session() as send:
            counts = deliver_due(uow=UnitOfWork(), send=send, channel=channel)
        tried += counts["sent"] + counts["retry"]
        if counts["sent"] or counts["retry"] or counts["failed"]:
            log.info("%s: sent %d, to retry %d, failed %d", channel, counts["sent"], counts["retry"], counts["failed"])
    return tried > 0


if __name__ == "__main__":
    main()
