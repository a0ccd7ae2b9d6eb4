"""Staff accounts: the admin's user administration (create with a one-time password, deactivate, change
role, reset a password), the operator command's first admin, and the demo users of a fresh installation.
Every change is in the audit trail, and ends the user's open sessions where it takes rights away."""

import secrets

from sqlmodel import select

from core.models import STAFF_ROLES, Role, User
from core.platform import validation
from core.platform.audit import record_action
from core.platform.errors import DomainError, NotFound, ValidationFailed
from core.staff import totp
from core.staff.auth import Actor, hash_password, password_errors, require_role
from core.staff.staff_sessions import revoke_user_sessions

# One demo user per role; documented in the README. Never created in production.
DEMO_USERS = (
    ("clerk", "Ana Popa", Role.CLERK, "clerk-demo"),
    ("clerk2", "Mihai Stan", Role.CLERK, "clerk-demo"),
    ("supervisor", "Elena Dumitru", Role.SUPERVISOR, "supervisor-demo"),
    ("supervisor2", "Radu Georgescu", Role.SUPERVISOR, "supervisor-demo"),
    ("analyst", "Ioana Marin", Role.ANALYST, "analyst-demo"),
    ("admin", "Dan Vasile", Role.ADMIN, "admin-demo"),
)
# The demo supervisors' and admin's TOTP secret, published like their passwords (the demo sign-in page
# shows the current code). Only demo seeding uses it, and production refuses demo seeding.
DEMO_TOTP_SECRET = "GHISEUDEMOTOTPXXGHISEUDEMOTOTPXX"
ADMINS = (Role.ADMIN, Role.SYSTEM)


def _account_errors(username: str, display_name: str, role: Role) -> dict[str, tuple[str, dict]]:
    errors = {}
    if not username or len(username) > 64 or not username.isascii() \
            or not username.replace(".", "").replace("_", "").isalnum():
        errors["username"] = ("users.username", {})
    if role not in STAFF_ROLES:
        errors["role"] = ("validation.choice", {})
    try:
        validation.clean_text(display_name, max_length=120)
    except validation.FieldError as err:
        errors["display_name"] = (err.key, err.params)
    return errors


def _add_user(uow, actor: Actor, username: str, display_name: str, role: Role, password: str, *,
              one_time: bool, email: str | None = None) -> User:
    with uow:
        if uow.session.exec(select(User).where(User.username == username)).first():
            raise DomainError("users.exists")
        if email and uow.session.exec(select(User).where(User.email == email)).first():
            raise ValidationFailed({"email": ("access.email_taken", {})})
        user = User(username=username, display_name=display_name.strip(), role=role, email=email or None,
                    password_hash=hash_password(password), must_change_password=one_time)
        uow.session.add(user)
        uow.session.flush()
        record_action(uow.session, actor=actor.username, role=actor.role, action="user.create",
                      subject=f"user:{user.id}", details={"username": username, "role": str(role)})
        uow.commit()
        return user


def create_user(*, uow, actor: Actor, username: str, display_name: str, role: Role, password: str) -> User:
    """The operator command's account (the first admin): the password is the one typed at the prompt."""
    require_role(actor, ADMINS)
    username = (username or "").strip().lower()
    errors = _account_errors(username, display_name, role) | password_errors(password)
    if errors:
        raise ValidationFailed(errors)
    return _add_user(uow, actor, username, display_name, role, password, one_time=False)


def _one_time_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters; shown once to the admin, changed at first sign-in


def invite_user(*, uow, actor: Actor, username: str, display_name: str, role: Role,
                email: str | None = None) -> tuple[User, str]:
    """An admin creates an account with a one-time password (returned once, to hand over); the user must
    choose their own at the first sign-in."""
    require_role(actor, ADMINS)
    username = (username or "").strip().lower()
    errors = _account_errors(username, display_name, role)
    if (email or "").strip():
        try:
            email = validation.email(email).lower()
        except validation.FieldError as err:
            errors["email"] = (err.key, {})
    else:
        email = None
    if errors:
        raise ValidationFailed(errors)
    password = _one_time_password()
    return _add_user(uow, actor, username, display_name, role, password, one_time=True, email=email), password


def list_users(*, uow, actor: Actor) -> list[User]:
    require_role(actor, (Role.ADMIN,))
    with uow:
        return list(uow.session.exec(select(User).order_by(User.username)))


def _target(uow, actor: Actor, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if user.id == actor.user_id:
        raise DomainError("access.not_yourself")  # an admin cannot lock themselves out
    return user


def deactivate_user(*, uow, actor: Actor, user_id: int) -> None:
    """The account can no longer sign in; its open tabs are signed out on their next click."""
    require_role(actor, (Role.ADMIN,))
    with uow:
        user = _target(uow, actor, user_id)
        user.active = False
        uow.session.add(user)
        revoke_user_sessions(uow.session, user.id, "deactivated", actor)
        record_action(uow.session, actor=actor.username, role=actor.role, action="user.deactivate",
                      subject=f"user:{user.id}")
        uow.commit()


def change_role(*, uow, actor: Actor, user_id: int, role: Role) -> None:
    """A new role takes effect at the next sign-in: open sessions (opened with the old role) are ended."""
    require_role(actor, (Role.ADMIN,))
    if role not in STAFF_ROLES:
        raise ValidationFailed({"role": ("validation.choice", {})})
    with uow:
        user = _target(uow, actor, user_id)
        if user.role == role:
            return
        before, user.role = user.role, role
        uow.session.add(user)
        revoke_user_sessions(uow.session, user.id, "role_changed", actor)
        record_action(uow.session, actor=actor.username, role=actor.role, action="user.role",
                      subject=f"user:{user.id}", details={"from": str(before), "to": str(role)})
        uow.commit()


def reset_password(*, uow, actor: Actor, user_id: int) -> str:
    """A new one-time password (returned once) and a fresh TOTP enrolment: for a forgotten password or a
    lost phone. Open sessions end."""
    require_role(actor, (Role.ADMIN,))
    password = _one_time_password()
    with uow:
        user = _target(uow, actor, user_id)
        user.password_hash, user.must_change_password = hash_password(password), True
        user.totp_secret = user.totp_last_step = None
        uow.session.add(user)
        revoke_user_sessions(uow.session, user.id, "password_reset", actor)
        record_action(uow.session, actor=actor.username, role=actor.role, action="user.password_reset",
                      subject=f"user:{user.id}")
        uow.commit()
    return password


def ensure_demo_users(*, uow) -> None:
    """Creates the demo accounts that are missing (idempotent); the demo supervisors and admin come
    enrolled in TOTP with the published demo secret."""
    with uow:
        existing = set(uow.session.exec(select(User.username)))
        for username, name, role, password in DEMO_USERS:
            if username not in existing:
                secret = totp.encrypt(DEMO_TOTP_SECRET) if role in (Role.SUPERVISOR, Role.ADMIN) else None
                uow.session.add(User(username=username, display_name=name, role=role,
                                     password_hash=hash_password(password), totp_secret=secret))
        uow.commit()
