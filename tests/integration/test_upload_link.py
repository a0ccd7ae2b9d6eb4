"""The private upload link: only the token's hash is stored, a bad link is refused, recorded and changes
nothing, uploads through it are checked like the staff's, and the last one moves the case on."""

import hashlib
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from core.models import AccessToken, AuditEvent, Case, CaseDocument, OutboxMessage, utcnow
from core.online import access
from core.online.access import ChallengeRequired
from core.online.uploads import INVALID, open_upload, upload_for_token
from core.platform.config import settings
from core.platform.errors import DomainError, ValidationFailed
from core.services import cases, documents, intake
from core.staff.auth import customer_actor
from seed_data.sample_documents import sample_image, sample_pdf
from tests.factories import (
    CLERK,
    PERSON_DOCS,
    SUPERVISOR,
    count,
    current_version,
    fire,
    holder_change_form,
    make_account,
    refused,
    register_case,
    reload,
    review_all,
)

VISITOR = access.client("203.0.113.7", "browser-session-1")
LINK = re.compile(r"(http://\S+/upload\?token=([\w-]+))")


def emailed_token(uow, case_id: int) -> str:
    """The token in the newest e-mail about the case that carries a link."""
    with uow() as u:
        bodies = u.session.exec(select(OutboxMessage.body).where(OutboxMessage.case_id == case_id)
                                .order_by(OutboxMessage.id.desc())).all()
    return next(match.group(2) for body in bodies if (match := LINK.search(body)))


def online_case(uow, documents=()) -> tuple[Case, str]:
    case = register_case(uow, make_account(uow), documents=documents, actor=customer_actor())
    return case, emailed_token(uow, case.id)


def send(uow, token: str, doc_type: str, name: str | None = None, data: bytes | None = None):
    return upload_for_token(uow=uow(), token=token, doc_type=doc_type, file_name=name or f"{doc_type}.pdf",
                            data=data if data is not None else sample_pdf(doc_type, ["Ionescu Maria"]), who=VISITOR)


def file_error(uow, token: str, name: str, data: bytes) -> str:
    with pytest.raises(ValidationFailed) as failed:
        send(uow, token, "id_card", name, data)
    return failed.value.messages("ro")["file"]



def attempts(uow) -> list[tuple[str, str, bool]]:
    with uow() as u:
        return [(a.service, a.outcome, a.success) for a in access.attempts_for(u.session, VISITOR)]


def test_the_registration_email_carries_a_link_whose_token_is_stored_only_as_its_hash(uow):
    case, token = online_case(uow)
    with uow() as u:
        body = u.session.exec(select(OutboxMessage.body).where(OutboxMessage.case_id == case.id)).one()
        stored = u.session.exec(select(AccessToken)).one()
        events = u.session.exec(select(AuditEvent).where(AuditEvent.case_id == case.id)).all()
        data = u.session.get(Case, case.id).data
    assert f"{settings.public_base_url}/upload?token={token}" in body
    assert "Actul de identitate al noului titular" in body  # the documents still awaited are named too
    assert len(token) >= 43 and stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (stored.case_id, stored.purpose) == (case.id, "upload")
    assert stored.expires_at - utcnow() > timedelta(days=settings.upload_link_days - 1)
    assert token not in repr(data) and all(token not in repr(e.details) for e in events)


def test_a_request_registered_with_every_document_gets_no_link(uow):
    case = register_case(uow, make_account(uow), documents=PERSON_DOCS)
    with uow() as u:
        bodies = u.session.exec(select(OutboxMessage.body).where(OutboxMessage.case_id == case.id)).all()
    assert len(bodies) == 2  # registered, documents received
    assert not any("/upload?token=" in body for body in bodies) and count(uow, AccessToken) == 0


def test_the_link_shows_each_required_document_with_its_status_and_the_reason_of_a_rejection(uow):
    case, token = online_case(uow)
    send(uow, token, "id_card")
    send(uow, token, "right_of_use", "act.png", sample_image("right_of_use", ["Ionescu Maria"]))
    with uow() as u:
        id_card = u.session.exec(select(CaseDocument).where(CaseDocument.doc_type == "id_card")).one()
    documents.review_document(uow=uow(), document_id=id_card.id, approve=False, actor=CLERK,
                              expected_version=current_version(uow, case.id), reason="Copie ilizibilă")
    view = open_upload(uow=uow(), token=token, who=VISITOR)
    assert (view.registration_number, view.state, view.applicant_name) == (
        case.registration_number, "submitted", "Ionescu Maria")
    assert [(s.doc_type, s.status, s.reason) for s in view.documents] == [
        ("id_card", "rejected", "Copie ilizibilă"), ("right_of_use", "pending", None),
        ("contract_request", "missing", None), ("supply_offer", "missing", None), ("meter_reading", "missing", None)]
    assert [s.doc_type for s in view.documents if s.awaited] == [
        "id_card", "contract_request", "supply_offer", "meter_reading"]


def test_an_expired_link_is_refused_recorded_and_changes_nothing(uow):
    case, token = online_case(uow)
    with uow() as u:
        row = u.session.exec(select(AccessToken)).one()
        row.expires_at = utcnow() - timedelta(minutes=1)
        u.session.add(row)
        u.commit()
    version = current_version(uow, case.id)
    with refused(DomainError, INVALID):
        send(uow, token, "id_card")
    assert count(uow, CaseDocument) == 0 and current_version(uow, case.id) == version
    assert attempts(uow) == [("upload", "expired", False)]


def test_a_revoked_link_and_an_unknown_one_get_the_same_answer(uow):
    _case, token = online_case(uow)
    with uow() as u:
        row = u.session.exec(select(AccessToken)).one()
        row.revoked_at = utcnow()
        u.session.add(row)
        u.commit()
    with refused(DomainError, INVALID):
        open_upload(uow=uow(), token=token, who=VISITOR)
    with refused(DomainError, INVALID):
        open_upload(uow=uow(), token="x" * 43, who=VISITOR)
    assert sorted(attempts(uow)) == [("upload", "revoked", False), ("upload", "unknown", False)]


def test_repeated_bad_links_ask_the_visitor_for_a_challenge_even_with_a_good_one(uow, monkeypatch):
    monkeypatch.setattr(settings, "lookup_challenge_after", 3)
    _case, token = online_case(uow)
    for guess in range(3):
        with refused(DomainError, INVALID):
            open_upload(uow=uow(), token=f"guess-{guess}", who=VISITOR)
    with pytest.raises(ChallengeRequired):
        send(uow, token, "id_card")
    assert count(uow, CaseDocument) == 0


def test_a_file_whose_content_does_not_match_its_extension_is_refused_with_a_clear_message(uow):
    _case, token = online_case(uow)
    assert file_error(uow, token, "buletin.pdf", sample_image("id_card", ["x"])) == (
        "Conținutul fișierului este PNG, dar extensia lui spune altceva. Salvați-l cu extensia corectă.")
    assert file_error(uow, token, "buletin.pdf", b"MZ\x90\x00 an executable") == (
        "Se acceptă doar documente PDF, JPEG sau PNG.")
    assert count(uow, CaseDocument) == 0


def test_a_file_over_the_size_limit_is_refused(uow, monkeypatch):
    monkeypatch.setattr(settings, "upload_max_bytes", 1024 * 1024)
    _case, token = online_case(uow)
    too_big = sample_pdf("id_card", ["x"]) + b"\0" * (1024 * 1024)
    assert file_error(uow, token, "buletin.pdf", too_big) == "Fișierul depășește limita de 1 MB."


def test_the_files_per_case_are_limited_counting_replacements(uow, monkeypatch):
    monkeypatch.setattr(settings, "upload_max_files_per_case", 2)
    _case, token = online_case(uow)
    send(uow, token, "id_card")
    send(uow, token, "id_card", "buletin-clar.pdf")  # a pending one may be replaced, kept as history
    with refused(DomainError, "online.upload.too_many"):
        send(uow, token, "right_of_use")
    assert count(uow, CaseDocument) == 2


def test_only_the_case_required_documents_can_be_sent(uow):
    _case, token = online_case(uow)
    with refused(DomainError, "upload.doc_type"):
        send(uow, token, "onrc_certificate")  # a company's document, and this applicant is a person


def test_an_approved_document_cannot_be_replaced(uow):
    case, token = online_case(uow)
    send(uow, token, "id_card")
    review_all(uow, case.id)
    with refused(DomainError, "online.upload.approved"):
        send(uow, token, "id_card", "alt-buletin.pdf")


def test_a_rejected_document_is_replaced_through_the_link_and_the_case_moves_on(uow):
    case, token = online_case(uow, documents=PERSON_DOCS[:-1])
    assert send(uow, token, "meter_reading").state == "documents_received"
    with uow() as u:
        old = u.session.exec(select(CaseDocument).where(CaseDocument.doc_type == "id_card")).one()
    documents.review_document(uow=uow(), document_id=old.id, approve=False, actor=CLERK,
                              expected_version=current_version(uow, case.id), reason="Copie ilizibilă")
    review_all(uow, case.id)  # the other four are fine
    fire(uow, case.id, "request_changes", CLERK, reason="Retrimiteți actul de identitate")
    assert reload(uow, case.id).state == "submitted"

    view = send(uow, token, "id_card", "buletin-lizibil.jpg", sample_image("id_card", ["lizibil"], "JPEG"))
    with uow() as u:
        history = u.session.exec(select(CaseDocument).where(CaseDocument.doc_type == "id_card")
                                 .order_by(CaseDocument.id)).all()
        last = u.session.exec(select(AuditEvent).where(AuditEvent.trigger == "upload_document")
                              .order_by(AuditEvent.id.desc())).first()
    assert view.state == "documents_received" == reload(uow, case.id).state
    assert [(d.status, d.is_current) for d in history] == [("rejected", False), ("pending", True)]
    assert history[1].replaces_id == old.id and history[1].uploaded_by == "customer"
    assert (last.actor, last.role, last.details["doc_type"]) == ("customer", "customer", "id_card")


def test_uploads_stop_once_the_case_is_past_the_document_states(uow):
    case = register_case(uow, make_account(uow), documents=PERSON_DOCS, actor=customer_actor())
    with uow() as u:  # every document came at once, so no e-mail carried a link: give the case one
        u.session.add(AccessToken(token_hash=hashlib.sha256(b"earlier-link").hexdigest(), purpose="upload",
                                  case_id=case.id, expires_at=utcnow() + timedelta(days=5)))
        u.commit()
    review_all(uow, case.id)
    fire(uow, case.id, "verify_documents", SUPERVISOR)
    assert not open_upload(uow=uow(), token="earlier-link", who=VISITOR).accepts_uploads
    with refused(DomainError, "upload.case_closed"):
        send(uow, "earlier-link", "id_card", "buletin-nou.pdf")


def test_the_request_for_corrected_documents_names_them_and_carries_a_fresh_link(uow):
    case = register_case(uow, make_account(uow))  # every document, at the counter: no link yet
    review_all(uow, case.id, approve=False, reason="Fotografia este neclară.")
    fire(uow, case.id, "request_changes", CLERK, reason="Documentele nu se citesc.")
    with uow() as u:
        body = u.session.exec(select(OutboxMessage.body).where(
            OutboxMessage.template == "holder_change.changes_requested")).one()
    assert "Actul de identitate" in body and LINK.search(body)


def test_a_clerk_sends_a_new_link_and_the_earlier_ones_stop_working(uow):
    case, first = online_case(uow)
    cases.resend_upload_link(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                             actor=CLERK)
    second = emailed_token(uow, case.id)
    assert second != first
    with refused(DomainError, INVALID):
        open_upload(uow=uow(), token=first, who=VISITOR)
    assert open_upload(uow=uow(), token=second, who=VISITOR).registration_number == case.registration_number
    with uow() as u:
        event = u.session.exec(select(AuditEvent).where(AuditEvent.trigger == "resend_upload_link")).one()
    assert (event.actor, event.details) == ("clerk", {"revoked_links": 1})


def test_no_new_link_when_nothing_is_awaited_from_the_customer(uow):
    case = register_case(uow, make_account(uow))  # every document brought to the counter
    with refused(DomainError, "upload_link.nothing_awaited"):
        cases.resend_upload_link(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                                 actor=CLERK)
    assert count(uow, AccessToken) == 0


def test_the_link_emailed_to_an_english_speaking_applicant_opens_the_upload_page_in_english(uow):
    case = intake.register_holder_change(uow=uow(), actor=customer_actor(), form=holder_change_form(
        make_account(uow)), uploads=[], channel="online", language="en")
    with uow() as u:
        body = u.session.exec(select(OutboxMessage.body).where(OutboxMessage.case_id == case.id)).one()
    assert f"/upload?token={emailed_token(uow, case.id)}&lang=en" in body
