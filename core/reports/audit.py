"""The audit trail for a period: every recorded action, in the order of the chain (core.platform.audit), with its
case or other subject, who did it, in which role, and why (the reason is masked for roles that do not
see personal data)."""

from sqlmodel import Session, select

from core.models import AuditEvent, Case
from core.platform import xlsx
from core.reports.base import Column, Filters, Period, Report, Table, count, label, stream
from core.staff.auth import Actor
from core.staff.masking import free_text_for

COLUMNS = [
    Column("seq", xlsx.INT, 10), Column("at", xlsx.MOMENT_CELL, 17), Column("registration_number", xlsx.TEXT, 18),
    Column("subject", xlsx.TEXT, 18),
    Column("case_type", xlsx.TEXT, 20), Column("action", xlsx.TEXT, 28), Column("from_state", xlsx.TEXT, 24),
    Column("to_state", xlsx.TEXT, 24), Column("actor", xlsx.TEXT, 14), Column("role", xlsx.TEXT, 12),
    Column("reason", xlsx.TEXT, 50),
]


def build(session: Session, actor: Actor, period: Period, filters: Filters) -> list[Table]:
    start, end = period.bounds()
    conditions = [AuditEvent.at >= start, AuditEvent.at < end]
    if filters.case_type:
        conditions.append(Case.case_type == filters.case_type)
    statement = (select(AuditEvent.seq, AuditEvent.at, Case.registration_number, AuditEvent.subject, Case.case_type,
                        AuditEvent.trigger, AuditEvent.from_state, AuditEvent.to_state, AuditEvent.actor,
                        AuditEvent.role, AuditEvent.reason, Case.applicant_name)
                 .join(Case, Case.id == AuditEvent.case_id, isouter=True).where(*conditions)
                 .order_by(AuditEvent.seq))
    return [Table("audit", COLUMNS, _rows(session, statement, actor), count(session, statement))]


def _rows(session: Session, statement, actor: Actor):
    reason_shown = free_text_for(actor.role)
    for seq, at, number, subject, case_type, trigger, from_state, to_state, who, role, reason, applicant in stream(
            session, statement):
        yield (seq, at, number or "", subject or "", label("case_type", case_type), label("trigger", trigger),
               label("state", from_state), label("state", to_state), who, label("ui.role", role),
               reason_shown(reason, applicant))


REPORT = Report("audit", build, case_type_filter=True)
