"""Utilizatori (admin): every staff account, a new one with a one-time password, and for one chosen
user: role, deactivation, password reset and the sessions open in their browsers (each can be closed)."""

import streamlit as st

from core.models import STAFF_ROLES
from core.platform.i18n import t
from core.services import users
from core.staff import staff_sessions
from ui import context
from ui.widgets import attempt, flash, local, show_flash

REVEAL = "users_reveal"  # (message, one-time password): shown once, on the run after the action

actor = context.actor()
st.title(t("access.users.title"), anchor=False)
st.caption(t("access.users.caption"))
show_flash()
if reveal := st.session_state.pop(REVEAL, None):
    st.success(reveal[0], icon=":material/key:")
    st.code(reveal[1], language=None)


def done(message: str, password: str | None = None) -> None:
    if password:
        st.session_state[REVEAL] = (message, password)
    else:
        flash(message)
    st.rerun()


accounts = users.list_users(uow=context.uow(), actor=actor)
yes, no = t("access.users.yes"), t("access.users.no")
st.dataframe({t("access.users.username"): [u.username for u in accounts],
              t("access.users.display_name"): [u.display_name for u in accounts],
              t("access.users.role"): [t(f"ui.role.{u.role}") for u in accounts],
              t("access.users.active"): [yes if u.active else no for u in accounts],
              t("access.users.email"): [u.email or "" for u in accounts]}, hide_index=True)

with st.expander(t("access.users.create"), icon=":material/person_add:"):
    with st.form("users_create", border=False):
        username = st.text_input(t("access.users.username"), key="users_new_username", max_chars=64)
        name = st.text_input(t("access.users.display_name"), key="users_new_name", max_chars=120)
        email = st.text_input(t("access.users.email"), key="users_new_email", max_chars=254)
        role = st.radio(t("access.users.role"), STAFF_ROLES, key="users_new_role", horizontal=True,
                        format_func=lambda r: t(f"ui.role.{r}"))
        if st.form_submit_button(t("access.users.create"), type="primary"):
            created = attempt(lambda: users.invite_user(uow=context.uow(), actor=actor, username=username,
                                                        display_name=name, role=role, email=email))
            if created:
                done(t("access.users.created", username=created[0].username), created[1])

others = [u for u in accounts if u.id != actor.user_id]
chosen = st.selectbox(t("access.users.pick"), others, key="users_pick", index=None,
                      placeholder=t("access.users.pick_placeholder"),
                      format_func=lambda u: f"{u.username} · {u.display_name}")
if chosen is None:
    st.stop()

left, middle, right = st.columns(3)
with left:
    new_role = st.selectbox(t("access.users.role"), STAFF_ROLES, index=STAFF_ROLES.index(chosen.role),
                            key="users_role", format_func=lambda r: t(f"ui.role.{r}"))
    if st.button(t("access.users.change_role"), key="users_change_role") and attempt(
            lambda: users.change_role(uow=context.uow(), actor=actor, user_id=chosen.id, role=new_role)) is None:
        done(t("access.users.role_changed", username=chosen.username, role=t(f"ui.role.{new_role}")))
with middle:
    if chosen.active and st.button(t("access.users.deactivate"), key="users_deactivate", type="primary"):
        if attempt(lambda: users.deactivate_user(uow=context.uow(), actor=actor, user_id=chosen.id)) is None:
            done(t("access.users.deactivated", username=chosen.username))
with right:
    if st.button(t("access.users.reset"), key="users_reset"):
        password = attempt(lambda: users.reset_password(uow=context.uow(), actor=actor, user_id=chosen.id))
        if password:
            done(t("access.users.reset_done", username=chosen.username), password)

st.subheader(t("access.users.sessions"), anchor=False)
sessions = staff_sessions.live_sessions(uow=context.uow(), actor=actor, user_id=chosen.id)
if not sessions:
    st.caption(t("access.users.no_sessions"))
for session in sessions:
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        st.text(f"{t('access.users.session_started')}: {local(session.created_at)} · "
                f"{t('access.users.session_seen')}: {local(session.last_seen_at)} · "
                f"{t('access.users.session_browser')}: {session.user_agent[:80]}")
        if st.button(t("access.users.revoke"), key=f"users_revoke_{session.id}"):
            staff_sessions.revoke_session(uow=context.uow(), actor=actor, session_id=session.id)
            done(t("access.users.revoked"))
