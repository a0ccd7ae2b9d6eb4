"""Who is acting: local staff sign-in with argon2 hashes, and the role checks every service makes
itself (a page hidden from the menu is not access control)."""

from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.models import Role
from core.platform.errors import PermissionDenied

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


MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Checks a password against a stored hash; with no hash (an unknown user) it checks the dummy one,
    so both paths take the same time."""
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def password_errors(password: str, field: str = "password") -> dict[str, tuple[str, dict]]:
    """The one password rule (length) for every way a password is set."""
    return {field: ("users.password_short", {"min": MIN_PASSWORD})} if len(password or "") < MIN_PASSWORD else {}


def require_role(actor: Actor, roles: Iterable[Role]) -> None:
    if actor.role not in set(roles):
        raise PermissionDenied()
