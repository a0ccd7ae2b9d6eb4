"""What a visitor sees while the browser solves a lookup's challenge: a countdown in their language (from the
worst-case solving time, so it never runs out early by much) and the lookup's button greyed out, so nobody
clicks again or wonders whether anything happens."""

import math
import time

import streamlit as st

from core.platform.i18n import t, t_plural

SOLVED_PER_SECOND = 750_000  # chromium's solver on a busy two-core machine (README "Public lookups": 4M in 2.7 s mean)
ROUND_TRIP_SECONDS = 1  # the solution back to the server and the lookup sent again


def _since_key(prefix: str) -> str:
    return f"{prefix}_challenge_since"


def waiting(prefix: str) -> bool:
    """Whether this page's lookup is waiting for its challenge: the button that sends it is then disabled."""
    return f"{prefix}_challenge" in st.session_state


def started(prefix: str) -> None:
    st.session_state[_since_key(prefix)] = time.monotonic()


def seconds_left(challenge: dict, since: float, now: float) -> int:
    """Whole seconds left of the worst case: every number up to maxNumber tried, then the round trip."""
    worst = challenge["maxNumber"] / SOLVED_PER_SECOND + ROUND_TRIP_SECONDS
    return max(0, math.ceil(worst - (now - since)))


@st.fragment(run_every=1)
def countdown(prefix: str, challenge: dict) -> None:
    """Redrawn every second until the solution arrives (the full rerun then drops it)."""
    since = st.session_state.setdefault(_since_key(prefix), time.monotonic())
    left = seconds_left(challenge, since, time.monotonic())
    st.info(t_plural("ui.waiting.countdown", left) if left else t("ui.waiting.almost"), icon=":material/timer:")
