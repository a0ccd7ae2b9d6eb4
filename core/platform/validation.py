"""The one boundary for values entering the system, and the field validators built on it. Every text from a
form, an address or a notification passes `clean_text` (NFC, no control, hidden or invalid characters,
trimmed, within its column); numbers are checked as text before any int() or Decimal() could raise or
produce something the database cannot hold. Each rule returns the clean value or raises FieldError with a
catalog key, so every invalid field gets its own message."""

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import InstrumentedAttribute
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidLength,
    ValidationError,
)
from stdnum.ro import cnp, cui

from core.models import AuditEvent, CaseComment, CaseDocument, ConsumptionPlace, Customer, Payment, utcnow
from core.platform.config import settings
from core.platform.errors import ValidationFailed
from core.platform.search import fold
from core.platform.workdays import local_time

# every meter index column (last_index, start_index, invoice indexes, kWh) is an INTEGER: 32 bits on PostgreSQL
INTEGER_MAX = 2**31 - 1
# what a typed number may look like before it is converted: ASCII digits only (int() would also take "١٢",
# "1_000" and 5,000-digit strings), at most one decimal separator
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?", re.ASCII)
_NUMBER_TEXT_MAX = 40  # longer is never a number we take, and is refused before any regular expression runs
_LINE_SPACE = "\t\n\r"  # the only control characters a field may carry (as spacing; a multi-line one keeps \n)
# bidi embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069) are format characters (Cf), like
# zero-width spaces and joiners: all refused, they hide or reorder what a reviewer reads
_REFUSED = {"Cc": "bounds.control_characters", "Cf": "bounds.hidden_characters",
            "Cs": "bounds.invalid_characters", "Co": "bounds.invalid_characters", "Cn": "bounds.invalid_characters"}


class FieldError(Exception):
    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(key)


def length_of(column: InstrumentedAttribute) -> int:
    """The length of a VARCHAR column, so a check cannot drift from the column it protects."""
    return column.property.columns[0].type.length


NAME_MAX = min(length_of(Customer.name), length_of(Customer.search_name))  # the case's columns are the same size
ADDRESS_MAX = min(length_of(ConsumptionPlace.address), length_of(Customer.correspondence_address))
REASON_MAX = length_of(AuditEvent.reason)  # also a credit note's reason (the same size)
REVIEW_REASON_MAX = length_of(CaseDocument.review_reason)
REVERSAL_REASON_MAX = length_of(Payment.note)
COMMENT_MAX = length_of(CaseComment.body)
FILE_NAME_MAX = length_of(CaseDocument.file_name)
SEARCH_MAX = length_of(Customer.search_name)
EMAIL_MAX = length_of(Customer.email)
DESCRIPTION_MAX = 1000  # a dispute's description (kept in the case's data): what a reason may hold
_AMOUNT_COLUMN = Payment.__table__.c.amount.type  # every money column is the same Numeric(14, 2)
AMOUNT_COLUMN_MAX = Decimal(10) ** (_AMOUNT_COLUMN.precision - _AMOUNT_COLUMN.scale) - Decimal("0.01")


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    raise FieldError("bounds.not_text")


def clean_text(value: Any, *, max_length: int, multiline: bool = False, required: bool = True) -> str:
    """The one normaliser: refuses control characters (a multi-line text keeps line breaks as \\n), lone
    surrogates, private-use and unassigned code points, bidi overrides/isolates and other hidden format
    characters; then NFC, runs of spaces collapsed, trimmed, and at most `max_length` characters (the
    limit is in the message). Checked before collapsing, which would otherwise swallow \\x1c-\\x1f."""
    text = _as_text(value)
    if len(text) > 4 * max_length + 64:  # far beyond the limit: refused unscanned
        raise FieldError("bounds.too_long", max=max_length)
    for char in text:
        if char not in _LINE_SPACE and (key := _REFUSED.get(unicodedata.category(char))):
            raise FieldError(key)
    text = unicodedata.normalize("NFC", text)
    if multiline:
        lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        text = "\n".join(lines).strip("\n")
    else:
        text = " ".join(text.split())
    if not text and required:
        raise FieldError("validation.required")
    if len(text) > max_length:
        raise FieldError("bounds.too_long", max=max_length)
    return text


def text_rule(max_length: int, *, multiline: bool = False, required: bool = True) -> Callable[[Any], str]:
    """A `collect` rule for a free-text field of `max_length` characters."""
    return lambda value: clean_text(value, max_length=max_length, multiline=multiline, required=required)


def required_text(value: str | None, max_length: int = NAME_MAX) -> str:
    return clean_text(value, max_length=max_length)


def name(value: str | None, max_length: int = NAME_MAX) -> str:
    """A person's or company's name; its search form (casefolded, decomposed) must fit its column too."""
    text = clean_text(value, max_length=max_length)
    if len(fold(text)) > max_length:
        raise FieldError("bounds.too_long", max=max_length)
    return text


def address(value: str | None) -> str:
    return clean_text(value, max_length=ADDRESS_MAX)


def blank(value: Any) -> bool:
    """Nothing typed: None, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def optional(rule: Callable[[Any], Any], empty: Any = None) -> Callable[[Any], Any]:
    """`rule` for a field that may be left empty (`empty` then)."""
    return lambda value: empty if blank(value) else rule(value)


def optional_text(value: Any, max_length: int, multiline: bool = False) -> str | None:
    """A free text that may be left empty (None then)."""
    return clean_text(value, max_length=max_length, multiline=multiline, required=False) or None


def text_or_none(value: Any, max_length: int) -> str | None:
    """A value from the address bar: the clean text, or None for anything malformed (never an error page)."""
    try:
        return clean_text(value, max_length=max_length, required=False) or None
    except FieldError:
        return None


def url_int(value: Any, maximum: int = INTEGER_MAX) -> int | None:
    """A whole number from the address bar (an id, a count of days): ASCII digits within `maximum`, else None."""
    text = value if isinstance(value, str) else ""
    if len(text) > _NUMBER_TEXT_MAX or not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= maximum else None


def _pattern(value: str | None, pattern: str, key: str) -> str:
    try:
        text = clean_text(value, max_length=_NUMBER_TEXT_MAX).upper().replace(" ", "")
    except FieldError as err:
        raise FieldError(key if err.key == "bounds.too_long" else err.key) from None
    if not re.fullmatch(pattern, text, re.ASCII):
        raise FieldError(key)
    return text


def pod(value: str | None) -> str:
    return _pattern(value, settings.pod_pattern, "validation.pod")


def payment_code(value: str | None) -> str:
    return _pattern(value, settings.payment_code_pattern, "validation.payment_code")


def client_code(value: str | None) -> str:
    return _pattern(value, settings.client_code_pattern, "validation.client_code")


def person_id(value: str | None) -> str:
    """A CNP: 13 digits, a birth date that is a calendar day not after today, a county, the check digit."""
    text = _identifier(value)
    try:
        number = cnp.validate(text)
    except InvalidChecksum:
        raise FieldError("validation.cnp_checksum") from None
    except InvalidLength:
        raise FieldError("validation.cnp_length") from None
    except InvalidComponent:
        raise FieldError("validation.cnp_component") from None
    except ValidationError:
        raise FieldError("validation.cnp_format") from None
    born = cnp.get_birth_date(number)
    if born > local_time(utcnow()).date():
        raise FieldError("validation.cnp_future", born=born.strftime("%d.%m.%Y"))
    return number


def company_id(value: str | None) -> str:
    """A CUI/CIF, with or without the RO prefix; stored as digits."""
    text = _identifier(value)
    try:
        return cui.validate(text)
    except InvalidChecksum:
        raise FieldError("validation.cui_checksum") from None
    except ValidationError:
        raise FieldError("validation.cui_format") from None


def _identifier(value: str | None) -> str:
    """A short code typed by hand: clean text; stdnum then reads only ASCII digits (re.ASCII-free checks
    would take other scripts' digits)."""
    text = clean_text(value, max_length=_NUMBER_TEXT_MAX)
    if not text.isascii():
        raise FieldError("bounds.invalid_characters")
    return text


def email(value: str | None) -> str:
    text = clean_text(value, max_length=EMAIL_MAX)
    try:
        normalized = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise FieldError("validation.email") from None
    if len(normalized) > EMAIL_MAX:
        raise FieldError("bounds.too_long", max=EMAIL_MAX)
    return normalized


def phone(value: str | None) -> str:
    """A Romanian or international number, stored as E.164."""
    text = clean_text(value, max_length=_NUMBER_TEXT_MAX)
    try:
        number = phonenumbers.parse(text, "RO")
    except phonenumbers.NumberParseException:
        raise FieldError("validation.phone") from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError("validation.phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Numbers an SMS reaches. FIXED_LINE_OR_MOBILE is what the numbering plan says when it cannot tell the two
# apart: never for Romania (07 is mobile, 02/03 fixed), always for the US and Canada, whose mobiles it would
# otherwise refuse; the confirmation code sent by SMS then proves that the number receives messages.
_SMS_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def mobile_phone(value: str | None) -> str:
    """A number that can receive the invoice SMS: a valid one (phone) that is a mobile, not a landline,
    a toll-free, premium or shared-cost number."""
    e164 = phone(value)
    if phonenumbers.number_type(phonenumbers.parse(e164)) not in _SMS_TYPES:
        raise FieldError("validation.phone_not_mobile")
    return e164


def meter_index(value: Any) -> int:
    """A meter index as typed: a whole number of ASCII digits that the INTEGER columns hold. Whether it is
    plausible for a given meter is `index_refusal`'s question."""
    if isinstance(value, bool):
        raise FieldError("validation.index_integer")
    text = str(value).strip() if isinstance(value, str | int) else ""
    if not text and value in (None, ""):
        raise FieldError("validation.required")
    if len(text) > _NUMBER_TEXT_MAX:
        raise FieldError("bounds.index_too_large", max=INTEGER_MAX)
    if text.startswith("-") and _DIGITS.fullmatch(text[1:]):
        raise FieldError("validation.index_negative")
    if not _DIGITS.fullmatch(text):
        raise FieldError("validation.index_integer")
    number = int(text)
    if number > INTEGER_MAX:
        raise FieldError("bounds.index_too_large", max=INTEGER_MAX)
    return number


def index_refusal(index: int, last_index: int) -> str | None:
    """Whether `index` can be this meter's reading: "low" below its last read index, "high" above it by more
    than `meter_max_kwh_since_reading`, else None."""
    if index < last_index:
        return "low"
    if index - last_index > settings.meter_max_kwh_since_reading:
        return "high"
    return None


def amount_limit() -> Decimal:
    """The largest amount taken: what the business allows, never more than the money columns hold."""
    return min(settings.max_payment_amount, AMOUNT_COLUMN_MAX)


def amount(value: Any) -> Decimal:
    """A positive lei amount with at most 2 decimals ("12,50" and "12.50" both read as 12.50), within
    `amount_limit()`. Read as text first: no exponent ("1E+30"), NaN or Infinity reaches Decimal, and
    nothing Decimal could not quantize (1e28)."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal | float | None):
        raise FieldError("validation.amount_format")
    text = str(value if value is not None else "").strip().replace(" ", "").replace(",", ".")
    if not text:
        raise FieldError("validation.required")
    found = _DECIMAL.fullmatch(text) if len(text) <= _NUMBER_TEXT_MAX else None
    if found is None:
        raise FieldError("validation.amount_format")
    sign, whole, decimals = found.groups()
    if sign or not (whole.strip("0") or (decimals or "").strip("0")):
        raise FieldError("validation.amount_positive")
    if len(decimals or "") > 2:
        raise FieldError("validation.amount_decimals")
    limit = amount_limit()
    if len(whole.lstrip("0")) > len(str(int(limit))) or Decimal(text) > limit:
        raise FieldError("bounds.amount_too_large", max=f"{limit:,.2f}".replace(",", " ").replace(".", ","))
    return Decimal(text).quantize(Decimal("0.01"))


def one_of(choices: tuple[str, ...]) -> Callable[[str | None], str]:
    def check(value: str | None) -> str:
        if not isinstance(value, str) or value not in choices:
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
