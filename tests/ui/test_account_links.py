"""From the account page into a holder change or a dispute with the account filled in; the address that
carries it is typed by anyone, so a wrong or hostile one fills nothing."""

import pytest

from tests.ui.conftest import texts
from tests.ui.test_ledger import billed_account

NEW = "pages/new_request.py"
DISPUTE = "pages/new_dispute.py"
LEDGER = "pages/ledger.py"
HOSTILE = ["\x00", "\u202e1", "<script>alert(1)</script>", "'; DROP TABLE payment; --", "1" * 5000, "١٢٣",
           "{id}{id}"]


def open_linked(open_app, page: str, **params):
    at = open_app("clerk")
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_the_account_page_links_to_both_forms_naming_its_contract_and_place(uow, open_app):
    contract = billed_account(uow)
    at = open_linked(open_app, LEDGER, contract=str(contract.id))
    links = {link.label: link for link in at.get("page_link")}
    assert set(links) >= {"Începe o schimbare de titular", "Contestație nouă"}
    for label in ("Începe o schimbare de titular", "Contestație nouă"):
        assert links[label].proto.query_string == f"contract={contract.id}&place=RO005E512345678"


def test_an_analyst_gets_no_link_to_forms_they_may_not_use(uow, open_app):
    contract = billed_account(uow)
    at = open_app("analyst")
    at.query_params["contract"] = str(contract.id)
    at.switch_page(LEDGER).run()
    assert "Începe o schimbare de titular" not in [link.label for link in at.get("page_link")]


def test_the_holder_change_opens_with_the_place_and_the_codes_filled_in(uow, open_app):
    contract = billed_account(uow)
    at = open_linked(open_app, NEW, contract=str(contract.id), place="RO005E512345678")
    assert at.text_input(key="intake_pod").value == "RO005E512345678"
    assert at.text_input(key="intake_payment_code").value == contract.payment_code
    assert at.text_input(key="intake_client_code").value == contract.client_code
    assert contract.number in texts(at, "info")
    at.text_input(key="intake_pod").input("RO005E512345679")  # the clerk's own change, sent, stays
    next(b for b in at.button if b.label == "Înregistrează cererea").click().run()
    assert at.text_input(key="intake_pod").value == "RO005E512345679"


def test_the_dispute_opens_on_the_contracts_newest_invoice(uow, open_app):
    contract = billed_account(uow)
    at = open_linked(open_app, DISPUTE, contract=str(contract.id), place="RO005E512345678")
    assert contract.number in at.selectbox[0].label
    assert "89,54 lei" in at.selectbox[0].format_func(at.selectbox[0].value)
    assert contract.payment_code in texts(at)  # the invoice card of the chosen invoice
    assert any(b.label == "Înregistrează contestația" for b in at.button)


@pytest.mark.parametrize("contract, place", [
    ("999999", "RO005E512345678"),  # no such contract
    ("{id}", "RO005E512345679"),  # another place than the contract's
    ("{id}", "RO005E51234567"),  # malformed POD
    ("-1", "RO005E512345678"), ("1e3", "RO005E512345678"), ("{id}", ""),
    *[("{id}", text) for text in HOSTILE], *[(text, "RO005E512345678") for text in HOSTILE],
])
def test_a_wrong_or_hostile_link_fills_nothing_and_says_so(uow, open_app, contract, place):
    account = billed_account(uow)
    at = open_linked(open_app, NEW, contract=contract.format(id=account.id), place=place)
    assert at.text_input(key="intake_pod").value == ""
    assert at.text_input(key="intake_payment_code").value == ""
    assert "Legătura nu numește un cont" in texts(at, "warning")
