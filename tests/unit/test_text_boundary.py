"""The one boundary for text and numbers (core.platform.validation): whatever it returns can be stored and read back
as typed, and whatever it cannot keep it refuses with a field message, never an exception of another kind."""

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.models import AuditEvent, Case, CaseComment, CaseDocument, Payment
from core.platform import validation
from core.platform.config import settings
from core.platform.validation import FieldError
from tests.hostile import OTHERS, hostile_texts, hostile_values

any_text = st.one_of(hostile_texts, st.text(st.characters(codec=None, exclude_categories=())))
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


@given(any_text, st.integers(min_value=1, max_value=300), st.booleans())
@example("Str. Lalelelor 5\x00, Iași", 300, False)
@example("Ion\u202eucsepoP", 200, False)
@example("\ud800", 200, True)
def test_clean_text_returns_storable_nfc_text_within_the_limit_or_refuses_it(value, limit, multiline):
    try:
        clean = validation.clean_text(value, max_length=limit, multiline=multiline)
    except FieldError as err:
        assert err.key.startswith(("bounds.", "validation.required"))
        return
    assert 0 < len(clean) <= limit
    assert clean == unicodedata.normalize("NFC", clean) == clean.strip()
    assert clean.encode("utf-8").decode("utf-8") == clean  # no lone surrogate: PostgreSQL and SQLite store it
    allowed = {"\n"} if multiline else set()
    assert not [c for c in clean if unicodedata.category(c) in REFUSED_CATEGORIES and c not in allowed]


@pytest.mark.parametrize(("value", "key"), [
    ("Str. X\x00 1", "bounds.control_characters"),
    ("a\x1fb", "bounds.control_characters"),
    ("Ion\u202ePopescu", "bounds.hidden_characters"),
    ("Ion\u2066Popescu\u2069", "bounds.hidden_characters"),
    ("Io\u200bn", "bounds.hidden_characters"),
    ("Nume \udfff", "bounds.invalid_characters"),
    ("\ue000", "bounds.invalid_characters"),
    ("   ", "validation.required"),
    ("x" * 201, "bounds.too_long"),
    (["a"], "bounds.not_text"),
])
def test_each_kind_of_unstorable_text_gets_its_own_message(value, key):
    with pytest.raises(FieldError) as err:
        validation.clean_text(value, max_length=200)
    assert err.value.key == key


def test_a_multi_line_text_keeps_only_line_breaks_and_a_single_line_one_keeps_none():
    typed = "  Prima  linie\r\na doua\tlinie \n\n"
    assert validation.clean_text(typed, max_length=100, multiline=True) == "Prima linie\na doua linie"
    assert validation.clean_text(typed, max_length=100) == "Prima linie a doua linie"


def test_decomposed_diacritics_are_stored_composed_and_counted_as_one_character():
    assert validation.clean_text("S\u0326tefa\u0306nescu", max_length=10) == "Ștefănescu"


def test_the_limits_come_from_the_columns_they_protect():
    assert validation.REASON_MAX == AuditEvent.__table__.c.reason.type.length
    assert validation.REVIEW_REASON_MAX == CaseDocument.__table__.c.review_reason.type.length
    assert validation.COMMENT_MAX == CaseComment.__table__.c.body.type.length
    assert validation.NAME_MAX == Case.__table__.c.applicant_name.type.length
    assert validation.AMOUNT_COLUMN_MAX == Decimal("999999999999.99")  # Numeric(14, 2)
    assert validation.REVERSAL_REASON_MAX == Payment.__table__.c.note.type.length


@given(hostile_values)
@example("1e28")
@example("1E+30")
@example(Decimal("NaN"))
@example("999999999999.995")
def test_an_amount_is_a_positive_decimal_of_bani_within_the_limit_or_a_field_message(value):
    try:
        amount = validation.amount(value)
    except FieldError as err:
        assert err.key.startswith(("validation.", "bounds."))
        return
    assert isinstance(amount, Decimal) and Decimal("0.01") <= amount <= validation.amount_limit()
    assert amount == amount.quantize(Decimal("0.01"))


@given(st.decimals(allow_nan=True, allow_infinity=True) | st.integers() | st.floats())
def test_any_number_a_caller_passes_as_an_amount_is_taken_or_refused_never_raises_otherwise(value):
    try:
        validation.amount(value)
    except FieldError:
        pass


def test_the_business_limit_on_amounts_is_a_setting_and_never_exceeds_the_column(monkeypatch):
    monkeypatch.setattr(settings, "max_payment_amount", Decimal("500.00"))
    assert validation.amount("500") == Decimal("500.00")
    with pytest.raises(FieldError, match="bounds.amount_too_large"):
        validation.amount("500.01")
    monkeypatch.setattr(settings, "max_payment_amount", Decimal("1e20"))
    assert validation.amount_limit() == validation.AMOUNT_COLUMN_MAX


@given(st.one_of(hostile_values, st.integers()))
@example("2147483648")
@example("١٢٣")
@example("1_000")
def test_a_meter_index_is_an_integer_the_columns_hold_or_a_field_message(value):
    try:
        index = validation.meter_index(value)
    except FieldError as err:
        assert err.key.startswith(("validation.", "bounds."))
        return
    assert isinstance(index, int) and 0 <= index <= validation.INTEGER_MAX


@pytest.mark.parametrize(("index", "refusal"), [(999, "low"), (1000, None), (1_001_000, None), (1_001_001, "high")])
def test_an_index_is_plausible_from_the_last_reading_up_to_the_maximum_consumption_since(index, refusal):
    assert settings.meter_max_kwh_since_reading == 1_000_000
    assert validation.index_refusal(index, 1000) == refusal


@given(hostile_values)
def test_an_address_bar_value_is_a_clean_id_or_text_or_nothing(value):
    number = validation.url_int(value)
    assert number is None or 0 <= number <= validation.INTEGER_MAX
    text = validation.text_or_none(value, 40)
    assert text is None or (0 < len(text) <= 40 and text == validation.clean_text(text, max_length=40))


@pytest.mark.parametrize("value", OTHERS)
def test_a_value_of_another_type_in_a_text_field_is_taken_as_text_or_refused_never_another_error(value):
    try:
        validation.required_text(value)
    except FieldError:
        pass
