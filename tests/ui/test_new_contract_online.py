"""The public online contracting form: messages under each field, the registration number on screen."""

from datetime import date

import pytest

from core.models import Case, Contract, OutboxMessage
from core.online import access
from core.services.contracting import register_new_contract
from core.workflow.effects import close_contract
from tests.factories import CLERK, PERSON_DOCS, SUPERVISOR, count, fire, make_account, pdf_upload, review_all
from tests.ui.conftest import message_under, texts

PAGE = "pages/new_contract_online.py"
CASE = "pages/case_detail.py"


@pytest.fixture(autouse=True)
def _visitor(monkeypatch):
    """AppTest's session client has no real address (st.context.ip_address is a mock there)."""
    monkeypatch.setattr("ui.public.visitor", lambda: access.client("203.0.113.7", "ui-test-session"))



def vacant_place(uow) -> None:
    contract = make_account(uow)
    with uow() as u:
        close_contract(u.session, u.session.get(Contract, contract.id), 1200, date(2026, 1, 15), "billing")
        u.commit()


def fill(at, **overrides):
    values = dict(pod="RO005E512345678", last_name="Ionescu", first_name="Maria", national_id="2850505400014",
                  email="maria.ionescu@example.com", phone="0722 111 222", handover_index="1250")
    values.update(overrides)
    for name, value in values.items():
        at.text_input(key=f"contract_{name}").input(value)
    return at


def submit(at):
    next(b for b in at.button if b.label == "Trimite cererea").click().run()
    return at


def test_an_invalid_cnp_and_an_unknown_place_are_explained_under_their_fields(uow, open_app):
    vacant_place(uow)
    at = submit(fill(open_app(page=PAGE), pod="RO005E999999999", national_id="2850505400015"))
    assert message_under(at, "contract_national_id") == "CNP-ul nu este valid: cifra de control nu corespunde."
    assert message_under(at, "contract_email") is None
    assert count(uow, Case) == 0
    at = submit(fill(at, pod="RO005E999999999"))
    assert message_under(at, "contract_pod").startswith("Nu am găsit un loc de consum cu aceste date.")


def test_a_place_with_an_active_contract_is_pointed_to_the_holder_change(uow, open_app):
    make_account(uow)
    at = submit(fill(open_app(page=PAGE)))
    assert "schimbarea titularului" in message_under(at, "contract_pod")
    assert count(uow, Case) == 0


def test_a_valid_request_shows_its_number_and_the_documents_to_send(uow, open_app):
    vacant_place(uow)
    at = submit(fill(open_app(page=PAGE)))
    assert not at.error, [e.value for e in at.error]
    number = texts(at, "success").split("numărul ")[1].rstrip(".")
    assert number.startswith("CTR-")
    assert "maria.ionescu@example.com" in texts(at) and "Oferta de furnizare aleasă" in texts(at)
    assert count(uow, Case) == 1 and count(uow, OutboxMessage) == 1
    next(b for b in at.button if b.label == "Trimite altă cerere").click().run()
    assert at.text_input(key="contract_pod").value == ""


def test_staff_issue_a_new_contract_from_the_case_page_which_shows_no_old_holder(uow, open_app):
    vacant_place(uow)
    case = register_new_contract(uow=uow(), actor=CLERK, form=dict(
        pod="RO005E512345678", applicant_kind="person", first_name="Maria", last_name="Ionescu",
        national_id="2850505400014", email="maria.ionescu@example.com", phone="0722 111 222",
        handover_index="1250", right_of_use="tenant"), uploads=[pdf_upload(d) for d in PERSON_DOCS])
    review_all(uow, case.id)
    fire(uow, case.id, "verify_documents", SUPERVISOR)
    at = open_app("supervisor2", CASE, case_id=case.id)
    assert "Titular actual" not in texts(at) and "1250 kWh" in texts(at)
    assert "Contract emis" not in texts(at)
    at.button(key="case_action_issue_contract").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "Contract emis" in texts(at)
