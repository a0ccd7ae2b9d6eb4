"""Missed-deadline compensation (ANRE performance standard, DESIGN.md §3, amounts unverified and set per
deadline kind in MISSED_DEADLINE_COMPENSATION): when a case with a regulated deadline closes late, the
customer is credited base + per day × working days late (a pause awaiting the customer never counts: the
deadline is moved by it, core.cases.overdue), once per case. The credit is a credit note naming no invoice, settled
by core.accounts.allocation like any other credit (oldest open invoices first, the rest stays as credit).

Paid by the worker after the close (core.workflow.timed_jobs): a scan of cases closed in the last
COMPENSATION_SCAN_DAYS, each paid in its own transaction that starts by claiming the case's one compensation
row (INSERT ... ON CONFLICT DO NOTHING), so two workers can never both pay it."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from core.accounts import allocation
from core.accounts.money import money
from core.cases.overdue import due_at_close
from core.models import Case, Compensation, CreditNote, Invoice, utcnow
from core.platform import numbers
from core.platform.config import settings
from core.platform.i18n import t
from core.platform.outbox import queue_email
from core.platform.workdays import local_time, working_days_late
from core.staff.auth import SYSTEM
from core.workflow import engine

ZERO = Decimal("0.00")


def deadline_kind(case: Case) -> str:
    return f"{case.case_type}.{case.deadline_name}"


def compensation_amount(days_late: int, base: Decimal, per_day: Decimal) -> Decimal:
    """Nothing when on time; otherwise the base once plus the daily amount per working day late."""
    return money(base + per_day * days_late) if days_late > 0 else ZERO


def owed(case: Case) -> tuple[date, int, Decimal] | None:
    """(deadline moved by the closing pause, working days late, lei) for a closed case whose regulated
    deadline was missed, else None."""
    rates = settings.missed_deadline_compensation.get(deadline_kind(case))
    if rates is None or case.closed_at is None or case.due_date is None:
        return None
    due = due_at_close(case.due_date, case.sla_paused_on, case.closed_at)
    days = working_days_late(due, local_time(case.closed_at).date())
    amount = compensation_amount(days, *rates)
    return (due, days, amount) if amount > 0 else None


def customer_contract(session: Session, case: Case) -> int | None:
    """The account credited: the contract the case gave the applicant, or the disputed invoice's. A late
    request that ended without a contract (rejected, cancelled) has no account here to credit."""
    if case.new_contract_id is not None:
        return case.new_contract_id
    if case.invoice_id is not None:
        return session.get(Invoice, case.invoice_id).contract_id
    return None


def candidates_statement(now: datetime):
    """SQL: ids of cases closed since the scan window opened, with a regulated deadline, not yet paid (the
    exact rule, with the working-day calendar, is `owed`)."""
    kinds = [kind.split(".", 1) for kind in settings.missed_deadline_compensation]
    regulated = [(Case.case_type == workflow) & (Case.deadline_name == deadline) for workflow, deadline in kinds]
    paid = select(Compensation.id).where(Compensation.case_id == Case.id).exists()
    return (select(Case.id).where(col(Case.closed_at) >= now - timedelta(days=settings.compensation_scan_days),
                                  col(Case.due_date).is_not(None), *([_any(regulated)] if regulated else [False]),
                                  ~paid)
            .order_by(Case.id))


def _any(conditions):
    out = conditions[0]
    for condition in conditions[1:]:
        out = out | condition
    return out


def pay(session: Session, case_id: int) -> Compensation | None:
    """Credits one late case's compensation, or None (on time, no account to credit, or another worker paid
    it first: the claim on the case's one row waits for that worker's commit, then finds the row)."""
    case = session.get(Case, case_id)
    found = owed(case)
    contract_id = customer_contract(session, case) if found else None
    if found is None or contract_id is None:
        return None
    due, days, amount = found
    closed_on = local_time(case.closed_at).date()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    claimed = session.exec(insert(Compensation).values(
        case_id=case_id, deadline_kind=deadline_kind(case), due_date=due, closed_on=closed_on, days_late=days,
        amount=amount, contract_id=contract_id, paid_at=utcnow())
        .on_conflict_do_nothing(index_elements=["case_id"]).returning(Compensation.id)).scalar()
    if claimed is None:
        return None
    lang = case.data.get("language", "ro")
    note = CreditNote(number=numbers.credit_note_number(session, local_time(utcnow()).year), contract_id=contract_id,
                      invoice_id=None, amount=amount, issued_by=SYSTEM.username,
                      reason=t("compensation.credit_reason", lang=lang, registration_number=case.registration_number,
                               days=days))
    session.add(note)
    session.flush()
    allocation.allocate(session, contract_id)
    compensation = session.get(Compensation, claimed)
    compensation.credit_note_id = note.id
    session.add(compensation)
    engine.record_event(session, case, SYSTEM, "compensation", from_state=case.state, credit_note=note.number,
                        amount=str(amount), days_late=days, due_date=due.isoformat(),
                        deadline_kind=deadline_kind(case))
    queue_email(session, recipient=case.data["email"], template="compensation.paid", lang=lang, case_id=case.id,
                name=case.data["applicant_name"], registration_number=case.registration_number, amount=amount,
                days=days, due_date=due.strftime("%d.%m.%Y"), closed_on=closed_on.strftime("%d.%m.%Y"),
                credit_note=note.number)
    return compensation


def compensation_of(session: Session, case_id: int) -> tuple[Compensation, str] | None:
    """The case's compensation with its credit note's number, for the case page."""
    found = session.exec(select(Compensation, CreditNote.number)
                         .join(CreditNote, CreditNote.id == Compensation.credit_note_id)
                         .where(Compensation.case_id == case_id)).first()
    return tuple(found) if found else None
