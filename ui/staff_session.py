"""The browser side of a staff session: the cookie as this run sees it (one small function, which
AppTest patches: it cannot set cookies), and the component that posts the one-time handoff code (or the
sign-out) to our routes, which set or clear the HttpOnly cookie, then reloads the page."""

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from core.staff.session_routes import SESSION_PATH, SIGN_OUT_PATH
from core.staff.staff_sessions import COOKIE

# Posts {"code": ...} (or nothing, for sign-out) as same-origin JSON, then reloads the same address
# (a deep link stays where it was) or opens `then`. A token never appears in a URL or in the page.
_JS = """
const posted = new Set();  // a rerun may mount the component again: post each code once
export default function({ data }) {
  if (!data || posted.has(data.nonce)) return;
  posted.add(data.nonce);
  fetch(data.url, {method: "POST", credentials: "same-origin", cache: "no-store",
                   headers: {"Content-Type": "application/json"}, body: JSON.stringify(data.body)})
    .finally(() => { if (data.then) window.location.assign(data.then); else window.location.reload(); });
}
"""
_poster = st.components.v2.component("ghiseu_staff_session", js=_JS)


def session_cookie() -> str | None:
    """The signed session cookie the browser sent when this tab connected."""
    return st.context.cookies.get(COOKIE)


def hand_over(code: str) -> None:
    """Lets the browser trade the handoff code for the session cookie; the page reloads signed in."""
    _poster(data={"url": SESSION_PATH, "body": {"code": code}, "nonce": code[:12]}, key="staff_session_handoff",
            height=0)


def clear_cookie(nonce: str) -> None:
    """Sign-out in the browser: the route revokes and clears the cookie, then the sign-in form opens."""
    _poster(data={"url": SIGN_OUT_PATH, "body": {}, "nonce": nonce, "then": "/sign_in"},
            key="staff_session_sign_out", height=0)


def identity_provider_configured() -> bool:
    """An OIDC provider in the [auth] secrets: st.login replaces the password form."""
    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return False
