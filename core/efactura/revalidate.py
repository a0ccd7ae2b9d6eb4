"""Re-checking a document the official rules refused, once its data are corrected (the customer's address, say):
the XML is rebuilt from the rows as they are now and validated; when it passes, the `revalidate` transition moves
it back to `prepared` for the worker to send; otherwise it stays `invalid` with the new reasons. Either way the
re-check is one conditional UPDATE on the submission's version, so two clicks on the same version count once."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.efactura.document import Unbuildable, credit_note_documents, invoice_documents, invoice_key
from core.efactura.submission import checked_xml, fire, record
from core.models import CreditNote, EfacturaSubmission, Invoice, utcnow
from core.platform.errors import NotFound, StaleCase, TransitionRefused
from core.staff.auth import Actor, require_role
from workflows.efactura_submission import WORKFLOW, State

TRIGGER = "revalidate"
RECHECKERS = WORKFLOW.transition(TRIGGER).roles


@dataclass(frozen=True)
class RecheckContext:
    """What a re-check guard reads: the submission and the rules its rebuilt XML fails."""

    row: EfacturaSubmission
    failed_rules: list[str]


def rebuilt_xml_valid(ctx: RecheckContext) -> str | None:
    return "efactura.guard.still_invalid" if ctx.failed_rules else None


GUARDS: dict[str, Callable[[RecheckContext], str | None]] = {"rebuilt_xml_valid": rebuilt_xml_valid}


@dataclass(frozen=True)
class Recheck:
    number: str
    state: str  # prepared (on its way to the authority) or still invalid
    failed_rules: tuple[str, ...]


def _rebuilt(session: Session, row: EfacturaSubmission):
    if row.invoice_id is not None:
        return invoice_documents(session, [session.get(Invoice, row.invoice_id)])[0]
    note = session.get(CreditNote, row.credit_note_id)
    return credit_note_documents(session, [note])[0] if note is not None else Unbuildable(row.document_key,
                                                                                          row.number, "not found")


def revalidate_submission(*, uow, actor: Actor, submission_id: int, expected_version: int) -> Recheck:
    """Rebuilds and checks the refused document as the reader saw it (`expected_version`); StaleCase when
    someone re-checked it first. The slow check runs before the write, which holds its lock only briefly."""
    require_role(actor, RECHECKERS)
    with uow:
        row = uow.session.get(EfacturaSubmission, submission_id)
        if row is None:
            raise NotFound()
        if row.version != expected_version:
            raise StaleCase()
        if row.state != State.INVALID:
            raise TransitionRefused("engine.wrong_state")
        xml, failed = checked_xml(_rebuilt(uow.session, row))
    with uow:
        won = uow.session.exec(
            update(EfacturaSubmission)
            .where(EfacturaSubmission.id == submission_id, EfacturaSubmission.state == State.INVALID,
                   EfacturaSubmission.version == expected_version)
            .values(version=EfacturaSubmission.version + 1).returning(EfacturaSubmission.id)).first()
        if won is None:
            raise StaleCase()
        row = uow.session.get(EfacturaSubmission, submission_id, populate_existing=True)
        row.xml, row.failed_rules = xml, failed
        ctx = RecheckContext(row, failed)
        refusal = next((reason for guard in WORKFLOW.transition(TRIGGER).guards if (reason := GUARDS[guard](ctx))),
                       None)
        if refusal is None:
            row.attempts, row.next_attempt_at, row.last_error = 0, utcnow(), None
            fire(uow.session, row, TRIGGER, actor, failed_rules=0)
        else:
            record(uow.session, row, TRIGGER, row.state, actor, failed_rules=len(failed), refused=refusal)
        uow.commit()
        return Recheck(row.number, row.state, tuple(failed))


def invalid_versions(*, uow, invoice_id: int | None = None, batch: int = 500):
    """(id, version) of every invalid submission, or of the invoice's own (whatever its state), by id."""
    last_id = 0
    while True:
        with uow:
            query = select(EfacturaSubmission.id, EfacturaSubmission.version).where(EfacturaSubmission.id > last_id)
            if invoice_id is None:
                query = query.where(EfacturaSubmission.state == State.INVALID)
            else:
                query = query.where(EfacturaSubmission.document_key == invoice_key(invoice_id))
            found = list(uow.session.exec(query.order_by(col(EfacturaSubmission.id)).limit(batch)))
        if not found:
            return
        yield from found
        last_id = found[-1][0]
