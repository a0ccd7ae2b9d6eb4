"""The countdown a visitor reads while the browser solves a challenge: the worst case, whole seconds, never
negative, never longer than the worst case, going down as time passes."""

from hypothesis import given
from hypothesis import strategies as st

from ui.lookup_wait import ROUND_TRIP_SECONDS, SOLVED_PER_SECOND, seconds_left


def test_the_hardest_challenge_counts_down_from_its_worst_case():
    challenge = {"maxNumber": 4_000_000}
    worst = 4_000_000 / SOLVED_PER_SECOND + ROUND_TRIP_SECONDS
    assert seconds_left(challenge, since=100.0, now=100.0) == -(-worst // 1)
    assert seconds_left(challenge, since=0.0, now=worst) == 0
    assert seconds_left(challenge, since=100.0, now=1e9) == 0


@given(st.integers(min_value=0, max_value=10**9), st.floats(min_value=0, max_value=1e6),
       st.floats(min_value=0, max_value=1e6))
def test_the_countdown_never_goes_up_nor_below_zero(max_number, elapsed, more):
    challenge = {"maxNumber": max_number}
    first = seconds_left(challenge, since=0.0, now=elapsed)
    later = seconds_left(challenge, since=0.0, now=elapsed + more)
    assert 0 <= later <= first
