"""Registering a request at the counter: every invalid field gets its own message, nothing is saved."""

import pytest
from sqlmodel import func, select

from core.models import AuditEvent, Case, CaseDocument, OutboxMessage
from core.platform.errors import ValidationFailed
from core.services import intake
from seed_data.sample_documents import sample_image
from tests.factories import CLERK, COMPANY_CUI, holder_change_form, make_account, pdf_upload, register_case


def rows(uow, model) -> int:
    with uow() as u:
        return u.session.exec(select(func.count()).select_from(model)).one()


def errors_for(uow, form, uploads=()) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failed:
        intake.register_holder_change(uow=uow(), actor=CLERK, form=form, uploads=list(uploads))
    return failed.value.messages("ro")


def test_a_valid_request_gets_a_registration_number_and_a_confirmation_email_listing_the_documents(uow):
    case = register_case(uow, make_account(uow), documents=())
    assert case.registration_number.startswith("SCT-") and case.state == "submitted"
    with uow() as u:
        mail = u.session.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).one()
    assert mail.recipient == "maria.ionescu@example.com" and case.registration_number in mail.subject
    assert "Actul de identitate al noului titular" in mail.body


def test_registration_numbers_are_unique_and_consecutive(uow):
    first = register_case(uow, make_account(uow), documents=())
    second = register_case(uow, make_account(uow, pod="RO005E512345679", national_id="1800101221152"),
                           documents=(), pod="RO005E512345679")
    assert first.registration_number[:-6] == second.registration_number[:-6]
    assert int(second.registration_number[-6:]) == int(first.registration_number[-6:]) + 1


def test_every_invalid_field_gets_its_own_message_and_nothing_is_saved(uow):
    contract = make_account(uow)
    before = {m: rows(uow, m) for m in (Case, AuditEvent, OutboxMessage, CaseDocument)}
    messages = errors_for(uow, holder_change_form(
        contract, national_id="1800101221145", email="maria@", phone="12", handover_index="-1",
        first_name="", payment_code="12345"))
    assert messages == {
        "national_id": "CNP-ul nu este valid: cifra de control nu corespunde.",
        "email": "Adresa de e-mail nu este validă.",
        "phone": "Numărul de telefon nu este valid (ex. 0721 234 567).",
        "handover_index": "Indexul contorului nu poate fi negativ.",
        "first_name": "Câmp obligatoriu.",
        "payment_code": "Codul de plată are 9 cifre; îl găsiți pe prima pagină a facturii.",
    }
    assert {m: rows(uow, m) for m in before} == before


def test_codes_must_match_an_existing_active_contract(uow):
    contract = make_account(uow)
    assert errors_for(uow, holder_change_form(contract, payment_code="999999999")) == {
        "payment_code": "Nu există un contract activ cu acest cod de plată."}
    assert errors_for(uow, holder_change_form(contract, client_code="C999999999", pod="RO005E000000001")) == {
        "client_code": "Codul de client nu corespunde contractului cu acest cod de plată.",
        "pod": "Codul POD nu corespunde locului de consum din contract."}


def test_the_place_can_be_given_by_address_instead_of_pod(uow):
    contract = make_account(uow)
    case = intake.register_holder_change(uow=uow(), actor=CLERK, form=holder_change_form(
        contract, pod="", address="str. lalelelor 5"))
    assert case.pod == "RO005E512345678"
    assert errors_for(uow, holder_change_form(contract, pod="", address="")) == {
        "pod": "Completați codul POD sau adresa locului de consum."}


def test_a_company_applies_with_a_checksum_valid_cui(uow):
    contract = make_account(uow)
    form = holder_change_form(contract, applicant_kind="company", company_name="Lumina Verde SRL",
                              national_id="RO" + COMPANY_CUI, first_name="", last_name="")
    case = intake.register_holder_change(uow=uow(), actor=CLERK, form=form)
    assert case.applicant_name == "Lumina Verde SRL" and case.data["national_id"] == COMPANY_CUI
    assert errors_for(uow, {**form, "national_id": "18547291"})["national_id"] == (
        "CUI-ul nu este valid: cifra de control nu corespunde.")


def test_a_second_open_request_for_the_same_place_is_refused(uow):
    contract = make_account(uow)
    first = register_case(uow, contract, documents=())
    assert errors_for(uow, holder_change_form(contract)) == {
        "payment_code": f"Există deja o cerere deschisă pentru acest loc de consum: {first.registration_number}."}


def test_the_handover_index_cannot_be_below_the_last_reading(uow):
    contract = make_account(uow, start_index=1000)
    assert errors_for(uow, holder_change_form(contract, handover_index="999")) == {
        "handover_index": "Indexul de predare nu poate fi mai mic decât ultimul index citit (1000)."}


def test_the_current_holder_cannot_apply_to_take_over_their_own_contract(uow):
    contract = make_account(uow)
    assert errors_for(uow, holder_change_form(contract, national_id="1800101221144")) == {
        "national_id": "Solicitantul este deja titularul acestui contract."}


def test_a_bad_upload_is_reported_on_its_document_and_nothing_is_saved(uow):
    contract = make_account(uow)
    png = sample_image("id_card", ["Ionescu Maria"])
    messages = errors_for(uow, holder_change_form(contract), uploads=[
        ("id_card", "buletin.pdf", png), pdf_upload("right_of_use"), ("supply_offer", "oferta.txt", b"hello")])
    assert messages == {
        "doc_id_card": "Conținutul fișierului este PNG, dar extensia lui spune altceva. Salvați-l cu extensia corectă.",
        "doc_supply_offer": "Se acceptă doar documente PDF, JPEG sau PNG.",
    }
    assert rows(uow, Case) == 0 and rows(uow, CaseDocument) == 0
