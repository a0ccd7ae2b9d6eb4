"""Uploading and reviewing documents: content-detected types, size limit, replacement history."""

import hashlib

import pytest
from sqlmodel import select

from core.models import CaseDocument
from core.platform.config import settings
from core.platform.errors import DomainError, PermissionDenied, ValidationFailed
from core.services import documents
from seed_data.sample_documents import sample_image, sample_pdf
from tests.factories import (
    ANALYST,
    CLERK,
    current_version,
    fire,
    make_account,
    refused,
    register_case,
    reload,
    review_all,
)


def upload(uow, case_id, doc_type, name, data, actor=CLERK):
    return documents.upload_document(uow=uow(), case_id=case_id, doc_type=doc_type, file_name=name, data=data,
                                     actor=actor)


def upload_error(uow, case_id, name, data) -> str:
    with pytest.raises(ValidationFailed) as failed:
        upload(uow, case_id, "id_card", name, data)
    return failed.value.messages("ro")["file"]


def test_pdf_png_and_jpeg_are_accepted_and_recorded_with_detected_type_and_hash(uow):
    case = register_case(uow, make_account(uow), documents=())
    jpeg = sample_image("right_of_use", ["Ionescu Maria"], "JPEG")
    stored = [
        upload(uow, case.id, "id_card", "buletin.pdf", sample_pdf("id_card", ["x"])),
        upload(uow, case.id, "right_of_use", "act.JPG", jpeg),
        upload(uow, case.id, "contract_request", "cerere.png", sample_image("contract_request", ["x"])),
    ]
    assert [d.content_type for d in stored] == ["application/pdf", "image/jpeg", "image/png"]
    assert stored[1].sha256 == hashlib.sha256(jpeg).hexdigest() and stored[1].size == len(jpeg)
    document, data = documents.document_file(uow=uow(), document_id=stored[1].id, actor=CLERK)
    assert data == jpeg


def test_the_last_required_document_moves_the_case_to_documents_received(uow):
    case = register_case(uow, make_account(uow), documents=("id_card", "right_of_use", "contract_request",
                                                            "supply_offer"))
    assert reload(uow, case.id).state == "submitted"
    upload(uow, case.id, "meter_reading", "index.pdf", sample_pdf("meter_reading", ["1500"]))
    assert reload(uow, case.id).state == "documents_received"


def test_a_file_whose_content_is_not_pdf_jpeg_or_png_is_refused(uow):
    case = register_case(uow, make_account(uow), documents=())
    assert upload_error(uow, case.id, "buletin.pdf", b"%PDX not really a pdf") == (
        "Se acceptă doar documente PDF, JPEG sau PNG.")
    assert upload_error(uow, case.id, "buletin.gif", b"GIF89a" + b"\0" * 20) == (
        "Se acceptă doar documente PDF, JPEG sau PNG.")


def test_a_png_named_pdf_is_refused_with_what_it_really_is(uow):
    case = register_case(uow, make_account(uow), documents=())
    assert "PNG" in upload_error(uow, case.id, "buletin.pdf", sample_image("id_card", ["x"]))


def test_a_truncated_pdf_is_refused_as_damaged(uow):
    case = register_case(uow, make_account(uow), documents=())
    assert upload_error(uow, case.id, "buletin.pdf", sample_pdf("id_card", ["x"])[:300]) == (
        "Fișierul nu poate fi deschis; pare deteriorat.")


def test_a_file_over_the_size_limit_is_refused(uow, monkeypatch):
    monkeypatch.setattr(settings, "upload_max_bytes", 1024 * 1024)
    case = register_case(uow, make_account(uow), documents=())
    too_big = sample_pdf("id_card", ["x"]) + b"\0" * (1024 * 1024)
    assert upload_error(uow, case.id, "buletin.pdf", too_big) == "Fișierul depășește limita de 1 MB."


def test_an_empty_file_is_refused(uow):
    case = register_case(uow, make_account(uow), documents=())
    assert upload_error(uow, case.id, "buletin.pdf", b"") == "Fișierul este gol."


def test_a_pending_document_cannot_be_uploaded_twice(uow):
    case = register_case(uow, make_account(uow), documents=("id_card",))
    with refused(DomainError, "upload.already_present"):
        upload(uow, case.id, "id_card", "buletin2.pdf", sample_pdf("id_card", ["x"]))


def test_a_rejected_document_is_replaced_and_kept_as_history(uow):
    case = register_case(uow, make_account(uow))
    review_all(uow, case.id, approve=False, reason="Copie ilizibilă")
    fire(uow, case.id, "request_changes", CLERK, reason="Retrimiteți documentele lizibile")
    new = upload(uow, case.id, "id_card", "buletin-nou.pdf", sample_pdf("id_card", ["lizibil"]))
    with uow() as u:
        history = list(u.session.exec(select(CaseDocument).where(
            CaseDocument.case_id == case.id, CaseDocument.doc_type == "id_card").order_by(CaseDocument.id)))
    assert [(d.status, d.is_current, d.review_reason) for d in history] == [
        ("rejected", False, "Copie ilizibilă"), ("pending", True, None)]
    assert new.replaces_id == history[0].id


def test_rejecting_a_document_needs_a_reason(uow):
    case = register_case(uow, make_account(uow), documents=("id_card",))
    with uow() as u:
        document = u.session.exec(select(CaseDocument)).one()
    with pytest.raises(ValidationFailed):
        documents.review_document(uow=uow(), document_id=document.id, approve=False, actor=CLERK,
                                  expected_version=current_version(uow, case.id), reason=" ")
    assert reload(uow, case.id).version == current_version(uow, case.id)


def test_an_analyst_can_neither_review_nor_download_documents(uow):
    case = register_case(uow, make_account(uow), documents=("id_card",))
    with uow() as u:
        document = u.session.exec(select(CaseDocument)).one()
    with pytest.raises(PermissionDenied):
        documents.review_document(uow=uow(), document_id=document.id, approve=True, actor=ANALYST,
                                  expected_version=current_version(uow, case.id))
    with pytest.raises(PermissionDenied):
        documents.document_file(uow=uow(), document_id=document.id, actor=ANALYST)


def test_a_document_already_reviewed_cannot_be_reviewed_again(uow):
    case = register_case(uow, make_account(uow), documents=("id_card",))
    review_all(uow, case.id)
    with uow() as u:
        document = u.session.exec(select(CaseDocument)).one()
    with refused(DomainError, "review.not_pending"):
        documents.review_document(uow=uow(), document_id=document.id, approve=False, actor=CLERK,
                                  expected_version=current_version(uow, case.id), reason="Mă răzgândesc")
