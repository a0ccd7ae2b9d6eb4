import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.ro import cnp

from core.models import clock_at
from core.platform import validation
from core.platform.errors import ValidationFailed
from core.platform.validation import FieldError


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


TODAY = date(2026, 12, 2)  # "today" for every CNP check below, pinned through the clock
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
FIRST_DIGITS = {18: "34", 19: "12", 20: "56"}  # man, woman per century of birth
COUNTIES = [f"{n:02d}" for n in (*range(1, 49), 51, 52, 70, 80, 81, 82, 83)]
births = st.one_of(st.sampled_from([date(1800, 1, 1), date(1899, 12, 31), date(1900, 1, 1), date(2000, 2, 29), TODAY]),
                   st.dates(date(1800, 1, 1), TODAY))
future_births = st.one_of(st.just(TODAY + timedelta(days=1)), st.dates(TODAY + timedelta(days=1), date(2099, 12, 31)))
counties = st.sampled_from(COUNTIES)
serials = st.integers(min_value=0, max_value=999)
sexes = st.integers(min_value=0, max_value=1)


def with_check_digit(first_twelve: str) -> str:
    return first_twelve + cnp.calc_check_digit(first_twelve)


def cnp_of(born: date, county: str, serial: int, sex: int) -> str:
    return with_check_digit(f"{FIRST_DIGITS[born.year // 100][sex]}{born:%y%m%d}{county}{serial:03d}")


@st.composite
def impossible_dates(draw) -> str:
    """YYMMDD that is no calendar day: month 00 or above 12, or a day 00 or past the month's end."""
    year = draw(st.integers(min_value=0, max_value=99))
    if draw(st.booleans()):
        return f"{year:02d}{draw(st.sampled_from([0, 13, 99]) | st.integers(13, 99)):02d}{draw(st.integers(0, 99)):02d}"
    month = draw(st.integers(min_value=1, max_value=12))
    last = calendar.monthrange(1900 + year, month)[1]
    return f"{year:02d}{month:02d}{draw(st.just(0) | st.integers(last + 1, 99)):02d}"


def refusal(number: str) -> FieldError:
    with clock_at(NOW), pytest.raises(FieldError) as err:
        validation.person_id(number)
    return err.value


@given(births, counties, serials, sexes)
def test_every_cnp_with_a_past_birth_date_a_county_and_its_check_digit_is_accepted(born, county, serial, sex):
    number = cnp_of(born, county, serial, sex)
    with clock_at(NOW):
        assert validation.person_id(number) == number


@given(births, counties, serials, sexes, st.integers(min_value=1, max_value=9))
def test_every_cnp_with_another_check_digit_is_refused_for_it(born, county, serial, sex, shift):
    number = cnp_of(born, county, serial, sex)
    assert refusal(f"{number[:-1]}{(int(number[-1]) + shift) % 10}").key == "validation.cnp_checksum"


@given(future_births, counties, serials, sexes)
def test_every_cnp_born_after_today_is_refused_with_its_birth_date(born, county, serial, sex):
    error = refusal(cnp_of(born, county, serial, sex))
    assert (error.key, error.params) == ("validation.cnp_future", {"born": f"{born:%d.%m.%Y}"})


@given(st.sampled_from("123456"), impossible_dates(), counties, serials)
def test_every_cnp_with_an_impossible_birth_date_is_refused(first, yymmdd, county, serial):
    assert refusal(with_check_digit(f"{first}{yymmdd}{county}{serial:03d}")).key == "validation.cnp_component"


@given(births, st.sampled_from([f"{n:02d}" for n in range(100) if f"{n:02d}" not in COUNTIES]), serials, sexes)
def test_every_cnp_with_an_unknown_county_is_refused(born, county, serial, sex):
    assert refusal(cnp_of(born, county, serial, sex)).key == "validation.cnp_component"


@given(births, counties, serials, sexes, st.integers(1, 12) | st.integers(14, 26))
def test_every_cnp_of_another_length_is_refused_for_its_length(born, county, serial, sex, length):
    number = cnp_of(born, county, serial, sex)
    assert refusal((number * 2)[:length]).key == "validation.cnp_length"


def test_a_cnp_born_in_2090_is_refused_saying_the_birth_date_is_in_the_future():
    with clock_at(NOW), pytest.raises(ValidationFailed) as failed:
        validation.collect({"national_id": "5900101400011"}, {"national_id": validation.person_id})
    assert failed.value.messages("ro") == {
        "national_id": "CNP-ul indică data nașterii 01.01.2090, care este în viitor; verificați cifrele."}
    assert failed.value.messages("en") == {
        "national_id": "The CNP gives 01.01.2090 as the birth date, which is in the future; check the digits."}


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


@pytest.mark.parametrize("number", ["0722 111 222", "+40 771 234 567", "+44 7911 123456"])
def test_a_mobile_number_can_receive_the_invoice_sms(number):
    assert validation.mobile_phone(number) == validation.phone(number)


@pytest.mark.parametrize("number", ["021 315 0000", "0264 123 456", "0371 234 567", "0800 800 800", "0900 123 456"])
def test_a_landline_or_special_number_cannot_receive_the_invoice_sms(number):
    validation.phone(number)  # a valid number, only not a mobile one
    with pytest.raises(FieldError) as err:
        validation.mobile_phone(number)
    assert err.value.key == "validation.phone_not_mobile"


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
