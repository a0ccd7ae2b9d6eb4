"""The account ledger as an Excel workbook, written with the shared streaming writer (core.platform.xlsx): memory
stays flat however long the history, dates are date cells, amounts numbers, and every text that came
from a person stays text, so a name like "=HYPERLINK(...)" never becomes a formula."""

import io
from collections.abc import Sequence

from xlsxwriter.workbook import Workbook

from core.accounts.ledger import Ledger, entry_detail
from core.platform import audit, xlsx
from core.platform.i18n import t
from core.platform.workdays import local_time
from core.staff.auth import Actor

WIDTHS = (12, 22, 28, 18, 14, 14, 14, 18)
COLUMNS = ("date", "kind", "reference", "detail", "debit", "credit", "balance", "status")
KINDS = (xlsx.DAY_CELL, xlsx.TEXT, xlsx.TEXT, xlsx.TEXT, xlsx.MONEY, xlsx.MONEY, xlsx.MONEY, xlsx.TEXT)


def export_ledger(*, uow, actor: Actor, ledgers: Sequence[Ledger]) -> bytes:
    """The workbook for someone who downloads it: the export is in the audit trail (who took which
    accounts' personal data out of the system, and when)."""
    data = ledger_xlsx(ledgers)
    with uow:
        audit.record_action(uow.session, actor=actor.username, role=actor.role, action="export_ledger",
                            subject=f"contract:{ledgers[-1].contract.id}",
                            details={"contracts": [ledger.contract.number for ledger in ledgers]})
        uow.commit()
    return data


def ledger_xlsx(ledgers: Ledger | Sequence[Ledger]) -> bytes:
    """One sheet per contract (a consumption place's ledgers give one sheet per holder)."""
    buffer = io.BytesIO()
    book = xlsx.open_workbook(buffer)
    styles = xlsx.Styles(book)
    for ledger in [ledgers] if isinstance(ledgers, Ledger) else ledgers:
        _sheet(book, styles, ledger)
    book.close()
    return buffer.getvalue()


def _sheet(book: Workbook, styles: xlsx.Styles, ledger: Ledger) -> None:
    ws = book.add_worksheet(ledger.contract.number[:31])
    xlsx.set_widths(ws, WIDTHS)
    period = " – ".join(d.strftime("%d.%m.%Y") if d else "…" for d in (ledger.period_from, ledger.period_to))
    header = [
        (t("ledger.xlsx.holder"), ledger.holder.name),
        (t("ledger.xlsx.pod"), ledger.place.pod),
        (t("ledger.xlsx.place"), ledger.place.address),
        (t("ledger.xlsx.contract"), ledger.contract.number),
        (t("ledger.xlsx.period"), period if ledger.period_from or ledger.period_to else t("ledger.xlsx.all_dates")),
        (t("ledger.xlsx.generated_at"), local_time(ledger.generated_at).strftime("%d.%m.%Y %H:%M")),
    ]
    first = len(header) + 3  # the table's heading row (0-based): title, header rows, balance, a blank row
    ws.freeze_panes(first + 1, 0)
    xlsx.write_text(ws, 0, 0, t("ledger.xlsx.title", contract=ledger.contract.number), styles.title)
    for row, (label, value) in enumerate(header, start=1):
        xlsx.write_text(ws, row, 0, label, styles.bold)
        xlsx.write_text(ws, row, 1, value)
    xlsx.write_text(ws, len(header) + 1, 0, t("ledger.xlsx.balance"), styles.bold)
    ws.write_number(len(header) + 1, 1, float(ledger.balance), styles.bold_amount)
    xlsx.header_row(ws, first, [t(f"ledger.col.{name}") for name in COLUMNS], styles)
    writers = xlsx.cell_writers(KINDS, styles)
    for row, entry in enumerate(ledger.entries, start=first + 1):
        xlsx.write_row(ws, row, (
            entry.on, t(f"ledger.entry.{entry.kind}"), entry.reference, entry_detail(entry),
            entry.debit or None, entry.credit or None, entry.balance,
            t(f"ledger.status.{entry.status}") if entry.status else "",
        ), writers)
    xlsx.autofilter(ws, first, first + max(len(ledger.entries), 1), len(COLUMNS))
