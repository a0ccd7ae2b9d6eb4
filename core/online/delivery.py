"""Invoice delivery by e-mail (e-invoice) or SMS, chosen by the holder online. A change takes effect only
once the 6-digit code sent to the address is typed back: an opt-in proves the new address works, and a
withdrawal is confirmed through the address in use (so whoever receives the invoices agrees to stop).
Every request is kept as a DeliveryConsent row: the consent record, with the time it was confirmed."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from core.models import Contract, DeliveryChannel, DeliveryConsent, utcnow
from core.platform import validation
from core.platform.config import settings
from core.platform.errors import DomainError, NotFound, ValidationFailed
from core.platform.outbox import queue_email, queue_sms
from core.platform.row_lock import lock_row
from core.staff.masking import mask_email, mask_phone

_ADDRESS = {DeliveryChannel.EMAIL: validation.email, DeliveryChannel.SMS: validation.mobile_phone}
_MASK = {DeliveryChannel.EMAIL: mask_email, DeliveryChannel.SMS: mask_phone}
_QUEUE = {DeliveryChannel.EMAIL: queue_email, DeliveryChannel.SMS: queue_sms}


@dataclass(frozen=True)
class PendingCode:
    consent_id: int
    channel: DeliveryChannel
    opt_in: bool
    address: str  # masked
    expires_at: datetime


@dataclass(frozen=True)
class Confirmed:
    channel: DeliveryChannel
    opt_in: bool
    address: str  # masked
    confirmed_at: datetime


@dataclass(frozen=True)
class ChannelState:
    channel: DeliveryChannel
    address: str | None  # masked; None when the channel is off
    since: datetime | None  # when the holder last confirmed a change (the opt-in, or the withdrawal)
    pending: PendingCode | None  # a code sent and not yet typed back


def _hash(consent_address: str, code: str) -> str:
    """The consent keeps only a keyed hash of the code (bound to its address); the code itself is only in
    the queued message until the worker has sent it (then masked there too)."""
    return hmac.new(settings.secret_key.encode(), f"{consent_address}:{code}".encode(), hashlib.sha256).hexdigest()


def _current(contract: Contract, channel: DeliveryChannel) -> str | None:
    return contract.e_invoice_email if channel == DeliveryChannel.EMAIL else contract.sms_phone


def _channel(value: str) -> DeliveryChannel:
    try:
        return DeliveryChannel(value)
    except ValueError:
        raise ValidationFailed({"channel": ("validation.choice", {})}) from None


def _latest(session: Session, contract_id: int, channel: DeliveryChannel) -> DeliveryConsent | None:
    return session.exec(select(DeliveryConsent).where(
        DeliveryConsent.contract_id == contract_id, DeliveryConsent.channel == channel)
        .order_by(DeliveryConsent.requested_at.desc(), DeliveryConsent.id.desc())).first()


def request_change(*, uow, contract_id: int, channel: str, opt_in: bool, address: str | None = None,
                   lang: str = "ro") -> PendingCode:
    """Sends a confirmation code: for an opt-in to the address given, for a withdrawal to the address
    in use. Nothing changes on the contract until confirm()."""
    kind = _channel(channel)
    typed = None
    if opt_in:
        try:
            typed = _ADDRESS[kind](address)
        except validation.FieldError as err:
            raise ValidationFailed({"address": (err.key, err.params)}) from None
    with uow:
        s = uow.session
        # held until commit: parallel requests count the codes already sent one after the other
        contract = lock_row(s, Contract, contract_id)
        if contract is None:
            raise NotFound()
        current = _current(contract, kind)
        if opt_in and typed == current:
            raise ValidationFailed({"address": ("delivery.already_active", {})})
        if opt_in and current is not None:  # whoever receives the invoices now agrees first, by withdrawing
            raise ValidationFailed({"address": ("delivery.replace_after_withdrawal", {})})
        if not opt_in and current is None:
            raise DomainError("delivery.not_active")
        since = utcnow() - timedelta(minutes=settings.confirmation_code_minutes)
        sent = s.exec(select(func.count()).select_from(DeliveryConsent).where(
            DeliveryConsent.contract_id == contract_id, DeliveryConsent.channel == kind,
            DeliveryConsent.requested_at >= since)).one()
        if sent >= settings.confirmation_codes_per_window:
            raise DomainError("delivery.too_many_codes", minutes=settings.confirmation_code_minutes)
        to = typed if opt_in else current
        code = f"{secrets.randbelow(10 ** 6):06d}"
        consent = DeliveryConsent(contract_id=contract_id, channel=kind, opt_in=opt_in, address=to,
                                  code_hash=_hash(to, code),
                                  code_expires_at=utcnow() + timedelta(minutes=settings.confirmation_code_minutes))
        s.add(consent)
        _QUEUE[kind](s, recipient=to, template=f"delivery.{kind}_{'on' if opt_in else 'off'}", lang=lang,
                     code=code, minutes=settings.confirmation_code_minutes)
        uow.commit()
        return _pending(consent)


def _pending(consent: DeliveryConsent) -> PendingCode:
    return PendingCode(consent.id, consent.channel, consent.opt_in, _MASK[consent.channel](consent.address),
                       consent.code_expires_at)


def confirm(*, uow, contract_id: int, consent_id: int, code: str) -> Confirmed:
    """Checks the code (attempts left, not expired, not replaced by a newer request, compared in constant
    time) and then records the consent and changes the contract's delivery, together. Each comparison
    first takes an attempt in one conditional UPDATE, so codes typed at once are compared at most
    CONFIRMATION_CODE_ATTEMPTS times in all, and confirming is itself conditional (once)."""
    typed = (code or "").strip().replace(" ", "")
    if not (typed.isascii() and typed.isdigit() and len(typed) == 6):  # "²" and "٣" are digits to Python
        raise ValidationFailed({"code": ("delivery.code_format", {})})
    with uow:
        s = uow.session
        consent = s.get(DeliveryConsent, consent_id)
        if consent is None or consent.contract_id != contract_id:
            raise NotFound()
        if consent.confirmed_at is not None:
            raise DomainError("delivery.already_confirmed")
        latest = _latest(s, contract_id, consent.channel)
        if latest.id != consent.id or consent.code_expires_at <= utcnow():
            raise DomainError("delivery.code_expired")
        attempts = _take_attempt(s, consent)
        if not hmac.compare_digest(_hash(consent.address, typed), consent.code_hash):
            uow.commit()  # the failed attempt counts even though the change is refused
            left = settings.confirmation_code_attempts - attempts
            if left == 0:
                raise DomainError("delivery.code_exhausted")
            raise ValidationFailed({"code": ("delivery.code_wrong_last" if left == 1 else "delivery.code_wrong",
                                             {"left": left})})
        confirmed_at = utcnow()
        if s.exec(update(DeliveryConsent).where(DeliveryConsent.id == consent.id,
                                                col(DeliveryConsent.confirmed_at).is_(None))
                  .values(confirmed_at=confirmed_at).returning(DeliveryConsent.id)).first() is None:
            raise DomainError("delivery.already_confirmed")
        contract = s.get(Contract, contract_id)
        value = consent.address if consent.opt_in else None
        if consent.channel == DeliveryChannel.EMAIL:
            contract.e_invoice_email = value
        else:
            contract.sms_phone = value
        s.add(contract)
        uow.commit()
        return Confirmed(consent.channel, consent.opt_in, _MASK[consent.channel](consent.address), confirmed_at)


def _take_attempt(session: Session, consent: DeliveryConsent) -> int:
    """Counts one attempt if one is left on a live, unconfirmed code and returns the attempts used; a
    request that finds none left (taken meanwhile by parallel ones) is refused without comparing."""
    now = utcnow()
    attempts = session.exec(
        update(DeliveryConsent).where(
            DeliveryConsent.id == consent.id, col(DeliveryConsent.confirmed_at).is_(None),
            DeliveryConsent.code_attempts < settings.confirmation_code_attempts,
            DeliveryConsent.code_expires_at > now)
        .values(code_attempts=DeliveryConsent.code_attempts + 1)
        .returning(DeliveryConsent.code_attempts)).scalar()
    if attempts is not None:
        return attempts
    current = session.get(DeliveryConsent, consent.id, populate_existing=True)
    if current.confirmed_at is not None:
        raise DomainError("delivery.already_confirmed")
    if current.code_expires_at <= now:
        raise DomainError("delivery.code_expired")
    raise DomainError("delivery.code_exhausted")


def delivery_status(*, uow, contract_id: int) -> list[ChannelState]:
    """Each channel as the holder should see it: the (masked) address in use, since when, and a code
    waiting to be typed back."""
    with uow:
        s = uow.session
        contract = s.get(Contract, contract_id)
        if contract is None:
            raise NotFound()
        states = []
        for kind in DeliveryChannel:
            latest = _latest(s, contract_id, kind)
            waiting = (latest is not None and latest.confirmed_at is None and latest.code_expires_at > utcnow()
                       and latest.code_attempts < settings.confirmation_code_attempts)
            confirmed = s.exec(select(DeliveryConsent.confirmed_at).where(
                DeliveryConsent.contract_id == contract_id, DeliveryConsent.channel == kind,
                DeliveryConsent.confirmed_at.is_not(None)).order_by(DeliveryConsent.confirmed_at.desc())).first()
            current = _current(contract, kind)
            states.append(ChannelState(kind, _MASK[kind](current) if current else None,
                                       confirmed,
                                       _pending(latest) if waiting else None))
    return states
