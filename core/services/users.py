"""Staff accounts: creating users (admin) and the demo users of a fresh installation."""

from sqlmodel import select

from core.auth import Actor, hash_password, require_role
from core.errors import DomainError, ValidationFailed
from core.models import STAFF_ROLES, Role, User

# One demo user per role; documented in the README. Never created in production.
DEMO_USERS = (
    ("clerk", "Ana Popa", Role.CLERK, "clerk-demo"),
    ("clerk2", "Mihai Stan", Role.CLERK, "clerk-demo"),
    ("supervisor", "Elena Dumitru", Role.SUPERVISOR, "supervisor-demo"),
    ("supervisor2", "Radu Georgescu", Role.SUPERVISOR, "supervisor-demo"),
    ("analyst", "Ioana Marin", Role.ANALYST, "analyst-demo"),
    ("admin", "Dan Vasile", Role.ADMIN, "admin-demo"),
)
MIN_PASSWORD = 10


def create_user(*, uow, actor: Actor, username: str, display_name: str, role: Role, password: str) -> User:
    require_role(actor, (Role.ADMIN, Role.SYSTEM))
    username = (username or "").strip().lower()
    errors = {}
    if not username.isascii() or not username.replace(".", "").replace("_", "").isalnum():
        errors["username"] = ("users.username", {})
    if role not in STAFF_ROLES:
        errors["role"] = ("validation.choice", {})
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = ("users.password_short", {"min": MIN_PASSWORD})
    if not (display_name or "").strip():
        errors["display_name"] = ("validation.required", {})
    if errors:
        raise ValidationFailed(errors)
    with uow:
        if uow.session.exec(select(User).where(User.username == username)).first():
            raise DomainError("users.exists")
        user = User(username=username, display_name=display_name.strip(), role=role,
                    password_hash=hash_password(password))
        uow.session.add(user)
        uow.commit()
        return user


def ensure_demo_users(*, uow) -> None:
    """Creates the demo accounts that are missing (idempotent)."""
    with uow:
        existing = set(uow.session.exec(select(User.username)))
        for username, name, role, password in DEMO_USERS:
            if username not in existing:
                uow.session.add(User(username=username, display_name=name, role=role,
                                     password_hash=hash_password(password)))
        uow.commit()
