"""Personal data masking for roles that do not need to see it (analysts, admins, public pages)."""

import re
from collections.abc import Callable
from pathlib import PurePath

import phonenumbers
from stdnum.ro import cnp

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
# 13 digits, contiguous or in groups ("1800101 221144"), not part of a longer number; the checksum and the
# birth date (stdnum.ro.cnp) then tell a CNP from an ordinary 13-digit number
_CNP_CANDIDATE = re.compile(r"(?<!\d)(?<!\d[ .\-])\d(?:[ .\-]?\d){12}(?!\d|[ .\-]\d)")
_FEWEST_PHONE_DIGITS = 7  # shorter than any Romanian number: the phone matcher is skipped (it is the slow part)
_NAME_PART_LENGTH = 3  # name words this long or longer are masked alone too ("Popescu" in "Dl. Popescu a sunat")


def mask_file_name(value: str) -> str:
    """Scans are often named after the person ("Popescu Ion CNP 1800101221144.pdf"): keep the type."""
    return f"document{PurePath(value).suffix.lower()}"


def _mask_cnps(text: str) -> str:
    def masked(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group())
        return mask_national_id(digits) if cnp.is_valid(digits) else match.group()
    return _CNP_CANDIDATE.sub(masked, text)


def _mask_phones(text: str) -> str:
    """Every number phonenumbers finds valid for Romania: mobiles, landlines (021 312 34 56), +40 and 0040."""
    if sum(ch.isdigit() for ch in text) < _FEWEST_PHONE_DIGITS:
        return text
    found = [m for m in phonenumbers.PhoneNumberMatcher(text, "RO") if _written_as_a_phone(m)]
    for match in reversed(found):  # from the end, so earlier offsets stay right
        text = text[:match.start] + mask_phone(match.raw_string) + text[match.end:]
    return text


def _written_as_a_phone(match: phonenumbers.PhoneNumberMatch) -> bool:
    """The matcher also takes a 13-digit number such as 4000701010010 (not a valid CNP: an invoice or meter
    number) for 40 + 0701 010 010; a phone is its number behind a trunk 0, 40, +40, 0040 or +40 (0)."""
    digits = "".join(ch for ch in match.raw_string if ch.isdigit())
    number = f"{match.number.national_number}{match.number.extension or ''}"
    return digits in {prefix + number for prefix in ("0", "40", "0040", "400")}


def _mask_name(text: str, name: str) -> str:
    """The whole name, then each longer word of it, whatever the letter case."""
    parts = [name, *(word for word in name.split() if len(word) >= _NAME_PART_LENGTH)]
    for part in parts:
        text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", lambda m: mask_name(m.group()), text, flags=re.IGNORECASE)
    return text


def scrub(text: str, name: str | None = None) -> str:
    """Free text (a reason, a message) with its personal data masked: e-mail addresses, CNPs (checksum
    valid; invoice ids and other 13-digit numbers stay), phone numbers, and the given person's name.
    Company CUIs stay: they are public registry data, and a person's tax id is their CNP, masked above."""
    text = _EMAIL.sub(lambda m: mask_email(m.group()), text)
    text = _mask_cnps(text)
    text = _mask_phones(text)
    return _mask_name(text, name) if name and name.strip() else text


def free_text_for(role: Role) -> Callable[[str | None, str | None], str]:
    """Free text as the role may read it: as written for roles that see personal data, scrubbed for the
    others (`name` is the person the text is about: the case's applicant, the account holder)."""
    if sees_personal_data(role):
        return lambda text, _name=None: text or ""
    return lambda text, name=None: scrub(text, name) if text else ""


_LINK_TOKEN = re.compile(r"(token=)[A-Za-z0-9_\-]+")
_CODE = re.compile(r"(?<![\w\-.,])\d{6}(?![\w\-]|[.,]\d)")  # six digits alone, not part of a number


def hide_secrets(text: str, template: str) -> str:
    """Hides what would let a reader act as the customer: private link tokens, and the confirmation code
    in a delivery-consent message."""
    text = _LINK_TOKEN.sub(r"\1••••••", text)
    return _CODE.sub("••••••", text) if template.startswith("delivery.") else text


def mask_iban(value: str | None) -> str:
    """The country, check digits and last four characters, in groups of four ("RO49 **** **** **** **** 1234"):
    enough to tell two accounts apart on a call, not to pay into one."""
    if not value:
        return ""
    masked = mask_middle(value, 4, 4)
    return " ".join(masked[i:i + 4] for i in range(0, len(masked), 4))
