"""Paying online without an account. The payment code alone shows only amounts (the current invoice
and the total due); the e-mail typed with it is where the receipt goes. "Plătește" records a payment
intent and sends the customer to the card processor; only the processor's signed notification turns
it into a Payment, once per processor transaction, for exactly the amount and currency asked. Only a
charge is final: it overrides a decline or cancellation reported before (the customer tried again on the
processor's page), and a further charge on a paid intent is recorded too (as credit, to review for a refund)."""

import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NoReturn

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.accounts import allocation
from core.accounts.allocation import balance as contract_balance
from core.accounts.billing import record_payment
from core.accounts.money import format_lei
from core.models import Contract, IntentStatus, Invoice, Payment, PaymentIntent, Role, utcnow
from core.online import access
from core.online.processor import Checkout, MalformedNotification, Notification, Processor, Result, processor
from core.platform import validation
from core.platform.config import settings
from core.platform.errors import DomainError, ValidationFailed
from core.platform.outbox import queue_email
from core.platform.row_lock import lock_row
from core.platform.workdays import local_time
from core.staff.auth import Actor, require_role

log = logging.getLogger("ghiseu.payments")
SERVICE = "pay"  # how lookups for this service are recorded
CHANNEL = "online"
CURRENCY = "RON"
ZERO = Decimal("0.00")
PROCESSOR = Actor("processor", Role.SYSTEM, "Card processor")  # who records a charge it notified
STATUS_OF = {Result.SUCCEEDED: IntentStatus.SUCCEEDED, Result.DECLINED: IntentStatus.DECLINED,
             Result.CANCELLED: IntentStatus.ABANDONED}


class PayWhat(StrEnum):
    INVOICE = "invoice"  # what is left to pay on the current invoice
    TOTAL = "total"  # everything due on the account


@dataclass(frozen=True)
class AmountsDue:
    """What the payment code shows: amounts and the current invoice's number, nothing personal."""

    contract_id: int
    email: str  # where the receipt goes, as typed (validated)
    invoice_id: int | None
    invoice_number: str | None
    invoice_due_date: date | None
    invoice_total: Decimal
    invoice_open: Decimal
    total_due: Decimal

    def amount_for(self, what: PayWhat) -> Decimal:
        return self.invoice_open if what == PayWhat.INVOICE else self.total_due

    @property
    def choices(self) -> list[PayWhat]:
        """What may be paid: the total due, and the current invoice alone when that is less."""
        if self.total_due <= 0:
            return []
        return [PayWhat.TOTAL] + ([PayWhat.INVOICE] if ZERO < self.invoice_open < self.total_due else [])


@dataclass(frozen=True)
class StartedPayment:
    intent: str  # public id
    url: str  # the processor's page


@dataclass(frozen=True)
class PaymentOutcome:
    """What the return page shows about one intent."""

    status: IntentStatus
    amount: Decimal
    currency: str
    reference: str | None  # the processor's transaction id


class Outcome(StrEnum):
    RECORDED = "recorded"  # the notification changed the intent (and recorded the payment if charged)
    DUPLICATE = "duplicate"  # a replay of a notification already handled: nothing changed


class NotificationRefused(Exception):
    """A notification we did not act on (forged, malformed, unknown intent, other amount...)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class NotificationNotRecorded(Exception):
    """A notification we believe but could not record now (its payment clashed with one already stored):
    logged as an error and answered so that the processor sends it again."""


class AmountChanged(DomainError):
    """The amount the customer was shown is no longer what is due (a payment landed since the lookup)."""

    key = "pay.amount_changed"

    def __init__(self, due: AmountsDue):
        super().__init__()
        self.due = due  # the fresh amounts, to show instead


def payment_reference(transaction_id: str) -> str:
    """The ledger reference of a card payment: prefixed, so it never clashes with a counter or bank one."""
    return f"card:{transaction_id}"


def amounts_due(*, uow, actor: Actor, who: access.Client, payment_code: str, email: str,
                solution: str | None = None) -> AmountsDue:
    """The current invoice and the total due for a payment code; a wrong, unknown or malformed code
    gets the neutral refusal (and counts towards the lookup limits; past them `solution`, a solved
    challenge, is needed: see core.online.access)."""
    require_role(actor, (Role.CUSTOMER,))
    receipt_to = _email(email)
    contract_id = access.find_contract(uow=uow, who=who, service=SERVICE, payment_code=payment_code,
                                       matches=lambda _session, _contract: True, solution=solution)
    with uow:
        return _amounts(uow.session, contract_id, receipt_to)


def _email(value: str) -> str:
    try:
        return validation.email(value)
    except validation.FieldError as err:
        raise ValidationFailed({"email": (err.key, err.params)}) from None


def _amounts(session: Session, contract_id: int, email: str) -> AmountsDue:
    current = session.exec(select(Invoice).where(Invoice.contract_id == contract_id)
                           .order_by(Invoice.issue_date.desc(), Invoice.id.desc()).limit(1)).first()
    total_due = max(contract_balance(session, contract_id), ZERO)
    if current is None:
        return AmountsDue(contract_id, email, None, None, None, ZERO, ZERO, total_due)
    left = max(allocation.open_amounts(session, contract_id)[current.id], ZERO)
    return AmountsDue(contract_id, email, current.id, current.invoice_number, current.due_date,
                      current.total, left, total_due)


def create_intent(*, uow, actor: Actor, contract_id: int, email: str, what: PayWhat, amount: Decimal,
                  language: str = "ro") -> StartedPayment:
    """Records what the processor is asked to charge (amounts read again now, never taken from the
    page) and returns the processor's page to send the customer to. `amount` is what the customer was
    shown: when it is no longer what is due, AmountChanged carries the fresh amounts instead."""
    require_role(actor, (Role.CUSTOMER,))
    receipt_to = _email(email)
    with uow:
        due = _amounts(uow.session, contract_id, receipt_to)
        if not due.choices:
            raise DomainError("pay.nothing_due")
        if PayWhat(what) not in due.choices or due.amount_for(what) != amount:
            raise AmountChanged(due)
        card = processor()
        intent = PaymentIntent(public_id=secrets.token_urlsafe(24), contract_id=contract_id,
                               invoice_id=due.invoice_id, amount=due.amount_for(what), currency=CURRENCY,
                               email=receipt_to, language=language, processor=card.name)
        uow.session.add(intent)
        uow.commit()
    url = card.checkout_url(Checkout(intent.public_id, intent.amount, intent.currency), language)
    return StartedPayment(intent.public_id, url)


def payment_outcome(*, uow, public_id: str) -> PaymentOutcome:
    """The intent's state for the page the processor sends the customer back to."""
    public_id = validation.text_or_none(public_id, validation.length_of(PaymentIntent.public_id))
    with uow:
        intent = uow.session.exec(select(PaymentIntent).where(PaymentIntent.public_id == public_id)).first() \
            if public_id else None
        if intent is None:
            raise DomainError("pay.unknown_intent")
        return PaymentOutcome(intent.status, intent.amount, intent.currency, intent.processor_txn_id)


def handle_notification(*, uow, body: bytes, signature: str | None, card: Processor | None = None) -> Outcome:
    """Acts on the processor's signed notification in one transaction: a charge becomes a Payment on
    the intent's invoice and a queued receipt; a decline or cancellation leaves the invoice unpaid.
    Raises NotificationRefused (logged, nothing written) for anything we must not believe, and
    NotificationNotRecorded (logged as an error, nothing written) when its payment clashes with a stored one."""
    card = card or processor()
    if not card.verify(body, signature):
        _refuse("bad_signature")
    try:
        note = card.parse(body)
    except MalformedNotification:
        _refuse("malformed")
    try:
        with uow:
            outcome = _apply(uow.session, note, card.name)
            if outcome == Outcome.RECORDED:
                uow.commit()
    except IntegrityError:  # a unique clash: the same notification delivered twice at once, or a real problem
        outcome = _after_clash(uow, note, card.name)
    if outcome == Outcome.DUPLICATE:
        log.warning("payment notification replayed, nothing changed: intent=%s txn=%s", note.intent,
                    note.transaction_id)
    else:
        log.info("payment notification recorded: intent=%s txn=%s result=%s", note.intent, note.transaction_id,
                 note.result)
    return outcome


def _refuse(reason: str, intent: str | None = None, txn: str | None = None) -> NoReturn:
    log.warning("payment notification refused: %s intent=%s txn=%s", reason, intent, txn)
    raise NotificationRefused(reason)


def _after_clash(uow, note: Notification, processor_name: str) -> Outcome:
    """Read again after a unique clash: a replay if the other delivery recorded exactly this notification;
    anything else (e.g. its reference already taken by another payment) must not swallow a charge."""
    with uow:
        intent = _intent(uow.session, note.intent, processor_name)
        if intent is not None and _already_recorded(uow.session, intent, note):
            return Outcome.DUPLICATE
    log.error("payment notification not recorded (unique clash), the processor will retry: intent=%s txn=%s "
              "result=%s", note.intent, note.transaction_id, note.result)
    raise NotificationNotRecorded(note.transaction_id)


def _intent(session: Session, public_id: str, processor_name: str, lock: bool = False) -> PaymentIntent | None:
    """The intent; with `lock`, held until commit on both databases (two deliveries of one notification
    then act one after the other, and the second finds the first's result)."""
    intent = session.exec(select(PaymentIntent).where(PaymentIntent.public_id == public_id,
                                                      PaymentIntent.processor == processor_name)).first()
    return lock_row(session, PaymentIntent, intent.id) if lock and intent is not None else intent


def _already_recorded(session: Session, intent: PaymentIntent, note: Notification) -> bool:
    """Whether this transaction with this result is on record: on the intent, or, for a further charge of
    an intent already paid, as this contract's online payment of the intent's amount."""
    if intent.processor_txn_id == note.transaction_id and intent.status == STATUS_OF[note.result]:
        return True
    if intent.status != IntentStatus.SUCCEEDED or note.result != Result.SUCCEEDED:
        return False
    payment = session.exec(select(Payment).where(Payment.reference == payment_reference(note.transaction_id))).first()
    return payment is not None and (payment.contract_id, payment.channel, payment.amount) == (
        intent.contract_id, CHANNEL, intent.amount)


def _apply(session: Session, note: Notification, processor_name: str) -> Outcome:
    intent = _intent(session, note.intent, processor_name, lock=True)
    if intent is None:
        _refuse("unknown_intent", note.intent, note.transaction_id)
    if _already_recorded(session, intent, note):
        return Outcome.DUPLICATE
    if note.amount != intent.amount or note.currency != intent.currency:
        _refuse("amount_mismatch", note.intent, note.transaction_id)
    if intent.status == IntentStatus.SUCCEEDED and note.result != Result.SUCCEEDED:
        _refuse("intent_already_final", note.intent, note.transaction_id)
    if session.exec(select(PaymentIntent.id).where(PaymentIntent.processor_txn_id == note.transaction_id,
                                                   PaymentIntent.id != intent.id)).first():
        _refuse("transaction_of_another_intent", note.intent, note.transaction_id)
    if intent.status == IntentStatus.SUCCEEDED:  # charged again: the money was taken, it becomes credit
        _record_charge(session, intent, note.transaction_id)
        log.warning("second charge on an intent already paid, recorded as credit; review for a refund: "
                    "intent=%s first_txn=%s txn=%s", note.intent, intent.processor_txn_id, note.transaction_id)
        return Outcome.RECORDED
    # a charge also overrides a decline, a cancellation or our own abandonment: the money was taken
    intent.processor_txn_id, intent.completed_at = note.transaction_id, utcnow()
    intent.status = STATUS_OF[note.result]
    if note.result == Result.SUCCEEDED:
        intent.payment_id = _record_charge(session, intent, note.transaction_id).id
    session.add(intent)
    session.flush()
    return Outcome.RECORDED


def _record_charge(session: Session, intent: PaymentIntent, transaction_id: str) -> Payment:
    """The money the processor took for the intent: a Payment allocated to the intent's invoice first (what
    is left over is credit on the account), and a receipt queued to the address typed with the code."""
    contract = session.get(Contract, intent.contract_id)
    payment = record_payment(session, contract=contract, amount=intent.amount, channel=CHANNEL,
                             reference=payment_reference(transaction_id), invoice_id=intent.invoice_id,
                             actor=PROCESSOR)
    queue_email(session, recipient=intent.email, template="online_payment.receipt", lang=intent.language,
                amount=format_lei(intent.amount), payment_code=contract.payment_code,
                reference=transaction_id, paid_at=local_time(payment.paid_at).strftime("%d.%m.%Y %H:%M"))
    return payment


def abandon_stale_intents(*, uow) -> int:
    """For the worker: intents still waiting for the processor after the configured minutes are marked
    abandoned (the invoice stays unpaid; a late charge notification is still recorded). Returns how many."""
    minutes = settings.payment_intent_abandon_minutes
    with uow:
        result = uow.session.exec(
            update(PaymentIntent)
            .where(PaymentIntent.status == IntentStatus.CREATED,
                   PaymentIntent.created_at < utcnow() - timedelta(minutes=minutes))
            .values(status=IntentStatus.ABANDONED, completed_at=utcnow()))
        uow.commit()
        return result.rowcount
