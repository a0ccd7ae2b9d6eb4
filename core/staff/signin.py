"""Staff sign-in, step by step: the password (throttled per username and per client address), a new
password when the current one was a one-time password, the TOTP code (enrolment the first time) for the
roles that need one, then the one-time handoff code that becomes the session cookie. An identity
provider (OIDC) replaces the password and TOTP steps. Every step re-reads the account."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from core.models import SignInAttempt, User, utcnow
from core.platform import validation
from core.platform.audit import record_action
from core.platform.config import settings
from core.platform.errors import DomainError, ValidationFailed
from core.staff import totp
from core.staff.auth import hash_password, password_errors, verify_password
from core.staff.staff_sessions import open_handoff

PENDING_MINUTES = 5  # the password step is good for this long while the next steps are completed
COUNTED = ("pending", "failed")  # failures; "locked" refusals and "passed" steps do not count


class SignInLocked(DomainError):
    key = "access.locked"


@dataclass(frozen=True)
class Pending:
    """A user who passed the password (or identity provider) step, and what is still owed."""

    user_id: int
    username: str
    client_key: str
    started_at: datetime
    must_change_password: bool
    needs_totp: bool
    totp_enrolled: bool

    def next_step(self) -> str:
        if self.must_change_password:
            return "change_password"
        if self.needs_totp:
            return "totp" if self.totp_enrolled else "enrol_totp"
        return "done"


def _failures(session: Session, column, value: str) -> int:
    """Failed and still-undecided attempts in the window, since the last success for this username/address."""
    since = utcnow() - timedelta(minutes=settings.signin_window_minutes)
    last_success = session.exec(select(func.max(SignInAttempt.at)).where(
        column == value, SignInAttempt.outcome == "success")).one()
    if last_success is not None and last_success > since:
        since = last_success
    return session.exec(select(func.count()).select_from(SignInAttempt).where(
        column == value, SignInAttempt.at >= since, SignInAttempt.outcome.in_(COUNTED))).one()


def _admit(*, uow, username: str, client_key: str) -> int:
    """Records the attempt first (its own commit), then counts: attempts racing each other all see each
    other, so at most SIGNIN_LOCK_AFTER of them ever reach the password check. Returns the attempt id."""
    with uow:
        attempt = SignInAttempt(username=username, client_key=client_key)
        uow.session.add(attempt)
        uow.commit()
    with uow:
        locked = (_failures(uow.session, SignInAttempt.username, username) > settings.signin_lock_after
                  or _failures(uow.session, SignInAttempt.client_key, client_key) > settings.signin_address_lock_after)
        if locked:
            _settle(uow.session, attempt.id, "locked")
            record_action(uow.session, actor=username or "unknown", role="none", action="signin.locked")
            uow.commit()
            raise SignInLocked(minutes=settings.signin_window_minutes)
    return attempt.id


def _settle(session: Session, attempt_id: int, outcome: str) -> None:
    session.execute(update(SignInAttempt).where(SignInAttempt.id == attempt_id).values(outcome=outcome))


def _pending(user: User, client_key: str, *, password_step: bool = True) -> Pending:
    return Pending(user_id=user.id, username=user.username, client_key=client_key, started_at=utcnow(),
                   must_change_password=password_step and user.must_change_password,
                   needs_totp=password_step and user.role in settings.totp_roles_set,
                   totp_enrolled=user.totp_secret is not None)


def check_password(*, uow, username: str, password: str, client_key: str) -> Pending:
    """The first step. One neutral message for an unknown user, a wrong password or a deactivated account
    (an unknown user costs the same argon2 check); a locked username or address gets the lockout message."""
    username = (validation.text_or_none(username, 64) or "").lower()  # a NUL or a surrogate names nobody
    attempt_id = _admit(uow=uow, username=username, client_key=client_key)
    with uow:
        user = uow.session.exec(select(User).where(User.username == username)).first()
        if not verify_password(user.password_hash if user else None, password) or not user.active:
            _settle(uow.session, attempt_id, "failed")
            record_action(uow.session, actor=username if user else "unknown", role=user.role if user else "none",
                          action="signin.failed", subject=f"user:{user.id}" if user else None,
                          details={"step": "password"})
            uow.commit()
            raise DomainError("auth.invalid")
        _settle(uow.session, attempt_id, "passed")  # not a success until every step is done (finish_sign_in)
        uow.commit()
        return _pending(user, client_key)


def _fresh_user(session: Session, pending: Pending) -> User:
    """The account behind a pending sign-in, refused once it is stale or the account is no longer active."""
    user = session.get(User, pending.user_id)
    if (user is None or not user.active
            or utcnow() - pending.started_at > timedelta(minutes=PENDING_MINUTES)):
        raise DomainError("access.signin_expired")
    return user


def change_password(*, uow, pending: Pending, new_password: str, repeated: str) -> Pending:
    """Replaces a one-time password with one the user chose (it must differ from the one-time one)."""
    errors = password_errors(new_password, "new_password")
    if not errors and new_password != repeated:
        errors["repeated"] = ("access.password_mismatch", {})
    with uow:
        user = _fresh_user(uow.session, pending)
        if not errors and verify_password(user.password_hash, new_password):
            errors["new_password"] = ("access.password_same", {})
        if errors:
            raise ValidationFailed(errors)
        user.password_hash, user.must_change_password = hash_password(new_password), False
        uow.session.add(user)
        record_action(uow.session, actor=user.username, role=user.role, action="password.change",
                      subject=f"user:{user.id}")
        uow.commit()
    return replace(pending, must_change_password=False)


def _accept_code(session: Session, user: User, secret: str, code: str) -> bool:
    """True once per time step: the step is claimed with one conditional UPDATE (a replay loses)."""
    step = totp.matching_step(secret, code, utcnow())
    if step is None:
        return False
    claimed = session.execute(update(User).where(
        User.id == user.id, (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step))
    return claimed.rowcount == 1


def _totp_step(*, uow, pending: Pending, code: str, secret: str | None, enrolling: bool) -> Pending:
    if pending.must_change_password:
        raise DomainError("access.signin_expired")
    attempt_id = _admit(uow=uow, username=pending.username, client_key=pending.client_key)
    with uow:
        user = _fresh_user(uow.session, pending)
        if enrolling and user.totp_secret is not None:
            raise DomainError("access.signin_expired")  # someone enrolled meanwhile: start over
        secret = secret if enrolling else totp.decrypt(user.totp_secret or "")
        if not secret or not _accept_code(uow.session, user, secret, code):
            _settle(uow.session, attempt_id, "failed")
            record_action(uow.session, actor=user.username, role=user.role, action="signin.failed",
                          subject=f"user:{user.id}", details={"step": "totp"})
            uow.commit()
            raise ValidationFailed({"code": ("access.totp_wrong", {})})
        if enrolling:
            user.totp_secret = totp.encrypt(secret)
            uow.session.add(user)
            record_action(uow.session, actor=user.username, role=user.role, action="totp.enrol",
                          subject=f"user:{user.id}")
        _settle(uow.session, attempt_id, "passed")
        uow.commit()
    return replace(pending, needs_totp=False, totp_enrolled=True)


def enrol_totp(*, uow, pending: Pending, secret: str, code: str) -> Pending:
    """First sign-in of a role that needs TOTP: the secret shown as a QR code is kept once a code from it works."""
    return _totp_step(uow=uow, pending=pending, code=code, secret=secret, enrolling=True)


def verify_totp(*, uow, pending: Pending, code: str) -> Pending:
    return _totp_step(uow=uow, pending=pending, code=code, secret=None, enrolling=False)


def identity_sign_in(*, uow, email: str | None, client_key: str) -> Pending:
    """An identity provider (OIDC) vouched for this e-mail: the active staff account with that e-mail (or
    that username, the part before @) signs in; the provider did the password and second factor."""
    email = (email or "").strip().lower()
    with uow:
        user = uow.session.exec(select(User).where(User.email == email)).first() if email else None
        if user is None and email:
            user = uow.session.exec(select(User).where(User.username == email.split("@")[0])).first()
        if user is None or not user.active:
            record_action(uow.session, actor="unknown", role="none", action="signin.failed",
                          details={"step": "identity_provider"})
            uow.commit()
            raise DomainError("access.oidc_unknown")
        return _pending(user, client_key, password_step=False)


def finish_sign_in(*, uow, pending: Pending) -> str:
    """The last step: every earlier one is done, so a session is opened; returns its one-time handoff code."""
    if pending.next_step() != "done":
        raise DomainError("access.signin_expired")
    with uow:
        user = _fresh_user(uow.session, pending)
        code = open_handoff(uow.session, user)
        # the success that resets the failure count: only a completed sign-in (password and TOTP) is one
        uow.session.add(SignInAttempt(username=user.username, client_key=pending.client_key, outcome="success"))
        record_action(uow.session, actor=user.username, role=user.role, action="signin.success",
                      subject=f"user:{user.id}")
        uow.commit()
        return code


def forget_old_attempts(*, uow) -> int:
    """For the worker: sign-in attempts older than `staff_access_retention_days` are deleted (the lockout
    only looks at the last window); returns how many."""
    with uow:
        result = uow.session.exec(delete(SignInAttempt).where(
            SignInAttempt.at < utcnow() - timedelta(days=settings.staff_access_retention_days)))
        uow.commit()
        return result.rowcount
