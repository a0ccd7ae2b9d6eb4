"""The cases report: one row per case registered in the period, with the moment each state was first
reached (from the audit trail, pivoted in SQL; a column only for a state some case reached), the cycle time
in working days, the deadline and who assigned, verified and issued (staff members' names, not usernames)."""

from sqlalchemy import case as when
from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from core.cases.overdue import deadline_missed
from core.cases.queries import today
from core.models import AuditEvent, Case, User
from core.platform import xlsx
from core.platform.i18n import t
from core.platform.workdays import working_days_between
from core.reports.base import Column, Filters, Period, Report, Table, count, label, name_for, stream, yes_no
from core.staff.auth import Actor
from core.staff.masking import mask_phone, sees_personal_data
from core.workflow import registry

ISSUE = "issue_contract"  # the event whose actor issued the new contract


def case_conditions(period: Period, filters: Filters) -> list:
    """Cases registered in the period, of the chosen type (shared with the SLA report)."""
    start, end = period.bounds()
    conditions = [Case.registered_at >= start, Case.registered_at < end]
    if filters.case_type:
        conditions.append(Case.case_type == filters.case_type)
    return conditions


def states_shown(session: Session, conditions: list, filters: Filters) -> list[tuple[str, str]]:
    """(workflow, state) pairs that get a "reached on" column: the chosen type's (else every type's) states
    that at least one of the period's cases reached, in the workflow's order; a column nobody reached is noise."""
    chosen = registry.tables(filters.case_type or None)
    reached = set(session.exec(select(AuditEvent.workflow, AuditEvent.to_state).distinct().where(
        col(AuditEvent.case_id).in_(select(Case.id).where(*conditions)))).all())
    pairs = dict.fromkeys((wf.name, str(state)) for wf in chosen for state in wf.states)  # versions share states
    return [pair for pair in pairs if pair in reached]


def _columns(states: list[tuple[str, str]], several: bool) -> list[Column]:
    reached = [Column(f"reached_{i}", xlsx.MOMENT_CELL, 17, title=_reached_title(wf, state, several))
               for i, (wf, state) in enumerate(states)]
    return [
        Column("registration_number", xlsx.TEXT, 18), Column("case_type", xlsx.TEXT, 20),
        Column("state", xlsx.TEXT, 24), Column("applicant", xlsx.TEXT, 26), Column("phone", xlsx.TEXT, 16),
        Column("registered_at", xlsx.MOMENT_CELL, 17), *reached, Column("closed_at", xlsx.MOMENT_CELL, 17),
        Column("cycle_days", xlsx.INT, 12), Column("due_date", xlsx.DAY_CELL, 12), Column("breached", xlsx.TEXT, 10),
        Column("assignee", xlsx.TEXT, 14), Column("verifier", xlsx.TEXT, 14), Column("issuer", xlsx.TEXT, 14),
    ]


def _reached_title(workflow: str, state: str, several: bool) -> str:
    title = t("reports.col.reached", state=t(f"state.{state}"))
    return f"{title} ({t(f'case_type.{workflow}')})" if several else title


def build(session: Session, actor: Actor, period: Period, filters: Filters) -> list[Table]:
    conditions = case_conditions(period, filters)
    states = states_shown(session, conditions, filters)
    verifier, issuer = aliased(User), aliased(User)
    ev = AuditEvent
    pivot = (select(ev.case_id,
                    *[func.min(when(((ev.workflow == wf) & (ev.to_state == state), ev.at))).label(f"r{i}")
                      for i, (wf, state) in enumerate(states)],
                    func.max(when((ev.trigger == ISSUE, ev.actor))).label("issuer"))
             .where(col(ev.case_id).in_(select(Case.id).where(*conditions))).group_by(ev.case_id).subquery())
    statement = (
        select(Case.registration_number, Case.case_type, Case.state, Case.applicant_name,
               Case.data["phone"].as_string(), Case.registered_at, Case.closed_at, Case.due_date, Case.sla_status,
               Case.sla_paused_on, User.display_name, func.coalesce(verifier.display_name, Case.verified_by),
               func.coalesce(issuer.display_name, pivot.c.issuer),
               *[pivot.c[f"r{i}"] for i in range(len(states))])
        .join(pivot, pivot.c.case_id == Case.id, isouter=True)
        .join(User, User.id == Case.assignee_id, isouter=True)
        .join(verifier, verifier.username == Case.verified_by, isouter=True)
        .join(issuer, issuer.username == pivot.c.issuer, isouter=True)
        .where(*conditions).order_by(Case.id))
    columns = _columns(states, several=len({wf for wf, _ in states}) > 1)
    return [Table("cases", columns, _rows(session, statement, actor), count(session, statement))]


def _rows(session: Session, statement, actor: Actor):
    name = name_for(actor.role)
    phone = (lambda value: value or "") if sees_personal_data(actor.role) else mask_phone
    on = today()
    for (number, case_type, state, applicant, phone_number, registered, closed, due, sla_status, paused, assignee,
         verifier, issuer, *reached) in stream(session, statement):
        cycle = working_days_between(registered, closed) if closed is not None else None
        breached = deadline_missed(due, sla_status, paused, closed, on)
        yield (number, label("case_type", case_type), label("state", state), name(applicant), phone(phone_number),
               registered, *reached, closed, cycle, due, yes_no(breached), assignee, verifier, issuer)


REPORT = Report("cases", build, case_type_filter=True)
