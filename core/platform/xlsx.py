"""Writing Excel workbooks, shared by the ledger download and the reports. XlsxWriter in constant-memory
mode: each row goes to a temporary file as soon as the next one starts, so memory stays flat however
many rows, and it measured about three times faster than openpyxl's write-only mode (bench/export.py).
Dates are date cells and amounts numbers, so a sheet sorts and sums; every text is written as a string
cell (never through `write()`), so a name like "=HYPERLINK(...)" or "+40..." never becomes a formula."""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import IO, Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_range
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from core.platform.workdays import local_time

AMOUNT = "#,##0.00"  # lei with 2 decimals
DAY = "DD.MM.YYYY"
MOMENT = "DD.MM.YYYY HH:MM"

TEXT, INT, MONEY, DECIMAL, DAY_CELL, MOMENT_CELL = "text", "int", "money", "decimal", "date", "datetime"


def open_workbook(target: str | IO[bytes]) -> Workbook:
    """A workbook streaming to `target` (a path or a binary file object)."""
    return xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})


class Styles:
    """The workbook's cell formats, made once (XlsxWriter keeps one record per distinct format)."""

    def __init__(self, book: Workbook):
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.header = book.add_format({"bold": True, "bg_color": "#DCE6F0", "text_wrap": True, "valign": "vcenter"})
        self.amount = book.add_format({"num_format": AMOUNT})
        self.bold_amount = book.add_format({"num_format": AMOUNT, "bold": True})
        self.decimal = book.add_format({"num_format": "0.0"})
        self.day = book.add_format({"num_format": DAY})
        self.moment = book.add_format({"num_format": MOMENT})


def local_naive(moment: datetime) -> datetime:
    """Excel has no time zones: a stored UTC moment becomes Bucharest wall-clock time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return local_time(aware).replace(tzinfo=None)


Writer = Callable[[Worksheet, int, int, Any], Any]


def cell_writers(kinds: Sequence[str], styles: Styles) -> list[Writer]:
    """One writer per column, chosen once: the per-cell cost is what a large export spends its time on."""
    def text(ws, r, c, v):
        return ws.write_string(r, c, str(v))

    def number(fmt):
        return lambda ws, r, c, v: ws.write_number(r, c, float(v), fmt)

    def moment(ws, r, c, v):
        return ws.write_datetime(r, c, local_naive(v), styles.moment)

    def day(ws, r, c, v):
        return ws.write_datetime(r, c, v, styles.day)

    chosen = {TEXT: text, INT: number(None), MONEY: number(styles.amount), DECIMAL: number(styles.decimal),
              DAY_CELL: day, MOMENT_CELL: moment}
    return [chosen[kind] for kind in kinds]


def write_row(ws: Worksheet, row: int, values: Sequence[Any], writers: Sequence[Writer]) -> None:
    """Empty values stay blank cells (not "" nor 0), so Excel's filters show them as blanks."""
    for column, (value, write) in enumerate(zip(values, writers, strict=True)):
        if value is not None and value != "":
            write(ws, row, column, value)


def write_text(ws: Worksheet, row: int, column: int, value: str | None, fmt=None) -> None:
    ws.write_string(row, column, value or "", fmt)


def write_value(ws: Worksheet, row: int, column: int, value: Any, styles: Styles, bold: bool = False) -> None:
    """A single labelled figure on a summary sheet: amounts, counts, dates or text."""
    if isinstance(value, datetime):
        ws.write_datetime(row, column, local_naive(value), styles.moment)
    elif isinstance(value, date):
        ws.write_datetime(row, column, value, styles.day)
    elif isinstance(value, int | float):
        ws.write_number(row, column, value, styles.bold if bold else None)
    elif value is not None and not isinstance(value, str):  # Decimal: money
        ws.write_number(row, column, float(value), styles.bold_amount if bold else styles.amount)
    else:
        write_text(ws, row, column, value, styles.bold if bold else None)


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths):
        ws.set_column(column, column, width)


def header_row(ws: Worksheet, row: int, headers: Sequence[str], styles: Styles) -> None:
    for column, heading in enumerate(headers):
        write_text(ws, row, column, heading, styles.header)


def autofilter(ws: Worksheet, first_row: int, last_row: int, columns: int) -> None:
    ws.autofilter(f"A{first_row + 1}:{xl_col_to_name(columns - 1)}{last_row + 1}")


def add_table(ws: Worksheet, headers: Sequence[str], last_row: int) -> None:
    """Makes rows 0..last_row (header already written) an Excel table, with its own autofilter.

    XlsxWriter refuses tables in constant-memory mode only because add_table() would write the
    header cells, and a row already flushed cannot be written again; and add_table() records every
    cell of the range for an overlap check, which for a large sheet costs more memory than the rows
    ever did. So the table is declared over the header and one row, with the switch lifted for that
    call and the row buffer put back as it was (the header cells it queued never reach the file),
    and then stretched to the real range. Pinned XlsxWriter version; tests read the table back."""
    columns = len(headers) - 1
    buffered = {row: dict(cells) for row, cells in ws.table.items()}
    ws.constant_memory = False
    try:
        ws.add_table(0, 0, 1, columns, {"columns": [{"header": h} for h in headers], "style": "Table Style Light 9"})
    finally:
        ws.constant_memory = True
        ws.table.clear()
        ws.table.update(buffered)
    real = xl_range(0, 0, max(last_row, 1), columns)  # Excel wants at least one data row in a table
    ws.tables[-1].update({"range": real, "a_range": real, "autofilter": real})
