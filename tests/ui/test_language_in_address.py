"""The chosen language travels with the address: a reload (a new session) and a shared link keep it."""

from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP


def test_choosing_english_writes_it_into_the_address_and_a_new_session_opened_there_reads_english(open_app):
    at = open_app()
    assert at.query_params["lang"] == "ro"
    at.segmented_control(key="language").set_value("en").run()
    assert at.title[0].value == "Online services" and at.query_params["lang"] == "en"
    at.switch_page("pages/pay.py").run()  # another page: the language stays in its address too
    assert at.query_params["lang"] == "en"

    reloaded = AppTest.from_file(APP, default_timeout=30)
    reloaded.query_params["lang"] = "en"
    reloaded.run()
    assert reloaded.title[0].value == "Online services"
