"""Who may look an account up by payment code, and how often. Every lookup is recorded before it is answered;
a wrong pair, an unknown code and a malformed code all get one neutral answer. Failures are counted per
targeted payment code (across all visitors), per browser session, per client address, and per service
across everyone; past a limit the visitor solves a proof-of-work challenge (core.online.challenges) for each
further attempt instead of being blocked, so a guesser pays per guess and an innocent customer behind the
same address pays a few seconds once.

Race-free on SQLite and PostgreSQL without row locks: an attempt first commits its own row as "pending"
(counted as a failure), then counts the window's failures including its own row, so the attempt of rank r
sees at least r rows and at most `lookup_challenge_after` attempts pass without a challenge. A solution is
spent by inserting its signature's hash under a unique constraint: a replay, even a parallel one, fails there."""

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, or_, select

from core.models import Contract, LookupAttempt, LookupChallenge, utcnow
from core.online import challenges
from core.platform import validation
from core.platform.config import settings
from core.platform.errors import DomainError

NOT_FOUND = "online.not_found"  # the same words whatever was wrong
PENDING = "pending"  # recorded before the answer; counts as a failure until settled
FOUND = "found"
CHALLENGED = "challenge"  # asked to solve a challenge first: looked nothing up, so it is not a failure
UNKNOWN_ADDRESS = "unknown"  # every visitor whose address we do not know shares this one
MAX_DOUBLINGS = 30  # keeps 2 ** n small; the difficulty is capped long before


@dataclass(frozen=True)
class Client:
    """A public visitor as we count them: keyed hashes of the client address and of the browser
    session (the raw address is personal data and is never stored)."""

    client_key: str
    session_key: str


def client_address(headers: Mapping[str, str], peer: object) -> str | None:
    """The client address: behind a trusted reverse proxy, the one it appended to CLIENT_ADDRESS_HEADER (the
    rightmost: anything left of it was written by the client and can be forged), else the peer's."""
    if settings.client_address_header:
        return (headers.get(settings.client_address_header) or "").split(",")[-1].strip() or None
    return peer if isinstance(peer, str) else None  # not a string under AppTest


def client(address: str | None, session_id: str) -> Client:
    """Without a known address all such visitors share one address key: a reload (a new session) must not
    reset the count, and since too many failures cost a challenge rather than a block, sharing costs an
    innocent neighbour a few seconds of proof-of-work. Streamlit reports no address for a client on the same
    host, so behind a local reverse proxy CLIENT_ADDRESS_HEADER must be set."""
    def key(value: str) -> str:
        return hmac.new(settings.secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()
    return Client(key(f"address:{address or UNKNOWN_ADDRESS}"), key(f"session:{session_id}"))


class ChallengeRequired(DomainError):
    """Too many recent failures: this attempt needs a solved challenge. Carries a fresh one to solve."""

    key = "challenge.required"

    def __init__(self, challenge: dict):
        super().__init__()
        self.challenge = challenge


def begin(*, uow, who: Client, service: str, payment_code: str | None = None, solution: str | None = None) -> int:
    """Records one attempt (committed, pending) and admits it: within the limits, or with a solved challenge
    that is spent now. Returns the attempt's id for `settle`; otherwise records why and raises ChallengeRequired
    with a challenge as hard as the failures call for. `payment_code` is the targeted code, well-formed or None."""
    with uow:
        attempt = LookupAttempt(service=service, client_key=who.client_key, session_key=who.session_key,
                                payment_code=payment_code, success=False, outcome=PENDING)
        uow.session.add(attempt)
        uow.commit()
        attempt_id = attempt.id
    with uow:
        difficulty = required_difficulty(uow.session, who, service, payment_code)
    if difficulty and not _spend(uow, solution, service, difficulty):
        with uow:
            settle(uow.session, attempt_id, CHALLENGED)
            uow.commit()
        raise ChallengeRequired(challenges.issue(service, difficulty))
    return attempt_id


def required_difficulty(session: Session, who: Client, service: str, payment_code: str | None) -> int:
    """0 within every limit; otherwise the ALTCHA max_number to ask for: the configured difficulty, doubled
    for each failure beyond the limit of the most-failed code, session or address, capped."""
    since = utcnow() - timedelta(minutes=settings.lookup_window_minutes)

    def failures(condition) -> int:
        return session.exec(select(func.count()).select_from(LookupAttempt).where(
            condition, LookupAttempt.at >= since, LookupAttempt.success.is_(False),
            LookupAttempt.outcome != CHALLENGED)).one()

    targets = [LookupAttempt.client_key == who.client_key, LookupAttempt.session_key == who.session_key]
    if payment_code is not None:
        targets.append(LookupAttempt.payment_code == payment_code)
    excess = max(failures(condition) for condition in targets) - settings.lookup_challenge_after
    if excess <= 0:
        if failures(LookupAttempt.service == service) <= settings.lookup_service_challenge_after:
            return 0
        excess = 1  # everyone is asked, at the easiest level
    doublings = min(excess - 1, MAX_DOUBLINGS)
    return min(settings.lookup_challenge_difficulty * 2 ** doublings, settings.lookup_challenge_max_difficulty)


def _spend(uow, solution: str | None, service: str, difficulty: int) -> bool:
    """True once for a valid solution: its hash goes in under a unique constraint in its own transaction, so
    of two requests carrying the same solution only one commits."""
    spent = challenges.signature_hash(solution, service, difficulty) if solution else None
    if spent is None:
        return False
    with uow:
        uow.session.add(LookupChallenge(signature_hash=spent))
        try:
            uow.commit()
        except IntegrityError:
            return False
    return True


def settle(session: Session, attempt_id: int, outcome: str) -> None:
    """Gives a pending attempt its outcome (the caller commits): only "found" stops counting as a failure."""
    session.exec(update(LookupAttempt).where(LookupAttempt.id == attempt_id)
                 .values(outcome=outcome, success=outcome == FOUND))


def well_formed(payment_code: str) -> str | None:
    """The payment code in its normal form, or None when it cannot be one."""
    try:
        return validation.payment_code(payment_code)
    except validation.FieldError:
        return None


def match(session: Session, code: str | None, matches: Callable[[Session, Contract], bool]) -> tuple[int | None, str]:
    """The contract with this (well-formed) payment code when `matches` accepts it, and the outcome to record."""
    if code is None:
        return None, "malformed"
    contract = session.exec(select(Contract).where(Contract.payment_code == code)).first()
    if contract is None:
        return None, "unknown"
    if not matches(session, contract):
        return None, "mismatch"
    return contract.id, FOUND


def find_contract(*, uow, who: Client, service: str, payment_code: str,
                  matches: Callable[[Session, Contract], bool], solution: str | None = None) -> int:
    """The id of the contract with this payment code when `matches` accepts it (e.g. the CNP/CUI is
    the holder's); otherwise the neutral refusal. The attempt is recorded before it is answered."""
    code = well_formed(payment_code)
    attempt_id = begin(uow=uow, who=who, service=service, payment_code=code, solution=solution)
    with uow:
        contract_id, outcome = match(uow.session, code, matches)
        settle(uow.session, attempt_id, outcome)
        uow.commit()
    if contract_id is None:
        raise DomainError(NOT_FOUND)
    return contract_id


def attempts_for(session: Session, who: Client) -> list[LookupAttempt]:
    """This visitor's recorded attempts, newest first."""
    return list(session.exec(select(LookupAttempt).where(
        or_(LookupAttempt.client_key == who.client_key, LookupAttempt.session_key == who.session_key))
        .order_by(LookupAttempt.at.desc(), LookupAttempt.id.desc())))


def forget_old_attempts(*, uow) -> int:
    """Lookup records are kept `lookup_retention_days` (abuse review), then deleted; spent challenges only
    until they expire (an expired solution is refused anyway). Returns how many rows went."""
    now = utcnow()
    with uow:
        attempts = uow.session.exec(delete(LookupAttempt).where(
            LookupAttempt.at < now - timedelta(days=settings.lookup_retention_days)))
        spent = uow.session.exec(delete(LookupChallenge).where(
            LookupChallenge.used_at < now - timedelta(minutes=settings.lookup_challenge_minutes)))
        uow.commit()
        return attempts.rowcount + spent.rowcount
