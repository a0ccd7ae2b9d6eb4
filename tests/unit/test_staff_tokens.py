"""Cookies and TOTP codes against hostile input: nothing but a cookie we signed names a token, and only
six ASCII digits of the right step are a code (control characters, lone surrogates, bidi overrides,
huge values and look-alike digits included)."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from core.staff import staff_sessions, totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MOMENT = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
hostile = st.text(st.characters(codec=None, categories=None), max_size=200) | st.sampled_from(
    ["\u202e123456", "１２３４５６", "12345\x00", "\ud800" * 6, "9" * 10_000, "", " 12 34 56 "])


@given(hostile)
def test_only_a_cookie_we_signed_names_a_token(value):
    assert staff_sessions.token_from_cookie(value) is None
    signed = staff_sessions.cookie_value("token")
    assert staff_sessions.token_from_cookie(signed) == "token"
    if value:  # anything added to a signed cookie breaks its signature
        assert staff_sessions.token_from_cookie(signed + value) is None


@given(hostile)
def test_anything_but_the_current_six_digits_is_not_a_code(value):
    accepted = {totp.current_code(SECRET, datetime.fromtimestamp(MOMENT.timestamp() + d, UTC)) for d in (-30, 0, 30)}
    step = totp.matching_step(SECRET, value, MOMENT)
    assert step is None or value.strip().replace(" ", "") in accepted
    assert totp.matching_step(SECRET, totp.current_code(SECRET, MOMENT), MOMENT) == int(MOMENT.timestamp()) // 30


@given(st.integers(min_value=2, max_value=10_000))
def test_a_code_from_two_or_more_steps_away_is_refused(steps_away):
    later = datetime.fromtimestamp(MOMENT.timestamp() + 30 * steps_away, UTC)
    # it can only match by coincidence, as a code of a step near `later`, never as its own old step
    assert totp.matching_step(SECRET, totp.current_code(SECRET, MOMENT), later) != int(MOMENT.timestamp()) // 30
