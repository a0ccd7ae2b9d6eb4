import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.ro import cnp

from core import validation
from core.errors import ValidationFailed
from core.validation import FieldError


def test_a_valid_cnp_is_accepted_and_kept_as_digits():
    assert validation.person_id(" 1800101221144 ") == "1800101221144"


@pytest.mark.parametrize(("value", "key"), [
    ("1800101221145", "validation.cnp_checksum"),
    ("180010122114", "validation.cnp_length"),
    ("1801301221140", "validation.cnp_component"),
    ("", "validation.required"),
])
def test_an_invalid_cnp_says_what_is_wrong(value, key):
    with pytest.raises(FieldError) as err:
        validation.person_id(value)
    assert err.value.key == key


@given(st.dates(), st.integers(min_value=1, max_value=46), st.integers(min_value=1, max_value=999))
def test_every_cnp_with_a_computed_check_digit_is_accepted(birth, county, serial):
    century = {18: "3", 19: "1", 20: "5"}.get(birth.year // 100)
    if century is None:
        return
    first_twelve = f"{century}{birth:%y%m%d}{county:02d}{serial:03d}"
    number = first_twelve + cnp.calc_check_digit(first_twelve)
    assert validation.person_id(number) == number


def test_a_cui_is_accepted_with_or_without_the_ro_prefix():
    assert validation.company_id("RO18547290") == "18547290"
    assert validation.company_id("18547290") == "18547290"


def test_a_cui_with_a_wrong_check_digit_is_refused():
    with pytest.raises(FieldError, match="validation.cui_checksum"):
        validation.company_id("18547291")


def test_a_romanian_mobile_number_is_stored_in_e164():
    assert validation.phone("0722 111 222") == "+40722111222"


@pytest.mark.parametrize("value", ["123", "0722 11", "not a phone"])
def test_an_impossible_phone_number_is_refused(value):
    with pytest.raises(FieldError, match="validation.phone"):
        validation.phone(value)


def test_an_email_without_domain_is_refused():
    with pytest.raises(FieldError, match="validation.email"):
        validation.email("maria@")


@pytest.mark.parametrize(("rule", "good", "bad"), [
    (validation.pod, "ro005e512345678", "RO005512345678"),
    (validation.payment_code, "300 000 001", "30000001"),
    (validation.client_code, "c100000001", "C10000001"),
])
def test_codes_follow_the_formats_printed_on_invoices(rule, good, bad):
    assert rule(good) == good.upper().replace(" ", "")
    with pytest.raises(FieldError):
        rule(bad)


def test_a_negative_or_fractional_meter_index_is_refused():
    with pytest.raises(FieldError, match="validation.index_negative"):
        validation.meter_index("-5")
    with pytest.raises(FieldError, match="validation.index_integer"):
        validation.meter_index("12.5")


def test_collect_reports_every_invalid_field_at_once_in_romanian():
    with pytest.raises(ValidationFailed) as failed:
        validation.collect({"email": "x", "phone": "1"}, {"email": validation.email, "phone": validation.phone})
    assert failed.value.messages("ro") == {
        "email": "Adresa de e-mail nu este validă.",
        "phone": "Numărul de telefon nu este valid (ex. 0721 234 567).",
    }
    assert failed.value.messages("en")["email"] == "The e-mail address is not valid."
