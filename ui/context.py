"""Who is signed in for this browser (a server-side staff session, found through its cookie on every
run), the unit of work pages hand to services, and the session keys shared between pages (page-only keys
carry their page's prefix)."""

import streamlit as st

from core.models import Role
from core.platform.config import settings
from core.platform.db import UnitOfWork
from core.platform.i18n import LANGUAGES, set_language
from core.staff import staff_sessions
from core.staff.auth import Actor
from ui import bootstrap, staff_session

ACTOR = "actor"  # core.staff.auth.Actor of the signed-in user
CASE_ID = "case_id"  # the case the detail page shows
LANGUAGE = "language"
STAFF_DESK = "staff_desk"  # someone signed out in this browser: show the sign-in form first
SESSION_ENDED = "access_session_ended"  # why this browser's session ended (shown once on the sign-in form)
# roles that work cases; the others read the queue and cases without acting on them
WORKERS = frozenset({Role.CLERK, Role.SUPERVISOR})


def uow() -> UnitOfWork:
    return UnitOfWork(bootstrap.engine())


def session_token() -> str | None:
    return staff_sessions.token_from_cookie(staff_session.session_cookie())


def current_actor() -> Actor | None:
    """The signed-in user, from the session the cookie names, checked on every run: a session that
    expired, sat idle, or whose user was deactivated or given another role signs this tab out now."""
    token = session_token()
    resumed = staff_sessions.resume_session(uow=uow(), token=token) if token else staff_sessions.Resumed(None)
    if resumed.actor is None:
        if ACTOR in st.session_state or (resumed.ended and st.session_state.get(SESSION_ENDED) is None):
            sign_out()
            st.session_state[SESSION_ENDED] = resumed.ended or "revoked"
        return None
    st.session_state[ACTOR] = resumed.actor
    return resumed.actor


def actor() -> Actor:
    """The signed-in user; app.py only routes signed-in users to pages that call this."""
    signed_in = st.session_state.get(ACTOR)  # app.py re-read it from the database this run
    if signed_in is None:
        # Only on a server's very first run, when it opens a page address directly: Streamlit then runs
        # the page file alone (its legacy pages/ folder mode) until app.py has called st.navigation once.
        st.switch_page("app.py")
    return signed_in


def is_worker(who: Actor) -> bool:
    return who.role in WORKERS


def sign_out() -> None:
    """Forgets everything but the language, so the next user starts clean (on the sign-in form)."""
    language = st.session_state.get(LANGUAGE)
    st.session_state.clear()
    st.session_state[STAFF_DESK] = True
    if language:
        st.session_state[LANGUAGE] = language


def at_staff_desk() -> bool:
    return st.session_state.get(STAFF_DESK, False)


def apply_language() -> str:
    """Sets the catalog language for this run from the session (the sidebar toggle writes it); a link
    back from outside (the card processor, an e-mail) names it with ?lang= for the new session it opens."""
    if (asked := st.query_params.get("lang")) in LANGUAGES and LANGUAGE not in st.session_state:
        st.session_state[LANGUAGE] = asked
    language = st.session_state.setdefault(LANGUAGE, settings.language)
    if language not in LANGUAGES:
        language = st.session_state[LANGUAGE] = settings.language
    set_language(language)
    keep_language_in_address()
    return language


def keep_language_in_address() -> None:
    """Writes ?lang= into the address (a reload opens a new session, which reads it back). Called again
    after the page ran: a page that rewrites its own parameters (the queue's filters) drops it."""
    language = st.session_state.get(LANGUAGE, settings.language)
    if st.query_params.get("lang") != language:
        st.query_params["lang"] = language


def open_case(case_id: int) -> None:
    """Shows the case on the detail page, with its number in the URL so the link can be shared."""
    st.session_state[CASE_ID] = case_id
    st.switch_page("pages/case_detail.py", query_params={"case": str(case_id)})
