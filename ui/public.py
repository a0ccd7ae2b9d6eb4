"""What the public pages share: the visitor as the lookup limits count them, and the one way a page sends a
lookup: when the service asks for a challenge, the page solves it in the browser (ui.proof_of_work) and then
sends the same lookup again by itself, so the visitor submits once."""

import uuid
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core.online import access
from ui import lookup_wait, proof_of_work
from ui.widgets import attempt

T = TypeVar("T")
_VISITOR = "public_visitor_id"


def visitor() -> access.Client:
    """This browser session and its client address."""
    session_id = st.session_state.setdefault(_VISITOR, uuid.uuid4().hex)
    return access.client(access.client_address(st.context.headers, st.context.ip_address), session_id)


def lookup(prefix: str, submitted: bool, call: Callable[[str | None], T], where=st,
           field_errors: dict | None = None) -> T | None:
    """Runs `call(solution)` when the visitor submitted, or when the challenge it was asked for has just been
    solved; a refusal shows in `where` (or fills `field_errors`) as with ui.widgets.attempt. While a challenge
    is being solved the page waits for it (a submit meanwhile is sent with the solution). Call it after the
    form: the solver is a component with a callback, which a form may not hold."""
    pending = f"{prefix}_challenge"
    solution = None
    if pending in st.session_state:
        lookup_wait.countdown(prefix, st.session_state[pending])
        solution = proof_of_work.solution(st.session_state[pending], key=f"{prefix}_solver")
        if solution is None:
            return None
    elif not submitted:
        return None

    def send() -> T | access.ChallengeRequired:
        try:
            return call(solution)
        except access.ChallengeRequired as needed:
            return needed

    result = attempt(send, where=where, field_errors=field_errors)
    if isinstance(result, access.ChallengeRequired):
        st.session_state[pending] = result.challenge
        lookup_wait.started(prefix)
        st.rerun()  # the solver shows on the next run
    st.session_state.pop(pending, None)
    st.session_state.pop(f"{pending}_since", None)
    return result
