"""Case documents: uploading (and replacing a rejected one), previewing and reviewing them one by one."""

from sqlmodel import select

from core.cases.documents import cached_preview, check_upload, render_preview, save_preview, store
from core.cases.preview_sandbox import Preview
from core.models import CaseDocument, DocumentStatus, Role, utcnow
from core.platform import audit, validation
from core.platform.errors import DomainError, NotFound, ValidationFailed
from core.platform.validation import FieldError
from core.services.cases import STAFF, load_case
from core.services.intake import attach_document, receive_if_complete
from core.staff.auth import Actor, require_role
from core.workflow import engine


def upload_document(*, uow, case_id: int, doc_type: str, file_name: str, data: bytes, actor: Actor,
                    expected_version: int | None = None) -> CaseDocument:
    """Adds a required document, or replaces the rejected one of that type (kept as history)."""
    require_role(actor, (*STAFF, Role.CUSTOMER))
    try:
        file = check_upload(file_name, data)
    except FieldError as err:
        raise ValidationFailed({"file": (err.key, err.params)}) from None
    with uow:
        case = load_case(uow.session, case_id, expected_version)
        wf = engine.workflow_of(case)
        kind = wf.document(doc_type, case.data["applicant_kind"])
        if kind is None:
            raise DomainError("upload.doc_type")
        if case.state not in wf.document_states:
            raise DomainError("upload.case_closed")
        current = uow.session.exec(select(CaseDocument).where(
            CaseDocument.case_id == case_id, CaseDocument.doc_type == doc_type, CaseDocument.is_current)).first()
        if current and current.status != DocumentStatus.REJECTED and not kind.multiple:
            raise DomainError("upload.already_present")
        if kind.multiple:
            current = None  # another file of the same kind, replacing nothing
        document = attach_document(uow.session, case, doc_type, file, actor, replaces=current)
        receive_if_complete(uow.session, case, actor)
        uow.commit()
        return document


def review_document(*, uow, document_id: int, approve: bool, actor: Actor, expected_version: int,
                    reason: str | None = None) -> CaseDocument:
    """Approves a pending document, or rejects it with the reason the customer will read."""
    require_role(actor, STAFF)
    try:
        reason = validation.optional_text(reason, validation.REVIEW_REASON_MAX, multiline=True)
    except validation.FieldError as err:
        raise ValidationFailed({"reason": (err.key, err.params)}) from None
    if not approve and not reason:
        raise ValidationFailed({"reason": ("engine.requires_reason", {})})
    with uow:
        document = uow.session.get(CaseDocument, document_id)
        if document is None:
            raise NotFound()
        case = load_case(uow.session, document.case_id, expected_version)
        if case.state not in engine.workflow_of(case).document_states:
            raise DomainError("review.case_state")
        if not document.is_current or document.status != DocumentStatus.PENDING:
            raise DomainError("review.not_pending")
        document.status = DocumentStatus.APPROVED if approve else DocumentStatus.REJECTED
        document.reviewed_by, document.reviewed_at = actor.username, utcnow()
        document.review_reason = None if approve else reason
        uow.session.add(document)
        engine.record_event(uow.session, case, actor, "approve_document" if approve else "reject_document",
                            reason=document.review_reason, doc_type=document.doc_type, document_id=document.id)
        uow.commit()
        return document


def document_file(*, uow, document_id: int, actor: Actor) -> tuple[CaseDocument, bytes]:
    """The stored bytes of a document, for staff review. An ID card or a deed leaving the system is a
    reveal of personal data: it is in the audit trail."""
    require_role(actor, STAFF)
    with uow:
        document = uow.session.get(CaseDocument, document_id)
        if document is None:
            raise NotFound()
        data = store.get(uow.session, document.content_id)
        audit.record_action(uow.session, actor=actor.username, role=actor.role, action="download_document",
                            subject=f"document:{document.id}",
                            details={"case_id": document.case_id, "doc_type": document.doc_type})
        uow.commit()
        return document, data


def document_preview(*, uow, document_id: int, actor: Actor) -> Preview:
    """The preview pages of a document for staff review, or why there are none. Drawn in the sandbox on
    the first look at its content (by anyone, on any instance) and cached, a failure included, so a bomb
    is drawn once. The drawing (up to the preview timeout) happens between two short transactions,
    never while one is open; only the second one writes."""
    require_role(actor, STAFF)
    with uow:
        document = uow.session.get(CaseDocument, document_id)
        if document is None:
            raise NotFound()
        cached = cached_preview(uow.session, document.sha256)
        if cached is not None:
            return cached
        data = store.get(uow.session, document.content_id)
    preview = render_preview(document.content_type, data)
    with uow:
        preview = save_preview(uow.session, document.sha256, preview)
        uow.commit()
        return preview
