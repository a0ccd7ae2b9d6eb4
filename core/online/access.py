"""Who may look an account up by payment code, and how often. Every lookup is recorded; a wrong
pair, an unknown code and a malformed code all get one neutral answer; repeated failures from one
browser session or one client address are first slowed down, then blocked for a while."""

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_
from sqlmodel import Session, select

from core import validation
from core.config import settings
from core.errors import DomainError
from core.models import Contract, LookupAttempt, utcnow

NOT_FOUND = "online.not_found"  # the same words whatever was wrong
MAX_DELAY_SECONDS = 8.0
BLOCKED = "blocked"  # the outcome recorded for a refused blocked client


@dataclass(frozen=True)
class Client:
    """A public visitor as we count them: keyed hashes of the client address and of the browser
    session (the raw address is personal data and is never stored)."""

    client_key: str
    session_key: str


def client(address: str | None, session_id: str) -> Client:
    """Without a known address only the session counts: one shared "unknown" address would let one
    abuser block every visitor. Streamlit reports no address for a client on the same host, so behind a
    local reverse proxy CLIENT_ADDRESS_HEADER must be set, or a reload (a new session) starts afresh."""
    def key(value: str) -> str:
        return hmac.new(settings.secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()
    return Client(key(f"address:{address}" if address else f"session:{session_id}"), key(f"session:{session_id}"))


class LookupBlocked(DomainError):
    key = "online.blocked"


def recent_failures(session: Session, who: Client) -> int:
    """Failed lookups in the window by this session or this address, whichever counts more. Refusals of
    a blocked client do not count: the block ends when the window says, however often it retries."""
    since = utcnow() - timedelta(minutes=settings.lookup_window_minutes)
    by = [LookupAttempt.client_key == who.client_key, LookupAttempt.session_key == who.session_key]
    counts = [session.exec(select(func.count()).select_from(LookupAttempt).where(
        condition, LookupAttempt.at >= since, LookupAttempt.success.is_(False), LookupAttempt.outcome != BLOCKED))
        .one() for condition in by]
    return max(counts)


def delay_for(failures: int) -> float:
    """No delay for the first few mistakes, then 1 s, 2 s, 4 s, ... up to 8 s before each attempt."""
    if failures < settings.lookup_slow_after:
        return 0.0
    return min(settings.lookup_delay_seconds * 2 ** (failures - settings.lookup_slow_after), MAX_DELAY_SECONDS)


def record(session: Session, who: Client, service: str, outcome: str, success: bool,
           payment_code: str | None = None) -> None:
    session.add(LookupAttempt(service=service, client_key=who.client_key, session_key=who.session_key,
                              payment_code=payment_code, success=success, outcome=outcome))


def admit(*, uow, who: Client, service: str, sleep: Callable[[float], None] = time.sleep) -> None:
    """Refuses a blocked client (recording the refusal) and slows down one that keeps failing."""
    with uow:
        failures = recent_failures(uow.session, who)
        if failures >= settings.lookup_block_after:
            record(uow.session, who, service, BLOCKED, False)
            uow.commit()
            raise LookupBlocked(minutes=settings.lookup_window_minutes)
    if pause := delay_for(failures):
        sleep(pause)


def find_contract(*, uow, who: Client, service: str, payment_code: str,
                  matches: Callable[[Session, Contract], bool],
                  sleep: Callable[[float], None] = time.sleep) -> int:
    """The id of the contract with this payment code when `matches` accepts it (e.g. the CNP/CUI is
    the holder's); otherwise the neutral refusal. The attempt is recorded either way."""
    admit(uow=uow, who=who, service=service, sleep=sleep)
    try:
        code = validation.payment_code(payment_code)
    except validation.FieldError:
        code = None
    with uow:
        contract = uow.session.exec(select(Contract).where(Contract.payment_code == code)).first() if code else None
        if contract is not None and matches(uow.session, contract):
            record(uow.session, who, service, "found", True, code)
            uow.commit()
            return contract.id
        outcome = "malformed" if code is None else "unknown" if contract is None else "mismatch"
        record(uow.session, who, service, outcome, False, code)
        uow.commit()
    raise DomainError(NOT_FOUND)


def attempts_for(session: Session, who: Client) -> list[LookupAttempt]:
    """This visitor's recorded attempts, newest first."""
    return list(session.exec(select(LookupAttempt).where(
        or_(LookupAttempt.client_key == who.client_key, LookupAttempt.session_key == who.session_key))
        .order_by(LookupAttempt.at.desc())))


def forget_old_attempts(*, uow) -> int:
    """Lookup records are kept `lookup_retention_days` (abuse review), then deleted; returns how many."""
    with uow:
        result = uow.session.exec(delete(LookupAttempt).where(
            LookupAttempt.at < utcnow() - timedelta(days=settings.lookup_retention_days)))
        uow.commit()
        return result.rowcount
