"""The account ledger as an Excel workbook (openpyxl write-only: memory stays flat however long the
history). Dates are date cells and amounts numbers, so the sheet sorts and sums; every text that came
from a person is forced to text, so a name like "=HYPERLINK(...)" never becomes a formula."""

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.i18n import t
from core.ledger import Ledger, entry_detail
from core.workdays import local_time

AMOUNT = "#,##0.00"
DAY = "DD.MM.YYYY"
WIDTHS = (12, 22, 28, 18, 14, 14, 14, 18)
COLUMNS = ("date", "kind", "reference", "detail", "debit", "credit", "balance", "status")
_BOLD, _HEADER_FILL = Font(bold=True), PatternFill("solid", fgColor="DCE6F0")


def ledger_xlsx(ledgers: Ledger | Sequence[Ledger]) -> bytes:
    """One sheet per contract (a consumption place's ledgers give one sheet per holder)."""
    workbook = Workbook(write_only=True)
    for ledger in [ledgers] if isinstance(ledgers, Ledger) else ledgers:
        _sheet(workbook, ledger)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(ws, value: str | None, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value or "")
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if font:
        cell.font = font
    return cell


def _number(ws, value, number_format: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    if font:
        cell.font = font
    return cell


def _sheet(workbook: Workbook, ledger: Ledger) -> None:
    ws = workbook.create_sheet(ledger.contract.number[:31])
    for column, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    period = " – ".join(d.strftime("%d.%m.%Y") if d else "…" for d in (ledger.period_from, ledger.period_to))
    header = [
        (t("ledger.xlsx.holder"), ledger.holder.name),
        (t("ledger.xlsx.pod"), ledger.place.pod),
        (t("ledger.xlsx.place"), ledger.place.address),
        (t("ledger.xlsx.contract"), ledger.contract.number),
        (t("ledger.xlsx.period"), period if ledger.period_from or ledger.period_to else t("ledger.xlsx.all_dates")),
        (t("ledger.xlsx.generated_at"), local_time(ledger.generated_at).strftime("%d.%m.%Y %H:%M")),
    ]
    first = len(header) + 4  # the table's heading row: title, header rows, balance, a blank row
    ws.freeze_panes = f"A{first + 1}"  # write-only: sheet views are written with the first row
    ws.append([_text(ws, t("ledger.xlsx.title", contract=ledger.contract.number), Font(bold=True, size=14))])
    for label, value in header:
        ws.append([_text(ws, label, _BOLD), _text(ws, value)])
    ws.append([_text(ws, t("ledger.xlsx.balance"), _BOLD), _number(ws, ledger.balance, AMOUNT, _BOLD)])
    ws.append([])
    headings = []
    for name in COLUMNS:
        cell = _text(ws, t(f"ledger.col.{name}"), _BOLD)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        headings.append(cell)
    ws.append(headings)
    for entry in ledger.entries:
        ws.append([
            _number(ws, entry.on, DAY), _text(ws, t(f"ledger.entry.{entry.kind}")), _text(ws, entry.reference),
            _text(ws, entry_detail(entry)),
            _number(ws, entry.debit or None, AMOUNT), _number(ws, entry.credit or None, AMOUNT),
            _number(ws, entry.balance, AMOUNT), _text(ws, t(f"ledger.status.{entry.status}") if entry.status else ""),
        ])
    last = first + max(len(ledger.entries), 1)
    ws.auto_filter.ref = f"A{first}:{get_column_letter(len(COLUMNS))}{last}"
