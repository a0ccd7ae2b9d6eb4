"""The payment order file the supplier's bank imports to pay refunds: ISO 20022 pain.001.001.03 (customer
credit transfer initiation), one credit transfer per refund in RON from the supplier's account, and the
same lines as CSV. Built with lxml; names are written in the SWIFT Latin character set banks accept."""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from core.platform.config import settings

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
CURRENCY = "RON"
_NOT_SWIFT = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_FORMULA_START = "=+-@"  # a spreadsheet would run a cell starting with one of these


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str  # the refund case's registration number
    creditor_name: str
    creditor_iban: str
    amount: Decimal
    remittance: str


def swift_text(text: str, max_length: int) -> str:
    """Diacritics dropped (ș -> s), other characters outside the SWIFT set as spaces, within `max_length`."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_NOT_SWIFT.sub(" ", plain).split()).lstrip(_FORMULA_START + " ")[:max_length].strip()


def _add(parent: etree._Element, tag: str, text: str | None = None, **attrs) -> etree._Element:
    node = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node


def _path(parent: etree._Element, tags: str, text: str) -> None:
    """Nested elements in one line: "Id/IBAN" under `parent`, the last one holding `text`."""
    *outer, last = tags.split("/")
    for tag in outer:
        parent = _add(parent, tag)
    _add(parent, last, text)


def pain001(message_id: str, created: datetime, execution: date, transfers: list[Transfer]) -> bytes:
    """The XML document: a group header, one payment information block debiting the supplier, and one
    CdtTrfTxInf per refund (EndToEndId = the case number)."""
    total = sum((t.amount for t in transfers), Decimal("0.00"))
    root = etree.Element(f"{{{NAMESPACE}}}Document", nsmap={None: NAMESPACE})
    initiation = _add(root, "CstmrCdtTrfInitn")
    header = _add(initiation, "GrpHdr")
    _add(header, "MsgId", message_id)
    _add(header, "CreDtTm", created.strftime("%Y-%m-%dT%H:%M:%S"))
    _add(header, "NbOfTxs", str(len(transfers)))
    _add(header, "CtrlSum", f"{total:.2f}")
    _path(header, "InitgPty/Nm", swift_text(settings.supplier_name, 70))
    info = _add(initiation, "PmtInf")
    _add(info, "PmtInfId", message_id)
    _add(info, "PmtMtd", "TRF")
    _add(info, "NbOfTxs", str(len(transfers)))
    _add(info, "CtrlSum", f"{total:.2f}")
    _add(info, "ReqdExctnDt", execution.isoformat())
    _path(info, "Dbtr/Nm", swift_text(settings.supplier_name, 70))
    debtor_account = _add(info, "DbtrAcct")
    _path(debtor_account, "Id/IBAN", settings.supplier_iban)
    _add(debtor_account, "Ccy", CURRENCY)
    _path(info, "DbtrAgt/FinInstnId/BIC", settings.supplier_bic)
    for transfer in transfers:
        tx = _add(info, "CdtTrfTxInf")
        _path(tx, "PmtId/EndToEndId", transfer.end_to_end_id)
        _add(_add(tx, "Amt"), "InstdAmt", f"{transfer.amount:.2f}", Ccy=CURRENCY)
        _path(tx, "Cdtr/Nm", swift_text(transfer.creditor_name, 70))
        _path(tx, "CdtrAcct/Id/IBAN", transfer.creditor_iban)
        _path(tx, "RmtInf/Ustrd", swift_text(transfer.remittance, 140))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


CSV_COLUMNS = ("end_to_end_id", "creditor_name", "creditor_iban", "amount", "currency", "remittance")


def payment_csv(transfers: list[Transfer]) -> bytes:
    """The same transfers, one line each, for banks (and people) that import CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for t in transfers:
        writer.writerow((t.end_to_end_id, swift_text(t.creditor_name, 70), t.creditor_iban, f"{t.amount:.2f}",
                         CURRENCY, swift_text(t.remittance, 140)))
    return out.getvalue().encode("utf-8")
