"""The counter intake form: messages under each field, nothing saved until everything is right."""

import pytest

from core.models import Case, OutboxMessage
from seed_data.sample_documents import sample_pdf
from tests.factories import count, make_account
from tests.ui.conftest import message_under, texts

NEW = "pages/new_request.py"



def fill(at, contract, **overrides):
    values = dict(pod="RO005E512345678", payment_code=contract.payment_code, client_code=contract.client_code,
                  last_name="Ionescu", first_name="Maria", national_id="2850505400014",
                  email="maria.ionescu@example.com", phone="0722 111 222", handover_index="1500")
    values.update(overrides)
    for name, value in values.items():
        at.text_input(key=f"intake_{name}").input(value)
    return at


def submit(at):
    next(b for b in at.button if b.label == "Înregistrează cererea").click().run()
    return at


def test_an_invalid_cnp_is_explained_under_the_cnp_field_and_nothing_is_created(uow, open_app):
    contract = make_account(uow)
    at = submit(fill(open_app("clerk", NEW), contract, national_id="2850505400015"))
    assert message_under(at, "intake_national_id") == "CNP-ul nu este valid: cifra de control nu corespunde."
    assert message_under(at, "intake_email") is None
    assert count(uow, Case) == 0 and count(uow, OutboxMessage) == 0


def test_several_wrong_fields_each_get_their_own_message(uow, open_app):
    contract = make_account(uow)
    at = submit(fill(open_app("clerk", NEW), contract, email="maria@", payment_code="12345", first_name=""))
    errors = {e.value for e in at.error}
    assert {"Adresa de e-mail nu este validă.", "Câmp obligatoriu.",
            "Codul de plată are 9 cifre; îl găsiți pe prima pagină a facturii."} <= errors


def test_a_valid_request_with_documents_is_registered_and_can_be_opened(uow, open_app):
    contract = make_account(uow)
    at = fill(open_app("clerk", NEW), contract)
    at.file_uploader(key="intake_doc_id_card").upload(
        "buletin.pdf", sample_pdf("id_card", ["Ionescu Maria"]), "application/pdf")
    submit(at)
    assert not at.error, [e.value for e in at.error]
    number = texts(at, "success").split("numărul ")[1].rstrip(".")
    assert number.startswith("SCT-") and "Depusă, așteaptă documente" in texts(at)
    assert count(uow, Case) == 1 and count(uow, OutboxMessage) == 1
    next(b for b in at.button if b.label == "Deschide cazul").click().run()
    assert at.title[0].value == number


def test_a_bad_upload_is_explained_under_its_uploader(uow, open_app):
    contract = make_account(uow)
    at = fill(open_app("clerk", NEW), contract)
    at.file_uploader(key="intake_doc_id_card").upload("buletin.pdf", b"not really a pdf", "application/pdf")
    submit(at)
    assert "Se acceptă doar documente PDF, JPEG sau PNG." in [e.value for e in at.error]
    assert count(uow, Case) == 0


def test_a_company_applicant_is_asked_for_the_cui_and_company_name(uow, open_app):
    at = open_app("clerk", NEW)
    at.segmented_control(key="intake_kind").set_value("company").run()
    labels = [w.label for w in at.text_input]
    assert "Denumirea societății" in labels and "Prenume" not in labels
    assert "Certificatul ONRC al societății" in [u.label for u in at.file_uploader]


def test_an_analyst_has_no_new_request_page(open_app):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app("analyst").switch_page(NEW)
