"""A visitor without an account lands on the online services and can reach each of them; the back
office stays behind the sign-in form."""

import pytest

from tests.ui.conftest import texts

SERVICES = ["Plata facturii", "Copia facturii", "Schimbarea titularului", "Contractare online",
            "Factura prin e-mail sau SMS"]


def test_a_visitor_lands_on_the_online_services_with_a_link_to_each(open_app):
    at = open_app()
    assert at.title[0].value == "Servicii online"
    assert [s.value for s in at.subheader] == SERVICES
    assert [link.label for link in at.page_link] == ["Deschide"] * len(SERVICES)
    assert "codul de plată" in texts(at, "info").lower()


@pytest.mark.parametrize("back_office", ["queue", "case_detail", "ledger", "dashboard", "reports", "outbox"])
def test_no_back_office_page_is_registered_for_a_visitor(open_app, back_office):
    at = open_app()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"pages/{back_office}.py")


def test_after_signing_out_the_desk_shows_the_sign_in_form_not_the_public_home(open_app):
    at = open_app("clerk")
    at.switch_page("pages/sign_out.py").run()  # the browser then clears the cookie and opens the sign-in form
    assert at.info[0].value == "Se închide sesiunea…"
    assert open_app().title[0].value == "Ghiseu · back-office"  # the desk's next page load
