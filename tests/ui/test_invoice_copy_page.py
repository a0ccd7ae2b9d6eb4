"""The public invoice copy page: a neutral refusal for a wrong pair, the invoices and balance once the
holder is found (nothing personal beyond the address), a dispute from an invoice's row, and the robot check
after repeated misses."""

from datetime import timedelta

import pytest

from core.cases.queries import today
from core.online import access
from core.platform.config import settings
from tests.factories import OLD_HOLDER_CNP, invoice_for, make_account
from tests.ui.conftest import texts

PAGE = "pages/invoice_copy.py"
NEUTRAL = "Nu am găsit un cont cu aceste date. Verificați-le pe prima pagină a facturii și încercați din nou."


@pytest.fixture(autouse=True)
def _visitor(monkeypatch):
    """AppTest's session client has no real address (st.context.ip_address is a mock there)."""
    monkeypatch.setattr("ui.public.visitor", lambda: access.client("203.0.113.8", "invoice-copy-session"))


def look_up(at, payment_code: str, national_id: str):
    at.text_input(key="invoice_copy_payment_code").input(payment_code)
    at.text_input(key="invoice_copy_national_id").input(national_id)
    next(b for b in at.button if b.label == "Caută").click().run()
    assert not at.exception, at.exception
    return at


def billed(uow):
    contract = make_account(uow)
    return contract, invoice_for(uow, contract, issue_date=today() - timedelta(days=5))


def test_the_holder_sees_the_invoices_balance_and_address_but_no_personal_data(uow, open_app):
    contract, invoice = billed(uow)
    at = look_up(open_app(page=PAGE), contract.payment_code, OLD_HOLDER_CNP)
    shown = texts(at)
    assert invoice.invoice_number in shown and "Str. Lalelelor 5, Iași" in shown  # as typed, not as markdown
    assert at.metric[0].value == "179,08 lei"  # 200 kWh at 0,74 lei + 21% VAT, unpaid
    assert OLD_HOLDER_CNP not in shown and "ion.popescu" not in shown
    assert [b.label for b in at.get("download_button")] == ["Descarcă PDF", "XML e-Factura", "PDF"]  # latest; its row
    assert "invoice_copy_contract" in at.session_state and "contract" not in at.query_params


def test_a_wrong_pair_gets_the_neutral_message_and_shows_nothing(uow, open_app):
    contract, invoice = billed(uow)
    at = look_up(open_app(page=PAGE), contract.payment_code, "1800101221152")
    assert [e.value for e in at.error] == [NEUTRAL]
    assert invoice.invoice_number not in texts(at)


def test_the_holder_disputes_an_invoice_from_its_row_and_gets_the_registration_number(uow, open_app):
    contract, invoice = billed(uow)
    at = look_up(open_app(page=PAGE), contract.payment_code, OLD_HOLDER_CNP)
    prefix = f"invoice_copy_dispute_{invoice.invoice_number}"
    at.selectbox(key=f"{prefix}_category").set_value("estimated_consumption")
    at.text_input(key=f"{prefix}_amount").input("30")
    at.text_area(key=f"{prefix}_description").input("Am citit indexul 1150, nu 1200.")
    next(b for b in at.button if b.label == "Trimite contestația").click().run()
    assert not at.exception, at.exception
    assert "Am înregistrat contestația dumneavoastră cu numărul CTS-" in texts(at, "success")
    assert "În dispută" in texts(at)


def test_another_account_clears_the_one_found(uow, open_app):
    contract, _ = billed(uow)
    at = look_up(open_app(page=PAGE), contract.payment_code, OLD_HOLDER_CNP)
    next(b for b in at.button if b.label == "Alt cont").click().run()
    assert "invoice_copy_contract" not in at.session_state
    assert at.text_input(key="invoice_copy_payment_code").value == ""


def test_repeated_misses_bring_the_robot_check_instead_of_a_block(uow, open_app):
    contract, _ = billed(uow)
    at = open_app(page=PAGE)
    for _ in range(settings.lookup_challenge_after):
        at = look_up(at, "999999999", OLD_HOLDER_CNP)
    at = look_up(at, contract.payment_code, OLD_HOLDER_CNP)
    assert [e.value for e in at.error] == []
    assert at.session_state["invoice_copy_challenge"]["maxNumber"] == settings.lookup_challenge_difficulty
    assert "invoice_copy_contract" not in at.session_state  # found only once the check is solved
