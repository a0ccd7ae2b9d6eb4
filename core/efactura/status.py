"""Where people see e-Factura: an invoice's submission as staff read it, the XML of a document (what was
reported, or what would be), and the authority's answer ZIP."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.cases.queries import READERS, today
from core.efactura.deadlines import working_days_from
from core.efactura.document import document_for, invoice_key
from core.efactura.ubl import to_xml
from core.models import EfacturaSubmission, Invoice
from core.platform.errors import NotFound
from core.staff.auth import Actor, require_role
from core.staff.masking import scrub, sees_personal_data

NOT_PREPARED = "not_prepared"  # no submission yet: the worker has not reached the document
DUE_SOON_WORKING_DAYS = 2  # "close to the limit" on the dashboard, as for cases


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
                          row.answer_zip is not None, row.state != "accepted" and today() > row.deadline)


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


@dataclass(frozen=True)
class Backlog:
    """Submitted documents the authority has not accepted, for the dashboard."""

    not_accepted: int  # prepared, uploaded, refused by the rules, rejected or given up
    refused: int  # invalid, rejected or failed: someone must act
    late: int  # not accepted and past the reporting deadline
    due_soon: int  # not accepted, deadline today or within the next 2 working days


def backlog(*, uow, actor: Actor) -> Backlog:
    require_role(actor, READERS)
    on = today()
    soon = working_days_from(on, DUE_SOON_WORKING_DAYS)
    pending = EfacturaSubmission.state != "accepted"
    with uow:
        s = uow.session

        def number(*where) -> int:
            return s.exec(select(func.count()).select_from(EfacturaSubmission).where(pending, *where)).one()

        return Backlog(number(), number(col(EfacturaSubmission.state).in_(("invalid", "rejected", "failed"))),
                       number(EfacturaSubmission.deadline < on),
                       number(EfacturaSubmission.deadline >= on, EfacturaSubmission.deadline <= soon))
