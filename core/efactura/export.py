"""The e-invoices of a period, streamed: rows are read in id-ordered batches (keyset, never OFFSET), each
batch's documents are built, checked and written, then the session forgets them, so memory stays flat
however many invoices the period holds."""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from core.efactura.document import EDocument, Unbuildable, credit_note_documents, invoice_documents
from core.efactura.ubl import to_xml
from core.efactura.validate import validate
from core.models import CreditNote, Invoice
from core.reports.base import Period

BATCH = 500
INVALID_DIR = "invalid"  # beside the valid files: documents the rules refuse, kept for reading
ERRORS_FILE = "errors.txt"  # one line per refused document: its number and each failed rule


@dataclass
class ExportResult:
    written: int = 0
    refused: list[str] = field(default_factory=list)  # "<number or key>: <why>"

    @property
    def total(self) -> int:
        return self.written + len(self.refused)


def period_documents(session: Session, period: Period, size: int = BATCH) -> Iterator[list[EDocument | Unbuildable]]:
    """Batches of the period's documents: invoices by issue date, then credit notes by their local issue day."""
    last_id = 0
    while rows := list(session.exec(select(Invoice).where(
            Invoice.issue_date >= period.date_from, Invoice.issue_date <= period.date_to, Invoice.id > last_id)
            .order_by(Invoice.id).limit(size))):
        last_id = rows[-1].id
        yield invoice_documents(session, rows)
        session.expunge_all()
    start, end = period.bounds()
    last_id = 0
    while notes := list(session.exec(select(CreditNote).where(
            CreditNote.issued_at >= start, CreditNote.issued_at < end, CreditNote.id > last_id)
            .order_by(CreditNote.id).limit(size))):
        last_id = notes[-1].id
        yield credit_note_documents(session, notes)
        session.expunge_all()


def _safe_name(number: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in number) + ".xml"


def export_period(*, uow, period: Period, out: Path, check: bool = True,
                  progress: Callable[[int, float], None] | None = None) -> ExportResult:
    """Writes `<number>.xml` for every document of the period into `out`; with `check`, a document the
    official rules refuse goes to `out/invalid/` instead and `out/errors.txt` names its failed rules."""
    out.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    started = time.monotonic()
    with uow, open(out / ERRORS_FILE, "w", encoding="utf-8") as errors:
        for batch in period_documents(uow.session, period):
            for doc in batch:
                if isinstance(doc, Unbuildable):
                    result.refused.append(f"{doc.number}: {doc.reason}")
                    errors.write(f"{doc.number}: {doc.reason}\n")
                    continue
                xml = to_xml(doc)
                failed = validate(xml) if check else []
                if failed:
                    (out / INVALID_DIR).mkdir(exist_ok=True)
                    (out / INVALID_DIR / _safe_name(doc.number)).write_bytes(xml)
                    reasons = "; ".join(str(f) for f in failed)
                    result.refused.append(f"{doc.number}: {reasons}")
                    errors.write(f"{doc.number}: {reasons}\n")
                else:
                    (out / _safe_name(doc.number)).write_bytes(xml)
                    result.written += 1
            if progress:
                progress(result.total, time.monotonic() - started)
    return result
