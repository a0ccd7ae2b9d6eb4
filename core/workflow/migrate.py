"""Moving the open cases of a workflow onto a newer version of its table, by the state map that version
declares (`Workflow.migrates_from`). A case moves only if its state is mapped and the case could be in the
mapped state under the new table: at least one of the new table's transitions into that state would let it
in now (its guards pass; one with no guards always does). Otherwise it is refused, with the reason, and keeps
running the version it was opened with, which stays registered.

Each case moves in its own transaction: the state and `workflow_version` change together with one
"migrate_version" audit event, under the case's optimistic version, so a crash or a colleague's action in
between leaves the case wholly on one version. Closed cases are never read for moving; cases already on
the target version are counted and skipped, so a second run only picks up what the first refused or missed."""

from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from core.models import Case
from core.platform.errors import StaleCase
from core.platform.i18n import t
from core.staff.auth import SYSTEM
from core.workflow import registry
from core.workflow.engine import record_event
from core.workflow.guards import GUARDS, GuardContext
from core.workflow.spec import Workflow

TRIGGER = "migrate_version"


@dataclass(frozen=True)
class Refusal:
    registration_number: str
    state: str
    reason_key: str  # a catalog key: an unmapped state, another version, or the first failing guard


@dataclass
class MigrationReport:
    workflow: str
    to_version: int
    dry_run: bool
    moves: Counter = field(default_factory=Counter)  # (from state, to state) -> cases moved (or that would be)
    refused: list[Refusal] = field(default_factory=list)
    already: int = 0  # open cases already on the target version or a newer one
    changed_meanwhile: int = 0  # changed by someone else while being moved: picked up by the next run

    @property
    def moved(self) -> int:
        return sum(self.moves.values())


def target(name: str, version: int) -> Workflow:
    """The version cases are moved to; it must declare where they come from."""
    wf = registry.get(name, version)
    if wf.migrates_from is None:
        raise LookupError(f"{name} version {version} declares no state map")
    return wf


def mapped_state(session: Session, case: Case, wf: Workflow) -> tuple[str | None, str | None]:
    """(the state the case takes under `wf`, None), or (None, the reason it may not move)."""
    state_map = wf.migrates_from
    if case.workflow_version != state_map.from_version:
        return None, "migrate.other_version"
    new_state = state_map.states.get(case.state)
    if new_state is None:
        return None, "migrate.state_unmapped"
    reason = _entry_refusal(session, case, wf, new_state)
    return (None, reason) if reason else (new_state, None)


def _entry_refusal(session: Session, case: Case, wf: Workflow, state: str) -> str | None:
    """None if one of the table's transitions into `state` would let the case in now, else the first reason."""
    entering = [tr for tr in wf.transitions if tr.dest == state]
    first = None
    with session.no_autoflush:  # the case is judged in its new state, which is never written from here
        before, case.state = case.state, state
        try:
            ctx = GuardContext(session, case, SYSTEM, wf)
            for tr in entering:
                reason = next((r for g in tr.guards if (r := GUARDS[g](ctx))), None)
                if reason is None:
                    return None
                first = first or reason
        finally:
            case.state = before
    return first


def _open_cases(name: str):
    return select(Case).where(Case.case_type == name, col(Case.closed_at).is_(None))


def migrate(*, uow_factory, name: str, to_version: int, dry_run: bool = False) -> MigrationReport:
    """Moves (or, dry, only judges) every open case of `name` below `to_version`; `uow_factory()` gives a fresh
    unit of work, one per case moved."""
    wf = target(name, to_version)
    report = MigrationReport(name, to_version, dry_run)
    with uow_factory() as uow:
        report.already = uow.session.exec(select(func.count()).select_from(
            _open_cases(name).where(Case.workflow_version >= to_version).subquery())).one()
        ids = list(uow.session.exec(select(Case.id).where(
            Case.case_type == name, col(Case.closed_at).is_(None), Case.workflow_version < to_version)
            .order_by(Case.id)))
    for case_id in ids:
        try:
            _migrate_one(uow_factory(), case_id, wf, report)
        except StaleCase:
            report.changed_meanwhile += 1
    return report


def _migrate_one(uow, case_id: int, wf: Workflow, report: MigrationReport) -> None:
    with uow:
        session = uow.session
        case = session.get(Case, case_id)
        if case is None or case.closed_at is not None or case.workflow_version >= wf.version:
            return  # closed or moved since the list was read
        new_state, reason = mapped_state(session, case, wf)
        if reason:
            report.refused.append(Refusal(case.registration_number, case.state, reason))
            return
        if report.dry_run:
            report.moves[case.state, new_state] += 1
            return
        old_state, old_version = case.state, case.workflow_version
        case.state, case.workflow_version = new_state, wf.version
        # the UPDATE carries the case's version: a change committed since the read raises StaleCase
        record_event(session, case, SYSTEM, TRIGGER, from_state=old_state,
                     from_version=old_version, to_version=wf.version)
        uow.commit()
        report.moves[old_state, new_state] += 1


def report_lines(report: MigrationReport) -> list[str]:
    """The report as the command prints it."""
    head = "migrate.dry_run_title" if report.dry_run else "migrate.title"
    lines = [t(head, workflow=report.workflow, version=report.to_version),
             t("migrate.moved" if not report.dry_run else "migrate.would_move", count=report.moved)]
    lines += [f"  {before} → {after}: {n}" for (before, after), n in sorted(report.moves.items())]
    lines.append(t("migrate.already", version=report.to_version, count=report.already))
    if report.changed_meanwhile:
        lines.append(t("migrate.changed_meanwhile", count=report.changed_meanwhile))
    lines.append(t("migrate.refused", count=len(report.refused)))
    lines += [f"  {r.registration_number} ({r.state}): {t(r.reason_key)}" for r in report.refused]
    return lines
