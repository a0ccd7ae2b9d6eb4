"""The applicant's private upload link: a random token sent by e-mail (only its SHA-256 is stored), the
customer's view of their case through it, and uploads through it. A refused link (unknown, expired,
revoked) gets one neutral answer, is recorded, and counts against the visitor like a failed lookup; past the
lookup limits opening the link needs a solved challenge (core.online.access)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from core.cases.documents import check_upload
from core.models import AccessToken, Case, CaseDocument, DocumentStatus, TokenPurpose, utcnow
from core.online import access
from core.online.links import token_hash
from core.platform.config import settings
from core.platform.errors import DomainError, ValidationFailed
from core.platform.row_lock import lock_row
from core.platform.validation import FieldError, text_or_none
from core.services.intake import attach_document, receive_if_complete
from core.staff.auth import customer_actor
from core.workflow.registry import workflow_of

SERVICE = "upload"
INVALID = "online.upload.invalid_link"  # the same words for an unknown, expired or revoked link
MAX_TOKEN_LENGTH = 100  # token_urlsafe(32) is 43 characters; anything much longer is not ours


@dataclass(frozen=True)
class DocumentSlot:
    """One required document as the applicant sees it."""

    doc_type: str
    status: str  # missing, pending, approved, rejected
    file_name: str | None = None
    reason: str | None = None  # the reviewer's words, when rejected

    @property
    def awaited(self) -> bool:
        """Still to be sent: never uploaded, or rejected."""
        return self.status in ("missing", DocumentStatus.REJECTED)


@dataclass(frozen=True)
class UploadView:
    """What the link shows: the case by its number and its documents. No personal data but the
    applicant's own name, since whoever holds the link sees it."""

    registration_number: str
    case_type: str
    state: str
    applicant_name: str
    documents: tuple[DocumentSlot, ...]
    accepts_uploads: bool
    expires_at: datetime


def _live_token(uow, token: str, attempt_id: int) -> AccessToken:
    """The token's row if it may be used now. The attempt's outcome is committed either way (a refusal counts
    against the visitor) and a refusal raised as the neutral answer: nothing else was written in this transaction."""
    row, token = None, text_or_none(token, MAX_TOKEN_LENGTH + 1)  # control characters or a lone surrogate: malformed
    if token and len(token) <= MAX_TOKEN_LENGTH:
        row = uow.session.exec(select(AccessToken).where(
            AccessToken.token_hash == token_hash(token), AccessToken.purpose == TokenPurpose.UPLOAD)).first()
    outcome = ("malformed" if not token or len(token) > MAX_TOKEN_LENGTH else "unknown" if row is None
               else "revoked" if row.revoked_at else "expired" if row.expires_at <= utcnow() else "found")
    access.settle(uow.session, attempt_id, outcome)
    uow.commit()
    if outcome != access.FOUND:
        raise DomainError(INVALID)
    return row


def _current_documents(session: Session, case_id: int) -> dict[str, CaseDocument]:
    return {d.doc_type: d for d in session.exec(select(CaseDocument).where(
        CaseDocument.case_id == case_id, CaseDocument.is_current))}


def _view(session: Session, case: Case, token: AccessToken) -> UploadView:
    wf = workflow_of(case)
    current = _current_documents(session, case.id)

    def slot(doc_type: str) -> DocumentSlot:
        doc = current.get(doc_type)
        if doc is None:
            return DocumentSlot(doc_type, "missing")
        return DocumentSlot(doc_type, str(doc.status), doc.file_name, doc.review_reason)

    return UploadView(case.registration_number, case.case_type, case.state, case.applicant_name,
                      tuple(slot(d) for d in wf.required_documents(case.data["applicant_kind"])),
                      case.state in wf.document_states, token.expires_at)


def open_upload(*, uow, token: str, who: access.Client, solution: str | None = None) -> UploadView:
    """The case behind a private link, as its applicant may see it, or the neutral refusal."""
    attempt_id = access.begin(uow=uow, who=who, service=SERVICE, solution=solution)
    with uow:
        row = _live_token(uow, token, attempt_id)
        return _view(uow.session, uow.session.get(Case, row.case_id), row)


def upload_for_token(*, uow, token: str, doc_type: str, file_name: str, data: bytes,
                     who: access.Client, solution: str | None = None) -> UploadView:
    """Adds one required document through the private link, or replaces the pending or rejected one of
    that type (the old one stays as history), then moves the case on once nothing is missing: one
    transaction, recorded as the customer's action."""
    attempt_id = access.begin(uow=uow, who=who, service=SERVICE, solution=solution)
    with uow:
        row = _live_token(uow, token, attempt_id)
        case = lock_row(uow.session, Case, row.case_id)  # uploads at once are counted one after the other
        wf = workflow_of(case)
        if case.state not in wf.document_states:
            raise DomainError("upload.case_closed")
        if doc_type not in wf.required_documents(case.data["applicant_kind"]):
            raise DomainError("upload.doc_type")
        try:
            file = check_upload(file_name, data)
        except FieldError as err:
            raise ValidationFailed({"file": (err.key, err.params)}) from None
        stored = uow.session.exec(select(func.count()).select_from(CaseDocument).where(
            CaseDocument.case_id == case.id)).one()
        if stored >= settings.upload_max_files_per_case:  # replacements count: history is kept
            raise DomainError("online.upload.too_many", max=settings.upload_max_files_per_case)
        current = _current_documents(uow.session, case.id).get(doc_type)
        if current is not None and current.status == DocumentStatus.APPROVED:
            raise DomainError("online.upload.approved")
        customer = customer_actor()
        attach_document(uow.session, case, doc_type, file, customer, replaces=current)
        receive_if_complete(uow.session, case, customer)
        row.last_used_at = utcnow()
        uow.session.add(row)
        uow.commit()
        return _view(uow.session, case, row)
