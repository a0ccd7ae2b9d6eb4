"""The public e-invoice page: the holder asks for a code to the new address, types it, and sees the change
confirmed with its time; a wrong code is explained under the field; a withdrawal goes the same way."""

import re

import pytest
from sqlmodel import select

from core.models import Contract, OutboxMessage
from core.online import access
from tests.factories import OLD_HOLDER_CNP, make_account
from tests.ui.conftest import texts

PAGE = "pages/e_invoice.py"


@pytest.fixture(autouse=True)
def _visitor(monkeypatch):
    """AppTest's session client has no real address (st.context.ip_address is a mock there)."""
    monkeypatch.setattr("ui.public.visitor", lambda: access.client("203.0.113.9", "e-invoice-session"))


def press(at, label: str, key: str | None = None):
    next(b for b in at.button if b.label == label and (key is None or b.key == key)).click().run()
    assert not at.exception, at.exception
    return at


def found(open_app, contract):
    at = open_app(page=PAGE)
    at.text_input(key="e_invoice_payment_code").input(contract.payment_code)
    at.text_input(key="e_invoice_national_id").input(OLD_HOLDER_CNP)
    return press(at, "Caută")


def sent_code(uow) -> str:
    with uow() as u:
        message = u.session.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"\b\d{6}\b", message.body).group()


def opt_in_email(uow, at):
    at.text_input(key="e_invoice_email_address").input("maria.pop@example.com")
    at = press(at, "Trimite codul", "e_invoice_email_send")
    assert "V-am trimis un cod de 6 cifre la m***@example.com" in texts(at, "info")
    return at


def test_the_holder_opts_into_e_invoice_with_the_code_and_sees_it_confirmed(uow, open_app):
    contract = make_account(uow)
    at = opt_in_email(uow, found(open_app, contract))
    at.text_input(key="e_invoice_email_code").input(sent_code(uow))
    at = press(at, "Confirmă")
    assert re.search(r"Gata! Din \d\d\.\d\d\.\d{4} \d\d:\d\d primiți factura la m\*\*\*@example\.com\.",
                     texts(at, "success"))
    assert "Activă la m***@example.com" in texts(at)
    with uow() as u:
        assert u.session.get(Contract, contract.id).e_invoice_email == "maria.pop@example.com"


def test_a_wrong_code_is_explained_under_the_field_and_changes_nothing(uow, open_app):
    contract = make_account(uow)
    at = opt_in_email(uow, found(open_app, contract))
    at.text_input(key="e_invoice_email_code").input(f"{(int(sent_code(uow)) + 1) % 10 ** 6:06d}")
    at = press(at, "Confirmă")
    assert [e.value for e in at.error] == ["Codul nu este corect. Mai aveți 4 încercări."]
    with uow() as u:
        assert u.session.get(Contract, contract.id).e_invoice_email is None


def test_sms_is_stopped_with_a_code_sent_to_the_phone_in_use(uow, open_app):
    contract = make_account(uow)
    with uow() as u:
        live = u.session.get(Contract, contract.id)
        live.sms_phone = "+40722111222"
        u.session.add(live)
        u.commit()
    at = found(open_app, contract)
    assert "Activă la +407*****222" in texts(at)
    at = press(at, "Renunță", "e_invoice_sms_send")
    at.text_input(key="e_invoice_sms_code").input(sent_code(uow))
    at = press(at, "Confirmă")
    assert "Am înregistrat renunțarea dumneavoastră la" in texts(at, "success")
    with uow() as u:
        assert u.session.get(Contract, contract.id).sms_phone is None
