"""The card processor as our side sees it: where to send the customer (its hosted payment page) and
how to trust what it says afterwards (an HMAC-SHA256 signature over the raw notification body, with
the secret we share with it). Card data is typed on the processor's page and never reaches us.

The sandbox processor (the default) is served by this application under /api/sandbox/ but keeps to
what a real one sees: the signed checkout request in its link, never our database."""

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlencode

from core.accounts.money import money
from core.models import PaymentIntent
from core.online.limits import json_depth
from core.platform.config import settings
from core.platform.validation import length_of, text_or_none

SIGNATURE_HEADER = "X-Processor-Signature"
NOTIFY_PATH = "/api/payments/notify"
SANDBOX_CHECKOUT_PATH = "/api/sandbox/checkout/"
# what we accept as a processor's transaction id: 59 characters at most, so that it fits the intent's
# processor_txn_id (64) and the payment reference "card:<id>" (64) on PostgreSQL too
TRANSACTION_ID = re.compile(r"[A-Za-z0-9._:-]{1,59}")


class Result(StrEnum):
    SUCCEEDED = "succeeded"  # the card was charged
    DECLINED = "declined"  # the card was refused
    CANCELLED = "cancelled"  # the customer gave up on the processor's page


@dataclass(frozen=True)
class Notification:
    """What the processor tells us about one payment intent (`intent` is our public id)."""

    intent: str
    transaction_id: str
    result: Result
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Checkout:
    """What we ask the processor to charge."""

    intent: str
    amount: Decimal
    currency: str


class MalformedNotification(ValueError):
    """The body is not a notification we understand."""


class Processor(Protocol):
    name: str

    def checkout_url(self, checkout: Checkout, language: str = "ro") -> str:
        """Where the customer's browser goes to type the card."""

    def verify(self, body: bytes, signature: str | None) -> bool:
        """Whether the raw body carries the processor's signature."""

    def parse(self, body: bytes) -> Notification:
        """The notification in a verified body; MalformedNotification when it is not one."""


def sign(payload: bytes) -> str:
    return hmac.new(settings.processor_secret.encode(), payload, hashlib.sha256).hexdigest()


def signed_by_processor(payload: bytes, signature: str | None) -> bool:
    # compare_digest: the time taken does not tell a forger how much of the signature was right; it takes
    # bytes because a header may hold any latin-1 text, which compare_digest refuses as str
    return bool(signature) and signature.isascii() and hmac.compare_digest(sign(payload).encode(),
                                                                           signature.encode())


class SandboxProcessor:
    """A stand-in for a real processor, for development, tests and demos."""

    name = "sandbox"

    def checkout_url(self, checkout: Checkout, language: str = "ro") -> str:
        query = urlencode({"amount": f"{checkout.amount:.2f}", "currency": checkout.currency,
                           "signature": sign(_checkout_payload(checkout)), "lang": language})
        return settings.public_url(f"{SANDBOX_CHECKOUT_PATH}{checkout.intent}?{query}")

    def verify(self, body: bytes, signature: str | None) -> bool:
        return signed_by_processor(body, signature)

    def parse(self, body: bytes) -> Notification:
        if json_depth(body) > settings.http_max_json_depth:
            raise MalformedNotification("too_deep")  # before json.loads recurses into it
        try:
            data = json.loads(body)
            amount = Decimal(data["amount"]) if isinstance(data["amount"], str) else Decimal("NaN")
            if not amount.is_finite() or money(amount) != amount:
                raise MalformedNotification("amount")
            txn = data["transaction_id"]
            if not isinstance(txn, str) or not TRANSACTION_ID.fullmatch(txn):
                raise MalformedNotification("transaction_id")
            intent = data["intent"]
            if not isinstance(intent, str) or text_or_none(intent, length_of(PaymentIntent.public_id)) != intent:
                raise MalformedNotification("intent")
            return Notification(intent, txn, Result(data["result"]), amount, str(data["currency"]))
        except (ValueError, KeyError, TypeError, InvalidOperation, RecursionError) as err:
            raise MalformedNotification(type(err).__name__) from None

    # ---- the processor's own side: its hosted page and the notification it sends ----

    def checkout_from(self, intent: str, query) -> Checkout | None:
        """The checkout request in a hosted-page link, or None when the link was tampered with."""
        try:
            checkout = Checkout(intent, money(query.get("amount", "")), query.get("currency", ""))
        except (InvalidOperation, ValueError):
            return None
        return checkout if signed_by_processor(_checkout_payload(checkout), query.get("signature")) else None

    def notification(self, checkout: Checkout, result: Result) -> tuple[bytes, str]:
        """The body and signature the sandbox posts once the customer confirmed, declined or cancelled."""
        body = json.dumps({"intent": checkout.intent, "transaction_id": f"SBX-{secrets.token_hex(10).upper()}",
                           "result": result.value, "amount": f"{checkout.amount:.2f}",
                           "currency": checkout.currency}).encode()
        return body, sign(body)


def _checkout_payload(checkout: Checkout) -> bytes:
    return f"{checkout.intent}|{checkout.amount:.2f}|{checkout.currency}".encode()


PROCESSORS: dict[str, type] = {"sandbox": SandboxProcessor}


def processor() -> Processor:
    """The processor named in the settings (a real one is added to PROCESSORS)."""
    return PROCESSORS[settings.payment_processor]()
