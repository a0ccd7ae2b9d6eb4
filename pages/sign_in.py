"""Sign-in: username and password checked by core.auth; one neutral message for any failure."""

import streamlit as st

from core.auth import authenticate
from core.config import settings
from core.i18n import t
from core.services.users import DEMO_USERS
from ui import context
from ui.widgets import attempt

_, middle, _ = st.columns([1, 2, 1])
with middle:
    st.title(t("ui.signin.title"), anchor=False)
    st.caption(t("ui.signin.subtitle"))
    with st.form("signin_form", border=True):
        username = st.text_input(t("ui.signin.username"), autocomplete="username")
        password = st.text_input(t("ui.signin.password"), type="password", autocomplete="current-password")
        submitted = st.form_submit_button(t("ui.signin.submit"), type="primary", icon=":material/login:",
                                          width="stretch")
    if submitted:
        actor = attempt(lambda: authenticate(uow=context.uow(), username=username, password=password))
        if actor:
            context.sign_in(actor)
            st.rerun()  # the router now offers the role's pages (and the deep-linked one, if any)

    if settings.seed_on_first_start:  # demo installations only; production refuses this setting
        with st.expander(t("ui.signin.demo_accounts"), icon=":material/info:"):
            st.caption(t("ui.signin.demo_hint"))
            st.table({t("ui.signin.username"): [u[0] for u in DEMO_USERS],
                      t("ui.signin.role"): [t(f"ui.role.{u[2]}") for u in DEMO_USERS],
                      t("ui.signin.password"): [u[3] for u in DEMO_USERS]})
