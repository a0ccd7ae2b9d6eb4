"""Who is acting: local staff sign-in with argon2 hashes, and the role checks every service makes
itself (a page hidden from the menu is not access control)."""

from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlmodel import select

from core.errors import DomainError, PermissionDenied
from core.models import Role, User

_hasher = PasswordHasher()
# verified against when the username is unknown, so both paths cost the same (prevents timing attacks)
_DUMMY_HASH = _hasher.hash("no-such-user")


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role
    display_name: str = ""
    user_id: int | None = None


SYSTEM = Actor("system", Role.SYSTEM, "Ghiseu")
BILLING = Actor("billing", Role.SYSTEM, "Facturare")  # the periodic billing run


def customer_actor(label: str = "customer") -> Actor:
    return Actor(label, Role.CUSTOMER, label)


def refresh_actor(*, uow, actor: Actor) -> Actor | None:
    """The signed-in actor as the database has them now: None once deactivated, the new role once
    changed. Called on every page run, so a tab left open keeps no rights its user has lost."""
    with uow:
        user = uow.session.get(User, actor.user_id) if actor.user_id else None
        if user is None or not user.active:
            return None
        return Actor(user.username, user.role, user.display_name, user.id)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def authenticate(*, uow, username: str, password: str) -> Actor:
    """Returns the actor for a valid active account; one neutral error for every failure."""
    with uow:
        user = uow.session.exec(select(User).where(User.username == username.strip().lower())).first()
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerifyMismatchError, InvalidHashError):
            user = None
        if not user or not user.active:
            raise DomainError("auth.invalid")
        return Actor(user.username, user.role, user.display_name, user.id)


def require_role(actor: Actor, roles: Iterable[Role]) -> None:
    if actor.role not in set(roles):
        raise PermissionDenied()
