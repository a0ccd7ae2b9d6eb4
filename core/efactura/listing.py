"""The staff list of e-Factura submissions (read-only): filtered by state or group of states, by "close to the
5-day limit" or past it, by issue period and by document number, ordered by deadline, one page at a time from
the database. The dashboard counts the same filters (`count_submissions`), so a figure and the list it opens
always agree."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import col, select

from core.cases.queries import Page, today
from core.efactura.deadlines import working_days_from
from core.models import CreditNote, EfacturaSubmission, Role
from core.staff.auth import Actor, require_role
from core.staff.masking import scrub, sees_personal_data
from workflows.efactura_submission import State

READERS = (Role.SUPERVISOR, Role.ANALYST, Role.ADMIN)  # analysts and admins read, personal data masked
DUE_SOON_WORKING_DAYS = 2  # "close to the limit", as for cases
NOT_ACCEPTED = tuple(s for s in State if s != State.ACCEPTED)
REFUSED = (State.INVALID, State.REJECTED, State.FAILED)  # someone must act
# what `state=` may name in the address: one state, or the dashboard's groups
STATE_CHOICES: dict[str, tuple[str, ...]] = {"not_accepted": NOT_ACCEPTED, "refused": REFUSED,
                                             **{str(s): (str(s),) for s in State}}


@dataclass(frozen=True)
class SubmissionFilter:
    state: str | None = None  # a key of STATE_CHOICES
    due_soon: bool = False  # not accepted, deadline today or within 2 working days
    late: bool = False  # not accepted, past its deadline
    issued: tuple[date, date] | None = None  # first and last day of issue
    number: str | None = None  # the document's own number, exactly

    def __post_init__(self):
        if self.state is not None and self.state not in STATE_CHOICES:
            raise ValueError(self.state)


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    version: int
    number: str
    invoice_id: int | None  # the invoice's page: its own, or the one a credit note corrects
    credit_note: bool
    compensation_contract_id: int | None  # a compensation corrects no invoice: its account's ledger instead
    issue_date: date
    deadline: date
    state: str
    late: bool
    upload_index: str | None
    failed_rules: tuple[str, ...]  # as text; scrubbed of personal data for roles that do not see it


def _where(filters: SubmissionFilter) -> list:
    on, s = today(), EfacturaSubmission
    where = []
    if filters.state:
        where.append(col(s.state).in_(STATE_CHOICES[filters.state]))
    if filters.due_soon or filters.late:
        where.append(col(s.state).in_(NOT_ACCEPTED))
    if filters.due_soon:
        where += [s.deadline >= on, s.deadline <= working_days_from(on, DUE_SOON_WORKING_DAYS)]
    if filters.late:
        where.append(s.deadline < on)
    if filters.issued:
        where += [s.issue_date >= filters.issued[0], s.issue_date <= filters.issued[1]]
    if filters.number:
        where.append(s.number == filters.number)
    return where


def count_submissions(session, filters: SubmissionFilter) -> int:
    return session.exec(select(func.count()).select_from(EfacturaSubmission).where(*_where(filters))).one()


def list_submissions(*, uow, actor: Actor, filters: SubmissionFilter, page: int = 1, page_size: int = 25) -> Page:
    """One page of the submissions matching `filters`, the nearest deadline first."""
    require_role(actor, READERS)
    shown = (lambda text: text) if sees_personal_data(actor.role) else scrub
    s = EfacturaSubmission
    columns = (s.id, s.version, s.number, s.invoice_id, s.credit_note_id, s.issue_date, s.deadline, s.state,
               s.upload_index, s.failed_rules, CreditNote.invoice_id, CreditNote.contract_id)  # not the XML nor ZIP
    with uow:
        total = count_submissions(uow.session, filters)
        page = min(max(page, 1), max(1, -(-total // page_size)))
        found = uow.session.exec(
            select(*columns).outerjoin(CreditNote, CreditNote.id == s.credit_note_id)
            .where(*_where(filters)).order_by(s.deadline, s.id).offset((page - 1) * page_size).limit(page_size))
        on = today()
        rows = [SubmissionRow(id_, version, number, invoice_id or credited, note_id is not None,
                              account if note_id is not None and credited is None else None, issued, deadline,
                              state, state != State.ACCEPTED and deadline < on, index,
                              tuple(shown(rule) for rule in rules))
                for id_, version, number, invoice_id, note_id, issued, deadline, state, index, rules, credited, account
                in found]
    return Page(rows, total, page, page_size)
