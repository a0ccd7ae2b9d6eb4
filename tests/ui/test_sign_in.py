"""The sign-in page: one neutral message for any failure, the role's pages once signed in."""

from tests.ui.conftest import texts

SIGN_IN = "pages/sign_in.py"


def sign_in(at, username, password):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def test_a_wrong_password_shows_the_neutral_error_and_no_menu(open_app):
    at = sign_in(open_app(page=SIGN_IN), "clerk", "not-the-password")
    assert [e.value for e in at.error] == ["Utilizator sau parolă greșite."]
    assert "actor" not in at.session_state
    assert not at.page_link  # no sign-out, no pages


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(open_app):
    at = sign_in(open_app(page=SIGN_IN), "nobody", "whatever-it-is")
    assert [e.value for e in at.error] == ["Utilizator sau parolă greșite."]


def test_a_clerk_who_signs_in_lands_on_the_work_queue_with_name_and_role_in_the_sidebar(open_app):
    at = sign_in(open_app(page=SIGN_IN), "clerk", "clerk-demo")
    assert at.title[0].value == "Coada de lucru"
    assert "Ana Popa" in texts(at.sidebar) and "Operator" in texts(at.sidebar)


def test_signing_out_returns_to_the_sign_in_form(open_app):
    at = open_app("clerk")
    assert at.page_link[0].label == "Ieșire"
    at.switch_page("pages/sign_out.py").run()  # where the link leads
    assert "actor" not in at.session_state
    assert at.title[0].value == "Ghiseu · back-office"


def test_the_language_toggle_switches_the_interface_to_english(open_app):
    at = open_app(page=SIGN_IN)
    at.sidebar.segmented_control[0].set_value("en").run()
    assert at.title[0].value == "Ghiseu · back office"
    assert at.button[0].label == "Sign in"
