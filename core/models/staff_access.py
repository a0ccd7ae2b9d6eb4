"""What staff sign-in keeps on the server: sessions (only a hash of each cookie's token) and every
sign-in attempt (for the per-username and per-address throttle)."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.models.common import utcnow


# One signed-in browser. Born as a one-time handoff (the sign-in page holds only the hash of a short-lived
# code), it becomes a session when our route redeems the code and sets the cookie; only the SHA-256 of the
# cookie's token is stored. Ends at its absolute expiry, after inactivity, or when revoked (and why).
class StaffSession(SQLModel, table=True):
    __tablename__ = "staff_session"
    __table_args__ = (Index("ix_staff_session_user_revoked", "user_id", "revoked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id")
    role: str = Field(max_length=16)  # the role signed in with: a change of role ends the session
    handoff_hash: str | None = Field(default=None, unique=True, max_length=64)
    handoff_expires_at: datetime
    token_hash: str | None = Field(default=None, unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime  # absolute lifetime, whatever the activity
    revoked_at: datetime | None = None
    revoked_reason: str | None = Field(default=None, max_length=32)
    user_agent: str = Field(default="", max_length=300)
    client_key: str = Field(default="", max_length=64)  # keyed hash of the client address, never the address


# One staff sign-in attempt, written before the password is checked, so concurrent guesses count each other.
class SignInAttempt(SQLModel, table=True):
    __tablename__ = "staff_signin_attempt"
    __table_args__ = (
        Index("ix_staff_signin_attempt_username_at", "username", "at"),
        Index("ix_staff_signin_attempt_client_at", "client_key", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    username: str = Field(max_length=64)  # as typed (normalised), known or not
    client_key: str = Field(max_length=64)
    outcome: str = Field(default="pending", max_length=16)  # pending, failed, locked, success
