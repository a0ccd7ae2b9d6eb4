"""Where people see e-Factura: an invoice's submission as staff read it, the XML of a document (what was
reported, or what would be), and the authority's answer ZIP."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from core.cases.queries import READERS, today
from core.efactura.document import document_for, invoice_key
from core.efactura.listing import SubmissionFilter, count_submissions
from core.efactura.ubl import to_xml
from core.models import EfacturaSubmission, Invoice
from core.platform.errors import NotFound
from core.staff.auth import Actor, require_role
from core.staff.masking import scrub, sees_personal_data

NOT_PREPARED = "not_prepared"  # no submission yet: the worker has not reached the document


@dataclass(frozen=True)
class SubmissionView:
    state: str  # a workflows.efactura_submission.State value, or NOT_PREPARED
    number: str
    deadline: date | None
    upload_index: str | None
    failed_rules: tuple[str, ...]
    last_error: str | None
    has_answer: bool
    late: bool  # not accepted and past its deadline
    submission_id: int | None = None  # what a re-check names, with the version the reader saw
    version: int = 0


def _submission(session: Session, key: str) -> EfacturaSubmission | None:
    return session.exec(select(EfacturaSubmission).where(EfacturaSubmission.document_key == key)).first()


def invoice_submission(*, uow, actor: Actor, invoice_id: int) -> SubmissionView:
    """The invoice's e-Factura state; rule texts scrubbed of personal data for roles that do not see it."""
    require_role(actor, READERS)
    with uow:
        invoice = uow.session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound()
        row = _submission(uow.session, invoice_key(invoice_id))
    if row is None:
        return SubmissionView(NOT_PREPARED, invoice.series, None, None, (), None, False, False)
    shown = (lambda text: text) if sees_personal_data(actor.role) else scrub
    return SubmissionView(row.state, row.number, row.deadline, row.upload_index,
                          tuple(shown(rule) for rule in row.failed_rules), row.last_error and shown(row.last_error),
                          row.answer_zip is not None, row.state != "accepted" and today() > row.deadline, row.id,
                          row.version)


def document_xml(session: Session, key: str) -> bytes:
    """The XML reported for the document, or, before it is prepared, the XML it will be reported as."""
    row = _submission(session, key)
    return row.xml if row is not None and row.xml else to_xml(document_for(session, key))


def invoice_xml(*, uow, actor: Actor, invoice_id: int) -> bytes:
    require_role(actor, READERS)
    with uow:
        if uow.session.get(Invoice, invoice_id) is None:
            raise NotFound()
        return document_xml(uow.session, invoice_key(invoice_id))


def invoice_answer(*, uow, actor: Actor, invoice_id: int) -> bytes | None:
    """The authority's signed answer ZIP for the invoice, once it has one."""
    require_role(actor, READERS)
    with uow:
        row = _submission(uow.session, invoice_key(invoice_id))
        return row.answer_zip if row is not None else None


# each figure of the dashboard and the list filter it counts (and links to)
BACKLOG_FILTERS = {"not_accepted": SubmissionFilter(state="not_accepted"), "refused": SubmissionFilter(state="refused"),
                   "late": SubmissionFilter(late=True), "due_soon": SubmissionFilter(due_soon=True)}


@dataclass(frozen=True)
class Backlog:
    """Submitted documents the authority has not accepted, for the dashboard."""

    not_accepted: int  # prepared, uploaded, refused by the rules, rejected or given up
    refused: int  # invalid, rejected or failed: someone must act
    late: int  # not accepted and past the reporting deadline
    due_soon: int  # not accepted, deadline today or within the next 2 working days


def backlog(*, uow, actor: Actor) -> Backlog:
    """The dashboard's figures, each the count of the staff list's filter it opens (core.efactura.listing)."""
    require_role(actor, READERS)
    with uow:
        return Backlog(*(count_submissions(uow.session, f) for f in BACKLOG_FILTERS.values()))
