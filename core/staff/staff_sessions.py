"""Server-side staff sessions. The browser holds a signed, HttpOnly cookie with a random token; the
database holds only the token's SHA-256, who it belongs to, the role it was opened with, when it was
last used and when it ends. A session is born from a one-time handoff code (single use, valid
SESSION_HANDOFF_SECONDS) that the sign-in page gives the browser, which trades it for the cookie at our
route: a Streamlit page cannot set a cookie, and a token never travels in a URL."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, or_, update
from sqlmodel import Session, col, select

from core.models import Role, StaffSession, User, utcnow
from core.platform.audit import record_action
from core.platform.config import settings
from core.staff.auth import Actor, require_role

COOKIE = "ghiseu_staff"
TOUCH_SECONDS = 30  # last_seen_at is written at most this often (a click is not always a write)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _signature(token: str) -> str:
    return hmac.new(settings.secret_key.encode(), f"staff-session:{token}".encode(), hashlib.sha256).hexdigest()


def cookie_value(token: str) -> str:
    return f"{token}.{_signature(token)}"


def token_from_cookie(value: str | None) -> str | None:
    """The token inside a cookie we signed; None for a missing, malformed or forged one."""
    if not isinstance(value, str) or not value.isascii():  # ours are ASCII; compare_digest refuses the rest
        return None
    token, _, signature = value.rpartition(".")
    if not token or not hmac.compare_digest(signature, _signature(token)):
        return None
    return token


def open_handoff(session: Session, user: User) -> str:
    """Adds a not-yet-usable session for `user` and returns its one-time handoff code (the caller commits)."""
    code = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(StaffSession(user_id=user.id, role=user.role, handoff_hash=_digest(code),
                             handoff_expires_at=now + timedelta(seconds=settings.session_handoff_seconds),
                             expires_at=now + timedelta(hours=settings.session_absolute_hours)))
    return code


def redeem_handoff(*, uow, code: str, user_agent: str, client_key: str) -> str | None:
    """Trades a handoff code for a session token, once: one conditional UPDATE, so two requests racing
    with the same code cannot both win (on SQLite too). None for an unknown, used or expired code."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with uow:
        claimed = uow.session.execute(
            update(StaffSession)
            .where(StaffSession.handoff_hash == _digest(code or ""), StaffSession.handoff_expires_at > now,
                   StaffSession.token_hash.is_(None), StaffSession.revoked_at.is_(None))
            .values(handoff_hash=None, token_hash=_digest(token), last_seen_at=now,
                    user_agent=(user_agent or "")[:300], client_key=client_key)
            .returning(StaffSession.id)).first()
        if claimed is None:
            return None
        uow.commit()
    return token


@dataclass(frozen=True)
class Resumed:
    """What a cookie is worth on this run: the signed-in actor, or why the session ended (None: no session)."""

    actor: Actor | None
    ended: str | None = None


def _end_reason(row: StaffSession, user: User) -> str | None:
    now = utcnow()
    if now >= row.expires_at:
        return "expired"
    if now - row.last_seen_at >= timedelta(minutes=settings.session_idle_minutes):
        return "idle"
    if not user.active:
        return "deactivated"
    if user.role != row.role:
        return "role_changed"
    return None


def resume_session(*, uow, token: str) -> Resumed:
    """The actor for a live session, touching its last use; a session past its idle or absolute limit,
    or whose user was deactivated or given another role, is revoked here and reported as ended."""
    with uow:
        found = uow.session.exec(select(StaffSession, User).join(User, User.id == StaffSession.user_id)
                                 .where(StaffSession.token_hash == _digest(token))).first()
        if found is None:
            return Resumed(None)
        row, user = found
        if row.revoked_at is not None:
            return Resumed(None, row.revoked_reason or "revoked")
        if reason := _end_reason(row, user):
            _revoke(uow.session, [row], reason, actor=user.username, role=user.role)
            uow.commit()
            return Resumed(None, reason)
        if utcnow() - row.last_seen_at >= timedelta(seconds=TOUCH_SECONDS):
            row.last_seen_at = utcnow()
            uow.session.add(row)
            uow.commit()
        return Resumed(Actor(user.username, user.role, user.display_name, user.id))


def _revoke(session: Session, rows: list[StaffSession], reason: str, *, actor: str, role: str) -> None:
    """Ends live sessions with a reason, each one in the audit trail (the caller commits)."""
    now = utcnow()
    for row in rows:
        if row.revoked_at is None:
            row.revoked_at, row.revoked_reason = now, reason
            session.add(row)
            record_action(session, actor=actor, role=role, action="session.revoke", subject=f"user:{row.user_id}",
                          reason=reason, details={"session_id": row.id})


def revoke_user_sessions(session: Session, user_id: int, reason: str, by: Actor) -> None:
    """Ends every session of one user (deactivated, demoted, password reset); the caller commits."""
    rows = list(session.exec(select(StaffSession).where(StaffSession.user_id == user_id,
                                                        StaffSession.revoked_at.is_(None))))
    _revoke(session, rows, reason, actor=by.username, role=by.role)


def end_session(*, uow, token: str) -> None:
    """Sign-out: revokes the session this token opened (nothing happens for an unknown or ended one)."""
    with uow:
        found = uow.session.exec(select(StaffSession, User).join(User, User.id == StaffSession.user_id)
                                 .where(StaffSession.token_hash == _digest(token or ""))).first()
        if found is not None:
            row, user = found
            _revoke(uow.session, [row], "signed_out", actor=user.username, role=user.role)
            uow.commit()


def live_sessions(*, uow, actor: Actor, user_id: int) -> list[StaffSession]:
    """One user's open sessions, newest first (admin: who is signed in where)."""
    require_role(actor, (Role.ADMIN,))
    now = utcnow()
    idle_since = now - timedelta(minutes=settings.session_idle_minutes)
    with uow:
        return list(uow.session.exec(
            select(StaffSession).where(StaffSession.user_id == user_id, StaffSession.revoked_at.is_(None),
                                       StaffSession.token_hash.is_not(None), StaffSession.expires_at > now,
                                       StaffSession.last_seen_at > idle_since)
            .order_by(StaffSession.created_at.desc())))


def revoke_session(*, uow, actor: Actor, session_id: int) -> None:
    """An admin ends one session; that browser is signed out on its next click."""
    require_role(actor, (Role.ADMIN,))
    with uow:
        row = uow.session.get(StaffSession, session_id)
        if row is not None:
            _revoke(uow.session, [row], "revoked_by_admin", actor=actor.username, role=actor.role)
            uow.commit()


def forget_ended(*, uow) -> int:
    """For the worker: sessions that ended (revoked, expired, or a handoff never redeemed) more than
    `staff_access_retention_days` ago are deleted; returns how many. Their history is in the audit chain."""
    before = utcnow() - timedelta(days=settings.staff_access_retention_days)
    with uow:
        ended = or_(StaffSession.revoked_at < before, StaffSession.expires_at < before,
                    and_(col(StaffSession.token_hash).is_(None), StaffSession.handoff_expires_at < before))
        result = uow.session.exec(delete(StaffSession).where(ended))
        uow.commit()
        return result.rowcount
