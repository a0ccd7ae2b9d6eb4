"""Personal data masking for roles that do not need to see it (analysts, admins, public pages)."""

from core.models import Role

ROLES_SEEING_PERSONAL_DATA = frozenset({Role.CLERK, Role.SUPERVISOR})


def sees_personal_data(role: Role) -> bool:
    return role in ROLES_SEEING_PERSONAL_DATA


def mask_middle(value: str | None, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end:]


def mask_email(value: str | None) -> str:
    if not value or "@" not in value:
        return mask_middle(value, 1, 0)
    local, domain = value.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_national_id(value: str | None) -> str:
    return mask_middle(value, 1, 3)


def mask_phone(value: str | None) -> str:
    return mask_middle(value, 4, 3)


def mask_name(value: str | None) -> str:
    """Initials only ("Ionescu Maria" -> "I. M."): enough to tell cases apart, not to identify."""
    return " ".join(f"{word[0]}." for word in (value or "").split())


def mask_address(value: str | None) -> str:
    """The locality only ("Str. Lalelelor 5, Iași" -> "***, Iași"): enough for reports by region."""
    if not value:
        return ""
    street, _, locality = value.rpartition(",")
    return f"***, {locality.strip()}" if street else "***"
