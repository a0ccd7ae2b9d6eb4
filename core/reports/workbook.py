"""A report as a workbook: a first sheet "Raport" (the report's name, period, filters, who generated it
and when, and the totals), then one sheet per table as an Excel table with a frozen header. Rows go
straight from the SQL stream to the file (core.platform.xlsx, constant memory); the totals are summed on the
way and written to the first sheet last, which the writer allows because each sheet streams apart."""

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import IO

from core.platform import xlsx
from core.platform.i18n import t
from core.reports.base import Filters, Period, Report, Table
from core.staff.auth import Actor

Progress = Callable[[int, int], None]  # (rows written, rows expected)
STEP = 2000  # rows between progress calls


def write_workbook(out: str | IO[bytes], *, report: Report, tables: Sequence[Table], actor: Actor, period: Period,
                   filters: Filters, generated_at: datetime, progress: Progress | None = None) -> None:
    book = xlsx.open_workbook(out)
    styles = xlsx.Styles(book)
    summary = book.add_worksheet(t("reports.sheet.summary"))
    xlsx.set_widths(summary, (34, 40))
    facts = _facts(report, actor, period, filters, generated_at)
    xlsx.write_text(summary, 0, 0, t(f"reports.name.{report.name}"), styles.title)
    for row, (name, value) in enumerate(facts, start=1):
        xlsx.write_text(summary, row, 0, name, styles.bold)
        xlsx.write_value(summary, row, 1, value, styles)
    expected, written = sum(table.count for table in tables), 0
    for table in tables:
        written = _data_sheet(book, styles, table, written, expected, progress)
    row = len(facts) + 2
    xlsx.write_text(summary, row, 0, t("reports.totals"), styles.title)
    for table in tables:
        for name, value in table.totals.items():
            row += 1
            xlsx.write_text(summary, row, 0, name, styles.bold)
            xlsx.write_value(summary, row, 1, value, styles, bold=True)
    if progress:
        progress(max(written, expected), max(written, expected))
    book.close()


def _facts(report: Report, actor: Actor, period: Period, filters: Filters, generated_at: datetime) -> list:
    chosen = t(f"case_type.{filters.case_type}") if filters.case_type else t("reports.all_types")
    return [
        (t("reports.fact.report"), t(f"reports.name.{report.name}")),
        (t("reports.fact.from"), period.date_from),
        (t("reports.fact.to"), period.date_to),
        (t("reports.fact.filters"), f"{t('reports.fact.case_type')}: {chosen}" if report.case_type_filter else "—"),
        (t("reports.fact.generated_by"), f"{actor.display_name or actor.username} ({t(f'ui.role.{actor.role}')})"),
        (t("reports.fact.generated_at"), generated_at),
    ]


def _data_sheet(book, styles: xlsx.Styles, table: Table, written: int, expected: int,
                progress: Progress | None) -> int:
    ws = book.add_worksheet(t(f"reports.sheet.{table.sheet}")[:31])
    headings = _unique([c.heading for c in table.columns])
    xlsx.set_widths(ws, [c.width for c in table.columns])
    ws.freeze_panes(1, 0)
    xlsx.header_row(ws, 0, headings, styles)
    writers = xlsx.cell_writers([c.kind for c in table.columns], styles)
    summed = [i for i, c in enumerate(table.columns) if c.total]
    sums: Counter = Counter()
    row = 0
    for row, values in enumerate(table.rows, start=1):
        xlsx.write_row(ws, row, values, writers)
        for i in summed:
            sums[i] += values[i] or 0
        if progress and (written + row) % STEP == 0:
            progress(written + row, expected)
    xlsx.add_table(ws, headings, row)
    sheet = t(f"reports.sheet.{table.sheet}")
    table.totals = {t("reports.rows", sheet=sheet): row,
                    **{f"{sheet}: {headings[i]}": _total(sums[i], table.columns[i].kind) for i in summed}}
    return written + row


def _total(value, kind: str):
    return Decimal(value).quantize(Decimal("0.01")) if kind == xlsx.MONEY else int(value)


def _unique(headings: list[str]) -> list[str]:
    """Excel refuses a table whose headings repeat: a repeated one gets a number."""
    seen: Counter = Counter()
    result = []
    for heading in headings:
        seen[heading] += 1
        result.append(heading if seen[heading] == 1 else f"{heading} ({seen[heading]})")
    return result
