"""The public holder-change form shows a refused value's message under its own field: a NUL pasted into the
address, an index the meter cannot show (one neutral message, the last reading never told)."""

import pytest

from core.models import Case
from core.online import access
from tests.factories import count, make_account
from tests.ui.conftest import message_under
from tests.ui.test_holder_change_online import FORM, fill


@pytest.fixture(autouse=True)
def _visitor(monkeypatch):
    monkeypatch.setattr("ui.public.visitor", lambda: access.client("203.0.113.19", "bounds-form-session"))


def test_a_nul_in_the_address_is_explained_under_the_address_field_and_nothing_is_saved(uow, open_app):
    at = fill(open_app(page=FORM), make_account(uow), pod="", address="Str. Lalelelor 5\x00, Iași")
    assert message_under(at, "holder_online_address") == (
        "Textul conține caractere de control (de exemplu un caracter nul). Rescrieți-l fără ele.")
    assert count(uow, Case) == 0


def test_a_handover_index_of_two_billion_is_explained_under_the_index_field_and_nothing_is_saved(uow, open_app):
    at = fill(open_app(page=FORM), make_account(uow), handover_index="2000000000")
    assert message_under(at, "holder_online_handover_index") == (
        "Verificați indexul: nu se potrivește cu contorul acestui loc de consum. Citiți din nou cifrele de pe contor.")
    assert "1000" not in message_under(at, "holder_online_handover_index")  # the meter's last reading
    assert count(uow, Case) == 0
