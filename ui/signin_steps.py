"""The forms of the staff sign-in, one per step (password, a new password after a one-time one, TOTP
enrolment or code, the identity provider), and the hand-over that turns a finished sign-in into the
session cookie. Each form calls one core.staff.signin service; the page only picks the step."""

import streamlit as st

from core.models import utcnow
from core.platform.config import settings
from core.platform.i18n import t
from core.services.users import DEMO_TOTP_SECRET, DEMO_USERS
from core.staff import signin, totp
from ui import context, public, staff_session
from ui.widgets import attempt, show_field_errors

PENDING = "signin_pending"  # core.staff.signin.Pending once the password is right
TOTP_SECRET = "signin_totp_secret"  # the secret being enrolled (kept only once a code from it works)
HANDOFF = "signin_handoff"  # the one-time code the browser trades for the session cookie


def pending() -> signin.Pending | None:
    return st.session_state.get(PENDING)


def handoff() -> str | None:
    return st.session_state.get(HANDOFF)


def _advance(step: signin.Pending | None) -> None:
    """Keeps the next step, or opens the session once none is left."""
    if step is None:
        return
    if step.next_step() == "done":
        code = attempt(lambda: signin.finish_sign_in(uow=context.uow(), pending=step))
        st.session_state.pop(PENDING, None)
        if code:
            st.session_state[HANDOFF] = code
    else:
        st.session_state[PENDING] = step
    st.rerun()


def start_over() -> None:
    for key in (PENDING, TOTP_SECRET, HANDOFF):
        st.session_state.pop(key, None)


def password_form() -> None:
    with st.form("signin_form", border=True):
        username = st.text_input(t("ui.signin.username"), autocomplete="username", max_chars=64)
        password = st.text_input(t("ui.signin.password"), type="password", autocomplete="current-password",
                                 max_chars=256)
        submitted = st.form_submit_button(t("ui.signin.submit"), type="primary", icon=":material/login:",
                                          width="stretch")
    if submitted:
        _advance(attempt(lambda: signin.check_password(uow=context.uow(), username=username, password=password,
                                                       client_key=public.visitor().client_key)))


def change_password_form(step: signin.Pending) -> None:
    st.info(t("access.change_password_hint"), icon=":material/key:")
    errors: dict[str, str] = {}
    with st.form("signin_change_password", border=True):
        new = st.text_input(t("access.new_password"), type="password", autocomplete="new-password", max_chars=256)
        show_field_errors(errors, "new_password")
        repeated = st.text_input(t("access.repeat_password"), type="password", autocomplete="new-password",
                                 max_chars=256)
        submitted = st.form_submit_button(t("access.save_password"), type="primary", width="stretch")
    if submitted:
        _advance(attempt(lambda: signin.change_password(uow=context.uow(), pending=step, new_password=new,
                                                        repeated=repeated), field_errors=errors))
        for message in errors.values():
            st.error(message, icon=":material/error:")


def totp_form(step: signin.Pending) -> None:
    enrolling = step.next_step() == "enrol_totp"
    if enrolling:
        secret = st.session_state.setdefault(TOTP_SECRET, totp.new_secret())
        st.info(t("access.totp_enrol_hint"), icon=":material/qr_code_2:")
        st.image(totp.qr_svg(totp.provisioning_uri(secret, step.username)), width=220)
        st.caption(t("access.totp_secret_text"))
        st.code(secret, language=None)
    with st.form("signin_totp", border=True):
        code = st.text_input(t("access.totp_code"), autocomplete="one-time-code", max_chars=6)
        submitted = st.form_submit_button(t("access.totp_submit"), type="primary", width="stretch")
    if submitted:
        uow = context.uow()
        _advance(attempt(lambda: signin.enrol_totp(uow=uow, pending=step, secret=st.session_state[TOTP_SECRET],
                                                   code=code) if enrolling
                         else signin.verify_totp(uow=uow, pending=step, code=code)))


def identity_provider() -> None:
    """st.login (OIDC) instead of the password: the provider's e-mail names the staff account."""
    if not st.user.get("is_logged_in"):
        st.button(t("access.oidc_sign_in"), type="primary", icon=":material/badge:", on_click=st.login,
                  width="stretch")
        return
    step = attempt(lambda: signin.identity_sign_in(uow=context.uow(), email=st.user.get("email"),
                                                   client_key=public.visitor().client_key))
    if step is None:
        st.button(t("access.oidc_other_account"), on_click=st.logout)
        return
    _advance(step)


def open_session(code: str) -> None:
    st.info(t("access.opening_session"), icon=":material/hourglass_top:")
    staff_session.hand_over(code)


def demo_accounts() -> None:
    if not settings.seed_on_first_start:  # demo installations only; production refuses this setting
        return
    with st.expander(t("ui.signin.demo_accounts"), icon=":material/info:"):
        st.caption(t("ui.signin.demo_hint"))
        st.table({t("ui.signin.username"): [u[0] for u in DEMO_USERS],
                  t("ui.signin.role"): [t(f"ui.role.{u[2]}") for u in DEMO_USERS],
                  t("ui.signin.password"): [u[3] for u in DEMO_USERS]})
        st.caption(t("access.demo_totp", secret=DEMO_TOTP_SECRET,
                     code=totp.current_code(DEMO_TOTP_SECRET, utcnow())))
