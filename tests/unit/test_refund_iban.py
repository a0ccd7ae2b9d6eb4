"""The refund IBAN at the boundary: a Romanian IBAN typed any usual way is kept in one normal form, any other
is refused with its reason, and roles that do not handle it see it masked."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban

from core.accounts.iban import holder_name, romanian_iban
from core.platform.validation import FieldError
from core.staff.masking import mask_iban

ALNUM = string.ascii_uppercase + string.digits


@st.composite
def romanian_ibans(draw) -> str:
    """Any well-formed Romanian IBAN: 4 letters of the bank, 16 characters of the account, right check digits."""
    bank = draw(st.text(string.ascii_uppercase, min_size=4, max_size=4))
    account = draw(st.text(ALNUM, min_size=16, max_size=16))
    return f"RO{stdnum_iban.calc_check_digits(f'RO00{bank}{account}')}{bank}{account}"


def typed(value: str, spaces: bool, lower: bool) -> str:
    grouped = " ".join(value[i:i + 4] for i in range(0, len(value), 4)) if spaces else value
    return grouped.lower() if lower else grouped


@given(romanian_ibans(), st.booleans(), st.booleans())
def test_a_valid_romanian_iban_is_kept_without_spaces_in_upper_case(value, spaces, lower):
    assert romanian_iban(typed(value, spaces, lower)) == value


@given(romanian_ibans(), st.integers(min_value=2, max_value=23), st.integers(min_value=1, max_value=25))
def test_mistyping_one_digit_for_a_digit_or_one_letter_for_a_letter_is_caught(value, position, offset):
    """The mod-97 check catches every such substitution (a letter typed for a digit shifts the number's
    length, which it may miss)."""
    kind = string.digits if value[position].isdigit() else string.ascii_uppercase
    typo = kind[(kind.index(value[position]) + 1 + offset % (len(kind) - 1)) % len(kind)]
    changed = value[:position] + typo + value[position + 1:]
    with pytest.raises(FieldError) as refused:
        romanian_iban(changed)
    assert refused.value.key == "refund.iban_checksum"


@pytest.mark.parametrize(("value", "key"), [
    ("DE89370400440532013000", "refund.iban_country"),
    ("RO49AAAA1B3100759384000", "refund.iban_length"),
    ("RO49AAAA1B310075938400000", "refund.iban_length"),
    ("RO49AAAA1B31007593840001", "refund.iban_checksum"),
    ("RO49.AAAA.1B31.0075.9384.0000", "refund.iban_characters"),
    ("RO49ĂAAA1B31007593840000", "refund.iban_characters"),
    ("", "validation.required"),
    ("R" * 500, "bounds.too_long"),
])
def test_an_iban_that_cannot_receive_a_romanian_refund_is_refused_with_its_reason(value, key):
    with pytest.raises(FieldError) as refused:
        romanian_iban(value)
    assert refused.value.key == key


@given(romanian_ibans())
def test_the_masked_iban_shows_only_the_country_check_digits_and_last_four(value):
    masked = mask_iban(value)
    assert masked == f"{value[:4]} **** **** **** **** {value[-4:]}"
    assert value[4:20] not in masked.replace(" ", "")


def test_the_account_holder_needs_a_letter_and_fits_the_payment_order():
    assert holder_name("  Ștefănescu   Ioana ") == "Ștefănescu Ioana"
    for value, key in (("1234", "refund.holder_letters"), ("A" * 71, "bounds.too_long"), ("", "validation.required")):
        with pytest.raises(FieldError) as refused:
            holder_name(value)
        assert refused.value.key == key


PRODUCTION = dict(environment="production", secret_key="s" * 32, processor_secret="p" * 32,
                  payment_processor="netopia", seed_on_first_start=False,
                  database_url="postgresql+psycopg://ghiseu@db/ghiseu")


def test_production_refuses_the_demo_supplier_account_for_payment_orders():
    from core.platform.config import Settings

    with pytest.raises(ValueError, match="SUPPLIER_IBAN"):
        Settings(**PRODUCTION)
    assert Settings(**PRODUCTION, supplier_iban="RO49AAAA1B31007593840000").supplier_iban == "RO49AAAA1B31007593840000"
