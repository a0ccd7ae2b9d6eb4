"""Sign-in: the step the user is at (password or identity provider, a new password, the TOTP code),
then the hand-over that sets the session cookie; one neutral message for a wrong user or password."""

import streamlit as st

from core.platform.i18n import t
from ui import context, signin_steps, staff_session

_, middle, _ = st.columns([1, 2, 1])
with middle:
    st.title(t("ui.signin.title"), anchor=False)
    st.caption(t("ui.signin.subtitle"))
    if (ended := st.session_state.get(context.SESSION_ENDED)) not in (None, "signed_out"):
        st.warning(t(f"access.ended.{ended}"), icon=":material/timer_off:")
    step = signin_steps.pending()
    if code := signin_steps.handoff():
        signin_steps.open_session(code)
    elif step is not None:
        if step.next_step() == "change_password":
            signin_steps.change_password_form(step)
        else:
            signin_steps.totp_form(step)
        st.button(t("access.start_over"), on_click=signin_steps.start_over)
    elif staff_session.identity_provider_configured():
        signin_steps.identity_provider()
    else:
        signin_steps.password_form()
    signin_steps.demo_accounts()
