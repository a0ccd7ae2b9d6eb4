"""Field validators for identifiers and contact data. Each returns the clean value or raises
FieldError with a catalog key, so every invalid field gets its own message."""

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidLength,
    ValidationError,
)
from stdnum.ro import cnp, cui

from core.config import settings
from core.errors import ValidationFailed


class FieldError(Exception):
    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(key)


def required_text(value: str | None, max_length: int = 200) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise FieldError("validation.required")
    if len(text) > max_length:
        raise FieldError("validation.too_long", max=max_length)
    return text


def _pattern(value: str | None, pattern: str, key: str) -> str:
    text = (value or "").strip().upper().replace(" ", "")
    if not text:
        raise FieldError("validation.required")
    if not re.fullmatch(pattern, text):
        raise FieldError(key)
    return text


def pod(value: str | None) -> str:
    return _pattern(value, settings.pod_pattern, "validation.pod")


def payment_code(value: str | None) -> str:
    return _pattern(value, settings.payment_code_pattern, "validation.payment_code")


def client_code(value: str | None) -> str:
    return _pattern(value, settings.client_code_pattern, "validation.client_code")


def person_id(value: str | None) -> str:
    """A CNP: 13 digits, valid birth date and county, correct check digit."""
    text = (value or "").strip()
    if not text:
        raise FieldError("validation.required")
    try:
        return cnp.validate(text)
    except InvalidChecksum:
        raise FieldError("validation.cnp_checksum") from None
    except InvalidLength:
        raise FieldError("validation.cnp_length") from None
    except InvalidComponent:
        raise FieldError("validation.cnp_component") from None
    except ValidationError:
        raise FieldError("validation.cnp_format") from None


def company_id(value: str | None) -> str:
    """A CUI/CIF, with or without the RO prefix; stored as digits."""
    text = (value or "").strip()
    if not text:
        raise FieldError("validation.required")
    try:
        return cui.validate(text)
    except InvalidChecksum:
        raise FieldError("validation.cui_checksum") from None
    except ValidationError:
        raise FieldError("validation.cui_format") from None


def email(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise FieldError("validation.required")
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise FieldError("validation.email") from None


def phone(value: str | None) -> str:
    """A Romanian or international number, stored as E.164."""
    text = (value or "").strip()
    if not text:
        raise FieldError("validation.required")
    try:
        number = phonenumbers.parse(text, "RO")
    except phonenumbers.NumberParseException:
        raise FieldError("validation.phone") from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError("validation.phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def meter_index(value: Any) -> int:
    if value is None or str(value).strip() == "":
        raise FieldError("validation.required")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise FieldError("validation.index_integer") from None
    if number < 0:
        raise FieldError("validation.index_negative")
    return number


def amount(value) -> Decimal:
    """A positive lei amount with at most 2 decimals ("12,50" and "12.50" both read as 12.50)."""
    text = str(value if value is not None else "").strip().replace(" ", "").replace(",", ".")
    if not text:
        raise FieldError("validation.required")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FieldError("validation.amount_format") from None
    if not number.is_finite():
        raise FieldError("validation.amount_format")
    if number <= 0:
        raise FieldError("validation.amount_positive")
    if number.as_tuple().exponent < -2:
        raise FieldError("validation.amount_decimals")
    return number.quantize(Decimal("0.01"))


def one_of(choices: tuple[str, ...]) -> Callable[[str | None], str]:
    def check(value: str | None) -> str:
        if value not in choices:
            raise FieldError("validation.choice")
        return value

    return check


def collect(raw: dict, rules: dict[str, Callable]) -> dict:
    """Runs every rule and raises once with all field errors, so the form shows them together."""
    clean, errors = {}, {}
    for field, rule in rules.items():
        try:
            clean[field] = rule(raw.get(field))
        except FieldError as err:
            errors[field] = (err.key, err.params)
    if errors:
        raise ValidationFailed(errors)
    return clean
