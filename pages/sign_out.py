"""Ieșire: ends the session on the server at once, forgets this tab's state, then lets the browser clear
the cookie and open the sign-in form at its own address (the next person at this desk does not start on
the previous user's case)."""

import uuid

import streamlit as st

from core.platform.i18n import t
from core.staff import staff_sessions
from ui import context, staff_session

if token := context.session_token():
    staff_sessions.end_session(uow=context.uow(), token=token)
context.sign_out()
st.info(t("access.signing_out"), icon=":material/logout:")
if st.user.get("is_logged_in"):  # signed in through the identity provider: leave it too (a new page load)
    st.logout()
else:
    staff_session.clear_cookie(uuid.uuid4().hex)
