"""The account a refund is paid into: a Romanian IBAN (checked with stdnum.iban: country, length, check
digits), kept normalised, and the account holder's name as the bank order carries it."""

from typing import Any

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from core.models.refunds import HOLDER_NAME_MAX, IBAN_LENGTH
from core.platform.validation import FieldError, clean_text

_TYPED_MAX = 40  # 24 characters with spaces between groups of four, and some slack; longer is refused unread


def romanian_iban(value: Any) -> str:
    """The IBAN without spaces, upper case; refused with the reason a customer can act on."""
    text = clean_text(value, max_length=_TYPED_MAX).replace(" ", "").replace("-", "").upper()
    if not text.isascii() or not text.isalnum():
        raise FieldError("refund.iban_characters")
    if not text.startswith("RO"):
        raise FieldError("refund.iban_country")
    if len(text) != IBAN_LENGTH:
        raise FieldError("refund.iban_length", length=IBAN_LENGTH)
    try:
        return stdnum_iban.validate(text)
    except ValidationError:
        raise FieldError("refund.iban_checksum") from None


def holder_name(value: Any) -> str:
    """The name the account is held in: clean text with at least one letter, within what the order carries."""
    text = clean_text(value, max_length=HOLDER_NAME_MAX)
    if not any(char.isalpha() for char in text):
        raise FieldError("refund.holder_letters")
    return text
