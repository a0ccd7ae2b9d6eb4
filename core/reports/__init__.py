"""Excel reports for supervisors and analysts: the registry of reports and the one way to run one.
Each report module turns (session, actor, period, filters) into tables of rows streamed from SQL;
core.reports.workbook writes them. Read-only: nothing here changes a row or fires a trigger."""

from datetime import datetime
from typing import IO

from core.models import utcnow
from core.platform.audit import record_action
from core.platform.errors import DomainError
from core.reports import aging, audit, cases, disputes, efactura, payments, sla
from core.reports.base import Filters, Period, Report, read_whole
from core.reports.workbook import Progress, write_workbook
from core.staff.auth import Actor

REPORTS: dict[str, Report] = {r.name: r for r in (cases.REPORT, sla.REPORT, disputes.REPORT, aging.REPORT,
                                                    audit.REPORT, payments.REPORT, efactura.REPORT)}

__all__ = ["REPORTS", "Filters", "Period", "Report", "get_report", "preview", "run_report"]


def get_report(name: str) -> Report:
    if name not in REPORTS:
        raise DomainError("reports.unknown", name=name, known=", ".join(REPORTS))
    return REPORTS[name]


def run_report(*, uow, actor: Actor, name: str, period: Period, filters: Filters, out: str | IO[bytes],
               progress: Progress | None = None, generated_at: datetime | None = None) -> None:
    """Writes the report's workbook to `out` (a path or a binary file), streaming from one transaction, and
    records the export in the audit trail."""
    report = get_report(name)
    with uow:
        read_whole(uow.session)
        tables = report.tables(uow.session, actor, period, filters)
        write_workbook(out, report=report, tables=tables, actor=actor, period=period, filters=filters,
                       generated_at=generated_at or utcnow(), progress=progress)
        record_action(uow.session, actor=actor.username, role=actor.role, action="export_report",
                      subject=f"report:{name}", details={
                          "from": period.date_from.isoformat(), "to": period.date_to.isoformat(),
                          "case_type": filters.case_type})
        uow.commit()


def preview(*, uow, actor: Actor, name: str, period: Period, filters: Filters, limit: int = 20) -> tuple[list, list]:
    """(headings, first rows) of the report's first table, for a look before downloading."""
    report = get_report(name)
    with uow:
        table = report.tables(uow.session, actor, period, filters)[0]
        rows = [row for _, row in zip(range(limit), table.rows, strict=False)]
        table.rows.close()
    return [c.heading for c in table.columns], rows

