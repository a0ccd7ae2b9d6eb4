"""Back-office staff accounts and their roles."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from core.models.common import code_field, utcnow


# What a signed-in staff member may do; customers and the system act without an account.
class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    ADMIN = "admin"
    CUSTOMER = "customer"
    SYSTEM = "system"


STAFF_ROLES = (Role.CLERK, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN)


# A local staff account; the password is stored only as an argon2 hash.
class User(SQLModel, table=True):
    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=64)
    display_name: str = Field(max_length=120)
    role: Role = code_field(16)
    password_hash: str = Field(max_length=255)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    email: str | None = Field(default=None, unique=True, max_length=254)  # how an identity provider names them
    must_change_password: bool = False  # set with a one-time password (new account, reset)
    totp_secret: str | None = Field(default=None, max_length=255)  # Fernet-encrypted, never in clear
    totp_last_step: int | None = None  # the last accepted TOTP time step: a code is used once
