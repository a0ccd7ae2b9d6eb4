"""The sign-in page: one neutral message for any failure, a lockout after repeated failures, the TOTP
step for supervisors, and a server-side session that survives a reload and ends on sign-out."""

from datetime import timedelta

from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from core.models import Role, StaffSession, utcnow
from core.platform.config import settings
from core.platform.i18n import t
from core.services.users import DEMO_TOTP_SECRET, invite_user
from core.staff import totp
from tests.factories import ADMIN
from tests.ui.conftest import APP, texts

SIGN_IN = "pages/sign_in.py"
HANDOFF = "signin_handoff"


def sign_in(at, username, password):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def reload(open_app, browser, at):
    """What the hand-over component does: trade the one-time code for the cookie, then reload the page."""
    browser.redeem(at.session_state[HANDOFF])
    return open_app()


def test_a_wrong_password_shows_the_neutral_error_and_no_menu(open_app):
    at = sign_in(open_app(page=SIGN_IN), "clerk", "not-the-password")
    assert [e.value for e in at.error] == ["Utilizator sau parolă greșite."]
    assert "actor" not in at.session_state and HANDOFF not in at.session_state
    assert not at.page_link  # no sign-out, no pages


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(open_app):
    at = sign_in(open_app(page=SIGN_IN), "nobody", "whatever-it-is")
    assert [e.value for e in at.error] == ["Utilizator sau parolă greșite."]


def test_a_clerk_who_signs_in_lands_on_the_work_queue_with_name_and_role_in_the_sidebar(open_app, browser):
    at = sign_in(open_app(page=SIGN_IN), "clerk", "clerk-demo")
    assert browser.cookie is None  # the page hands a one-time code to the browser, never the session token
    at = reload(open_app, browser, at)
    assert at.title[0].value == "Coada de lucru"
    assert "Ana Popa" in texts(at.sidebar) and "Operator" in texts(at.sidebar)


def test_a_reload_or_a_new_tab_keeps_the_session(open_app):
    open_app("clerk")
    again = open_app()  # a new browser session with the same cookie
    assert again.title[0].value == "Coada de lucru"


def test_twenty_wrong_passwords_lock_the_username_and_then_the_right_one_is_refused(open_app):
    at = open_app(page=SIGN_IN)
    for _ in range(settings.signin_lock_after):
        sign_in(at, "clerk", "not-the-password")
    sign_in(at, "clerk", "clerk-demo")
    assert [e.value for e in at.error] == [t("access.locked", minutes=settings.signin_window_minutes)]
    assert HANDOFF not in at.session_state


def test_a_supervisor_types_the_totp_code_before_the_session_opens(open_app, browser):
    at = sign_in(open_app(page=SIGN_IN), "supervisor", "supervisor-demo")
    assert HANDOFF not in at.session_state
    assert at.text_input[0].label == t("access.totp_code")
    at.text_input[0].input("000000")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [t("access.totp_wrong")]
    at.text_input[0].input(totp.current_code(DEMO_TOTP_SECRET, utcnow()))
    at.button[0].click().run()
    assert reload(open_app, browser, at).title[0].value == "Coada de lucru"


def test_an_open_tab_is_signed_out_after_the_idle_timeout(open_app, uow):
    at = open_app("clerk")
    with uow() as work:  # the last click was longer ago than the idle timeout
        work.session.execute(update(StaffSession).values(
            last_seen_at=utcnow() - timedelta(minutes=settings.session_idle_minutes + 1)))
        work.commit()
    at.run()
    assert at.title[0].value == "Ghiseu · back-office"
    assert [w.value for w in at.warning] == [t("access.ended.idle")]


def test_signing_out_ends_the_session_on_the_server(open_app):
    at = open_app("clerk")
    assert at.page_link[0].label == "Ieșire"
    at.switch_page("pages/sign_out.py").run()  # where the link leads
    assert "actor" not in at.session_state
    assert open_app().title[0].value == "Ghiseu · back-office"  # the same cookie opens nothing any more


def test_the_language_toggle_switches_the_interface_to_english(open_app):
    at = open_app(page=SIGN_IN)
    at.sidebar.segmented_control[0].set_value("en").run()
    assert at.title[0].value == "Ghiseu · back office"
    assert at.button[0].label == "Sign in"


def test_a_new_supervisor_changes_the_one_time_password_then_enrols_totp_from_the_qr_code(open_app, browser, uow):
    _, one_time = invite_user(uow=uow(), actor=ADMIN, username="sorin", display_name="Sorin Lazăr",
                              role=Role.SUPERVISOR)
    at = sign_in(open_app(page=SIGN_IN), "sorin", one_time)
    at.text_input[0].input("parola mea nouă")
    at.text_input[1].input("parola mea nouă")
    at.button[0].click().run()
    assert not at.error and at.text_input[0].label == t("access.totp_code")
    secret = at.code[0].value
    at.text_input[0].input(totp.current_code(secret, utcnow()))
    at.button[0].click().run()
    assert reload(open_app, browser, at).title[0].value == "Coada de lucru"


def test_with_an_identity_provider_its_email_opens_the_matching_staff_account(open_app, browser, uow):
    invite_user(uow=uow(), actor=ADMIN, username="ioana", display_name="Ioana Marin", role=Role.ANALYST,
                email="ioana.marin@furnizor.ro")
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.user = {"is_logged_in": True, "email": "ioana.marin@furnizor.ro"}
    at.run()
    at.switch_page(SIGN_IN).run()
    assert not at.text_input  # no password form
    assert reload(open_app, browser, at).title[0].value == "Coada de lucru"


def test_an_identity_unknown_to_us_is_refused_on_the_sign_in_page(open_app):
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.user = {"is_logged_in": True, "email": "stranger@example.com"}
    at.run()
    at.switch_page(SIGN_IN).run()
    assert [e.value for e in at.error] == [t("access.oidc_unknown")]
    assert HANDOFF not in at.session_state
