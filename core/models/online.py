"""What the public self-service pages keep: payment intents handed to the card processor, private
upload links, every lookup by payment code and every spent proof-of-work challenge (for abuse control),
and invoice-delivery consent."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.models.common import code_field, money_field, utcnow


class IntentStatus(StrEnum):
    CREATED = "created"  # the customer was sent to the processor's page
    SUCCEEDED = "succeeded"  # a verified notification said the card was charged
    DECLINED = "declined"  # the processor refused the card
    ABANDONED = "abandoned"  # the customer cancelled on the processor's page, or never came back


# One "Plătește" click: what we asked the processor to charge, and what it answered. Card data never
# reaches us; the processor's transaction ID makes a replayed notification a no-op.
class PaymentIntent(SQLModel, table=True):
    __table_args__ = (Index("ix_paymentintent_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(unique=True, index=True, max_length=40)  # random; in URLs instead of the id
    contract_id: int = Field(foreign_key="contract.id", index=True)
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    amount: Decimal = money_field()
    currency: str = Field(default="RON", max_length=3)
    email: str = Field(max_length=254)  # where the receipt goes
    language: str = Field(default="ro", max_length=2)
    processor: str = Field(max_length=20)
    status: IntentStatus = code_field(10, default=IntentStatus.CREATED)
    processor_txn_id: str | None = Field(default=None, unique=True, max_length=64)
    payment_id: int | None = Field(default=None, foreign_key="payment.id")
    created_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None


class TokenPurpose(StrEnum):
    UPLOAD = "upload"  # the applicant's private document upload page for one case


# A link sent to one customer: only the SHA-256 of the random token is stored, so a database reader
# cannot use it; it stops working when it expires or is revoked.
class AccessToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    purpose: str = code_field(16)
    case_id: int = Field(foreign_key="service_case.id", index=True)
    expires_at: datetime
    revoked_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None


# Every public lookup by payment code, successful or not: who asked (a hash of the client address and
# of the browser session, never the raw IP), what for, and whether it matched. Written "pending" (counted
# as a failure) before the lookup is answered, so the rate limits read it even for requests in flight.
class LookupAttempt(SQLModel, table=True):
    __table_args__ = (
        Index("ix_lookupattempt_client_at", "client_key", "at"),
        Index("ix_lookupattempt_session_at", "session_key", "at"),
        Index("ix_lookupattempt_code_at", "payment_code", "at"),
        Index("ix_lookupattempt_service_at", "service", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    service: str = Field(max_length=24)  # pay, invoice_copy, delivery, upload, holder_change, new_contract
    client_key: str = Field(max_length=64)
    session_key: str = Field(max_length=64)
    payment_code: str | None = Field(default=None, max_length=9)  # as typed, when it had the right shape
    success: bool
    outcome: str = Field(max_length=24)  # pending, found, mismatch, unknown, malformed, challenge, ...


# A solved proof-of-work challenge that was spent on one lookup attempt: the hash of its signature under a
# unique constraint, so the same solution sent again (even at the same moment) is refused by the database.
class LookupChallenge(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    signature_hash: str = Field(unique=True, max_length=64)
    used_at: datetime = Field(default_factory=utcnow, index=True)


class DeliveryChannel(StrEnum):
    EMAIL = "email"  # e-invoice by e-mail
    SMS = "sms"  # invoice notice by SMS


# A request to start or stop invoice delivery by e-mail or SMS; it takes effect only once the code sent
# to the address is typed back. Kept after that as the consent record (requested, confirmed, withdrawn).
class DeliveryConsent(SQLModel, table=True):
    __table_args__ = (Index("ix_deliveryconsent_contract_channel", "contract_id", "channel", "requested_at"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    channel: DeliveryChannel = code_field(8)
    opt_in: bool  # False: a withdrawal
    address: str = Field(max_length=254)  # e-mail or E.164 phone the code was sent to
    code_hash: str = Field(max_length=64)
    code_attempts: int = 0
    code_expires_at: datetime
    requested_at: datetime = Field(default_factory=utcnow)
    confirmed_at: datetime | None = None
