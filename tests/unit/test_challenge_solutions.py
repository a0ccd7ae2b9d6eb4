"""What a visitor's browser sends back as a solved challenge is untrusted text: anything that is not a solution
of a challenge we issued, for this service, at least this hard and still valid, is refused quietly (None),
never an exception the page would show."""

import base64
import json
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.models import clock_at, utcnow
from core.online import challenges
from core.platform.config import settings as config

EASY = 500  # quick to solve, so property tests can solve many
ISSUED = utcnow()
SOLVED = challenges.solve(challenges.issue("pay", EASY))
FIELDS = json.loads(base64.b64decode(SOLVED))

nasty_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=3000) | st.sampled_from(
    ["", "\x00", "\ud800", "\u202e" + SOLVED, SOLVED + "\n", SOLVED[:-4], "=" * 40, "A" * 5000])


@pytest.fixture(autouse=True, scope="module")
def _clock_stays_at_issue():
    """SOLVED was issued when the module was imported; a long test run must not let it expire under the
    tests that count on it being valid in every other respect."""
    with clock_at(ISSUED + timedelta(seconds=1)):
        yield


def encoded(payload) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def test_a_genuine_solution_is_accepted_and_identified_by_its_signature():
    spent = challenges.signature_hash(SOLVED, "pay", EASY)
    assert spent is not None and len(spent) == 64 and FIELDS["signature"] not in spent


@given(nasty_text)
@settings(max_examples=300)
def test_arbitrary_text_control_characters_surrogates_and_bidi_overrides_are_refused(text):
    assert challenges.signature_hash(text, "pay", EASY) is None


@given(st.sampled_from(sorted(FIELDS)), st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80)
       | st.lists(st.integers(), max_size=3) | st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
def test_any_field_changed_or_of_the_wrong_type_is_refused(field, value):
    tampered = {**FIELDS, field: value}
    if tampered[field] == FIELDS[field] and type(tampered[field]) is type(FIELDS[field]):
        tampered[field] = FIELDS[field] + (1 if field == "number" else "0")
    assert challenges.signature_hash(encoded(tampered), "pay", EASY) is None


@given(st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, unique=True))
def test_a_payload_missing_fields_or_not_an_object_is_refused(missing):
    assert challenges.signature_hash(encoded({k: v for k, v in FIELDS.items() if k not in missing}), "pay",
                                     EASY) is None
    assert challenges.signature_hash(encoded(list(FIELDS.values())), "pay", EASY) is None


@given(st.integers(min_value=EASY + 1, max_value=10**30))
def test_a_solution_to_an_easier_challenge_does_not_pass_for_a_harder_one(harder):
    assert challenges.signature_hash(SOLVED, "pay", harder) is None


def test_a_solution_is_bound_to_its_service_and_to_its_time():
    assert challenges.signature_hash(SOLVED, "invoice_copy", EASY) is None
    with clock_at(utcnow() + timedelta(minutes=config.lookup_challenge_minutes + 1)):
        assert challenges.signature_hash(SOLVED, "pay", EASY) is None
