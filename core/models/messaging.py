"""The outbox: every e-mail and SMS is written here first and delivered by the worker."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.models.common import code_field, utcnow


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


# A message waiting for delivery, committed in the same transaction as the change that caused it. A worker
# claims it (claimed_by, until claimed_until) in a committed UPDATE that also counts the attempt, sends it
# outside any transaction, and records the outcome only while the claim is still its own.
class OutboxMessage(SQLModel, table=True):
    __table_args__ = (Index("ix_outbox_sent_at", "sent_at"),  # "sent in the last hour" without a scan
                      # the worker's batch (queued messages of a channel, transactional first, oldest first) read
                      # in order, and the outbox page's counts per status (0018; it replaced status, next_attempt_at)
                      Index("ix_outbox_claim_order", "status", "channel", "priority", "created_at", "id"))

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=8)  # email, sms
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str = Field(max_length=5000)
    template: str = Field(max_length=60)
    case_id: int | None = Field(default=None, foreign_key="service_case.id", index=True)
    priority: int = 1  # 0 transactional, 1 bulk: set from the template by core.platform.outbox.priority_of
    status: OutboxStatus = code_field(8, default=OutboxStatus.QUEUED)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=64)  # host/pid/claim: the last attempt's worker
    claimed_until: datetime | None = None  # the lease of the attempt under way
    # the same on every attempt: the e-mail's Message-ID, the SMS gateway's Idempotency-Key (peers drop copies)
    message_id: str | None = Field(default=None, max_length=200)


# One row per worker process, rewritten on every pass: the outbox page shows what the workers do (when they
# last worked, which transports they have), not what the app's own settings say.
class WorkerHeartbeat(SQLModel, table=True):
    worker: str = Field(primary_key=True, max_length=64)  # host/pid
    started_at: datetime
    seen_at: datetime = Field(index=True)
    interval_seconds: int  # a pass every so often: silent for several of them means stopped
    email_configured: bool  # SMTP_HOST set in the worker's environment
    sms_configured: bool  # SMS_GATEWAY_URL set there
