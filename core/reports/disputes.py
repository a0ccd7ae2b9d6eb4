"""The disputes report: each payment dispute registered in the period with the amount disputed and
credited, its category and outcome and how many working days the answer took; and the same figures
summed by category and outcome in SQL."""

from sqlalchemy import func
from sqlmodel import Session, select

from core.accounts.ledger import DISPUTE
from core.cases.overdue import deadline_missed
from core.cases.queries import today
from core.models import Case, CreditNote, Invoice
from core.platform import xlsx
from core.platform.workdays import working_days_between
from core.reports.base import Column, Filters, Period, Report, Table, count, label, name_for, stream, yes_no
from core.reports.cases import case_conditions
from core.staff.auth import Actor

ROWS = [
    Column("registration_number", xlsx.TEXT, 18), Column("state", xlsx.TEXT, 26), Column("category", xlsx.TEXT, 22),
    Column("invoice", xlsx.TEXT, 14), Column("holder", xlsx.TEXT, 26),
    Column("disputed_amount", xlsx.MONEY, 14, total=True), Column("credited_amount", xlsx.MONEY, 14, total=True),
    Column("registered_at", xlsx.MOMENT_CELL, 17), Column("closed_at", xlsx.MOMENT_CELL, 17),
    Column("answer_days", xlsx.INT, 12), Column("due_date", xlsx.DAY_CELL, 12), Column("breached", xlsx.TEXT, 10),
]
SUMMARY = [
    Column("category", xlsx.TEXT, 24), Column("state", xlsx.TEXT, 26), Column("disputes", xlsx.INT, 12, total=True),
    Column("disputed_amount", xlsx.MONEY, 16, total=True), Column("credited_amount", xlsx.MONEY, 16, total=True),
]


def _credited():
    return (select(CreditNote.case_id, func.sum(CreditNote.amount).label("credited"))
            .group_by(CreditNote.case_id).subquery())


def build(session: Session, actor: Actor, period: Period, filters: Filters) -> list[Table]:
    conditions = [*case_conditions(period, Filters()), Case.case_type == DISPUTE]
    credited = _credited()
    category = Case.data["category"].as_string()
    rows = (select(Case.registration_number, Case.state, category, Invoice.invoice_number, Case.applicant_name,
                   Case.disputed_amount, credited.c.credited, Case.registered_at, Case.closed_at, Case.due_date,
                   Case.sla_status, Case.sla_paused_on)
            .join(Invoice, Invoice.id == Case.invoice_id, isouter=True)
            .join(credited, credited.c.case_id == Case.id, isouter=True)
            .where(*conditions).order_by(Case.id))
    summary = (select(category.label("category"), Case.state, func.count(),
                      func.coalesce(func.sum(Case.disputed_amount), 0), func.coalesce(func.sum(credited.c.credited), 0))
               .join(credited, credited.c.case_id == Case.id, isouter=True)
               .where(*conditions).group_by(category, Case.state).order_by(category, Case.state))
    return [Table("disputes", ROWS, _rows(session, rows, actor), count(session, rows)),
            Table("by_category", SUMMARY, _summary(session, summary), count(session, summary))]


def _rows(session: Session, statement, actor: Actor):
    name, on = name_for(actor.role), today()
    for number, state, category, invoice, holder, disputed, credited, registered, closed, due, sla, paused in stream(
            session, statement):
        days = working_days_between(registered, closed) if closed else None
        breached = deadline_missed(due, sla, paused, closed, on)
        yield (number, label("state", state), label("dispute_category", category), invoice, name(holder), disputed,
               credited, registered, closed, days, due, yes_no(breached))


def _summary(session: Session, statement):
    for category, state, disputes, disputed, credited in stream(session, statement):
        yield label("dispute_category", category), label("state", state), disputes, disputed, credited


REPORT = Report("disputes", build)
