"""The refund request on the public invoice copy page: a closed contract left with credit shows the amount
and takes an IBAN and the account holder's name; a bad IBAN is told under its field and nothing is
registered; a request in progress replaces the form."""

import pytest

from core.models import Case, Refund
from core.online import access
from tests.factories import OLD_HOLDER_CNP, count, make_account
from tests.refund_factories import handed_over_with_credit
from tests.ui.conftest import texts

PAGE = "pages/invoice_copy.py"


@pytest.fixture(autouse=True)
def _visitor(monkeypatch):
    monkeypatch.setattr("ui.public.visitor", lambda: access.client("203.0.113.9", "refund-request-session"))


def look_up(at, payment_code: str):
    at.text_input(key="invoice_copy_payment_code").input(payment_code)
    at.text_input(key="invoice_copy_national_id").input(OLD_HOLDER_CNP)
    next(b for b in at.button if b.label == "Caută").click().run()
    assert not at.exception, at.exception
    return at


def send(at, iban: str, holder: str = "Popescu Ion"):
    at.text_input(key="invoice_copy_refund_iban").input(iban)
    at.text_input(key="invoice_copy_refund_holder_name").input(holder)
    next(b for b in at.button if b.label == "Cere restituirea").click().run()
    assert not at.exception, at.exception
    return at


def test_the_old_holder_sees_the_credit_and_asks_for_it_with_an_iban(uow, open_app):
    contract = handed_over_with_credit(uow)
    at = look_up(open_app(page=PAGE), contract.payment_code)
    assert "Aveți un credit de 89,54 lei" in texts(at, "subheader")
    at = send(at, "RO49 AAAA 1B31 0075 9384 0000")
    assert "Am înregistrat cererea de restituire RST-" in texts(at, "success")
    assert "este în lucru" in texts(at, "info")
    assert not any(b.label == "Cere restituirea" for b in at.button)
    assert count(uow, Case, Case.case_type == "refund", Case.channel == "online") == 1


def test_a_foreign_iban_is_refused_under_its_field_and_nothing_is_registered(uow, open_app):
    contract = handed_over_with_credit(uow)
    at = send(look_up(open_app(page=PAGE), contract.payment_code), "DE89 3704 0044 0532 0130 00",
              holder="<b>Popescu</b>")
    assert "IBAN-ul începe cu RO" in texts(at, "error")
    assert count(uow, Refund) == 0


def test_an_active_contract_offers_no_refund(uow, open_app):
    contract = make_account(uow)
    at = look_up(open_app(page=PAGE), contract.payment_code)
    assert "Aveți un credit" not in texts(at, "subheader") and not any(b.label == "Cere restituirea" for b in at.button)
