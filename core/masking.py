"""Personal data masking for roles that do not need to see it (analysts, admins, public pages)."""

import re
from pathlib import PurePath

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


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+40|\b0)7\d{8}\b")


def mask_file_name(value: str) -> str:
    """Scans are often named after the person ("Popescu Ion CNP 1800101221144.pdf"): keep the type."""
    return f"document{PurePath(value).suffix.lower()}"


def scrub(text: str, name: str | None = None) -> str:
    """Masks e-mail addresses, Romanian mobile numbers and the given person's name inside free text."""
    text = _EMAIL.sub(lambda m: mask_email(m.group()), text)
    text = _PHONE.sub(lambda m: mask_phone(m.group()), text)
    return text.replace(name, mask_name(name)) if name else text


_LINK_TOKEN = re.compile(r"(token=)[A-Za-z0-9_\-]+")
_CODE = re.compile(r"(?<![\w\-.,])\d{6}(?![\w\-]|[.,]\d)")  # six digits alone, not part of a number


def hide_secrets(text: str, template: str) -> str:
    """Hides what would let a reader act as the customer: private link tokens, and the confirmation code
    in a delivery-consent message."""
    text = _LINK_TOKEN.sub(r"\1••••••", text)
    return _CODE.sub("••••••", text) if template.startswith("delivery.") else text
