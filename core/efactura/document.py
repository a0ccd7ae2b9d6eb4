"""Our invoices and credit notes as the e-invoice the tax authority receives: a small immutable record per
document, built from the stored rows (the invoice's lines, never its single VAT rate) in batches.

Choices the CIUS-RO rules leave to us, checked against the official artefacts (tests/integration/
test_efactura_validation.py):
- An invoice is always an Invoice (type 380), a negative regularisation or final invoice included: its
  lines keep their negative kWh at a positive unit price (BR-27 forbids only a negative price), so the XML
  carries exactly the lines and totals of the PDF and one document, not an invoice split into a credit note.
- A credit note from a dispute is a CreditNote (type 381) with positive amounts, referring to the invoice
  it credits (BG-3); its amount is the gross credit, split at the VAT rate of that invoice's consumption.
- VAT is stated per rate as the rules compute it (BR-CO-17: the rate applied to the rate's net sum); when
  that differs from the sum of the lines' VAT by a ban, the difference is the rounding amount (BT-114), so
  the amount due is always exactly the stored total.
- A compensation for a missed deadline (core.accounts.compensation) is a CreditNote naming no invoice: it
  pays damages and supplies nothing, so its line is outside the scope of VAT (category O, exemption code
  VATEX-EU-O, no rate), and as BR-O-02 requires, the supplier appears without its VAT identifier (BT-31),
  identified by its CUI (BT-30) alone.
- A person is identified by the CNP when it is a valid one, otherwise by the 13 zeros CIUS-RO defines for
  a buyer without one; a company by its CUI (BT-47: we do not know whether it is VAT-registered)."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlmodel import Session, select
from stdnum.ro import cnp

from core.accounts.money import money
from core.efactura.address import AddressNotUnderstood, PostalAddress, parse_address
from core.models import (
    ConsumptionPlace,
    Contract,
    CreditNote,
    Customer,
    CustomerKind,
    Invoice,
    InvoiceLine,
    LineKind,
)
from core.platform.config import settings
from core.platform.workdays import local_time

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"
NO_CNP = "0" * 13  # CIUS-RO: the buyer's CNP when the buyer has not given one
KWH = "KWH"  # UN/ECE Recommendation 20: kilowatt hour
PIECE = "C62"  # "one": the unit of a credit line
CREDIT_NOTE_PREFIX = "credit-note:"  # the key of a credit note among documents ("invoice:<id>" for invoices)


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


@dataclass(frozen=True)
class Party:
    name: str
    legal_id: str  # BT-30 / BT-47: CUI, CNP or the 13 zeros
    address: PostalAddress
    vat_id: str | None = None  # BT-31 / BT-48: "RO" + CUI, for a VAT-registered party
    trade_register: str | None = None  # BT-33 for the supplier
    email: str | None = None


@dataclass(frozen=True)
class Line:
    position: int
    name: str  # BT-153
    quantity: Decimal  # BT-129, negative on a correction that credits kWh
    unit: str  # BT-130
    unit_price: Decimal  # BT-146, never negative
    net: Decimal  # BT-131
    vat_rate: Decimal | None  # 0.21; None outside the scope of VAT (category O)
    period_start: date
    period_end: date


@dataclass(frozen=True)
class TaxGroup:
    rate: Decimal | None  # None: outside the scope of VAT
    taxable: Decimal  # BT-116
    tax: Decimal  # BT-117


@dataclass(frozen=True)
class EDocument:
    kind: DocumentKind
    key: str  # "invoice:<id>" or "credit-note:<id>": which of our rows it is
    number: str  # BT-1
    issue_date: date
    due_date: date | None
    period_start: date
    period_end: date
    supplier: Party
    buyer: Party
    delivery_pod: str  # BT-71: the consumption place
    delivery_address: PostalAddress
    payment_reference: str  # BT-83: the payment code the customer pays with
    iban: str
    lines: tuple[Line, ...]
    tax_groups: tuple[TaxGroup, ...]
    payable: Decimal  # BT-115: the stored total, as on the PDF
    preceding_invoice: tuple[str, date] | None = None  # BG-3 of a credit note: series and issue date
    contract_number: str = ""

    @property
    def line_total(self) -> Decimal:  # BT-106 = BT-109 (no document-level allowances)
        return sum((line.net for line in self.lines), Decimal("0.00"))

    @property
    def tax_total(self) -> Decimal:  # BT-110
        return sum((group.tax for group in self.tax_groups), Decimal("0.00"))

    @property
    def tax_inclusive(self) -> Decimal:  # BT-112
        return self.line_total + self.tax_total

    @property
    def rounding(self) -> Decimal:  # BT-114: what makes the amount due the stored total
        return self.payable - self.tax_inclusive


@dataclass(frozen=True)
class Unbuildable:
    """A row that cannot become an e-invoice (an address we cannot read), in its place in a batch."""

    key: str
    number: str
    reason: str


def invoice_key(invoice_id: int) -> str:
    return f"invoice:{invoice_id}"


def credit_note_key(note_id: int) -> str:
    return f"{CREDIT_NOTE_PREFIX}{note_id}"


def supplier(*, outside_vat: bool = False) -> Party:
    """Our company as seller; on a document outside the scope of VAT without its VAT identifier (BR-O-02)."""
    address = PostalAddress(settings.efactura_supplier_street, settings.efactura_supplier_city,
                            settings.efactura_supplier_county)
    return Party(settings.efactura_supplier_name, settings.efactura_supplier_cui, address,
                 vat_id=None if outside_vat else f"RO{settings.efactura_supplier_cui}",
                 trade_register=settings.efactura_supplier_trade_register, email=settings.efactura_supplier_email)


def buyer_id(customer: Customer) -> str:
    """The CUI of a company; a person's CNP when it is valid, else the substitute CIUS-RO defines."""
    if customer.kind == CustomerKind.COMPANY:
        return customer.national_id
    return customer.national_id if cnp.is_valid(customer.national_id or "") else NO_CNP


def tax_groups(lines: Iterable[Line]) -> tuple[TaxGroup, ...]:
    """One group per VAT rate, its VAT computed on the rate's net sum (BR-CO-17), highest rate first; the
    lines outside the scope of VAT in a group of their own, without VAT."""
    nets: dict[Decimal | None, Decimal] = {}
    for line in lines:
        nets[line.vat_rate] = nets.get(line.vat_rate, Decimal("0.00")) + line.net
    highest_first = sorted(nets.items(), key=lambda item: Decimal(-1) if item[0] is None else item[0], reverse=True)
    return tuple(TaxGroup(rate, net, money(net * rate) if rate is not None else Decimal("0.00"))
                 for rate, net in highest_first)


def _line_name(kind: str) -> str:
    return "Energie electrică activă" if kind == LineKind.CONSUMPTION else "Regularizare energie electrică activă"


def _invoice_document(invoice: Invoice, lines: Sequence[InvoiceLine], customer: Customer,
                      place: ConsumptionPlace, contract: Contract) -> EDocument:
    items = tuple(Line(line.position, _line_name(line.kind), Decimal(line.kwh), KWH,
                       Decimal(str(line.unit_price_net)), money(line.value_net), Decimal(str(line.vat_rate)),
                       line.period_start, line.period_end)
                  for line in sorted(lines, key=lambda row: row.position))
    if not items:
        raise ValueError(f"invoice {invoice.series} has no lines")
    groups = tax_groups(items)
    drift = money(invoice.total) - sum((i.net for i in items), Decimal(0)) - sum((g.tax for g in groups), Decimal(0))
    if abs(drift) > Decimal("0.01") * len(items):  # more than each line's and rate's rounding: the rows disagree
        raise ValueError(f"invoice {invoice.series}: total {money(invoice.total)} is not the sum of its lines")
    return EDocument(
        DocumentKind.INVOICE, invoice_key(invoice.id), invoice.series, invoice.issue_date, invoice.due_date,
        invoice.period_start, invoice.period_end, supplier(),
        Party(customer.name, buyer_id(customer), parse_address(invoice.correspondence_address)),
        place.pod, parse_address(place.address), contract.payment_code, settings.efactura_supplier_iban,
        items, groups, money(invoice.total), contract_number=contract.number)


def _net_of(gross: Decimal, rate: Decimal) -> Decimal:
    """The net amount whose VAT brings it exactly to `gross` when one exists (a ban either side of the
    division); otherwise the division's, and the ban left over is the document's rounding amount."""
    first = money(gross / (1 + rate))
    cent = Decimal("0.01")
    return next((net for net in (first, first - cent, first + cent) if net + money(net * rate) == gross), first)


def _credit_note_document(note: CreditNote, invoice: Invoice, lines: Sequence[InvoiceLine], customer: Customer,
                          place: ConsumptionPlace, contract: Contract) -> EDocument:
    """The gross credit split at the rate of the invoice's consumption (its current-period rate)."""
    consumption = [line for line in lines if line.kind == LineKind.CONSUMPTION] or list(lines)
    rate = Decimal(str(max(consumption, key=lambda row: row.position).vat_rate))
    amount = money(note.amount)
    net = _net_of(amount, rate)
    issued = local_time(note.issued_at).date()
    item = Line(1, f"Credit pentru factura {invoice.series}", Decimal(1), PIECE, net, net, rate,
                invoice.period_start, invoice.period_end)
    return EDocument(
        DocumentKind.CREDIT_NOTE, credit_note_key(note.id), note.number, issued, None,
        invoice.period_start, invoice.period_end, supplier(),
        Party(customer.name, buyer_id(customer), parse_address(invoice.correspondence_address)),
        place.pod, parse_address(place.address), contract.payment_code, settings.efactura_supplier_iban,
        (item,), tax_groups([item]), amount, preceding_invoice=(invoice.series, invoice.issue_date),
        contract_number=contract.number)


def _compensation_document(note: CreditNote, customer: Customer, place: ConsumptionPlace,
                           contract: Contract) -> EDocument:
    """A compensation credits the account, not an invoice: one line outside the scope of VAT, dated its day."""
    amount = money(note.amount)
    issued = local_time(note.issued_at).date()
    item = Line(1, "Compensație pentru nerespectarea unui termen (standard de performanță)", Decimal(1), PIECE,
                amount, amount, None, issued, issued)
    return EDocument(
        DocumentKind.CREDIT_NOTE, credit_note_key(note.id), note.number, issued, None, issued, issued,
        supplier(outside_vat=True),
        Party(customer.name, buyer_id(customer), parse_address(customer.correspondence_address)),
        place.pod, parse_address(place.address), contract.payment_code, settings.efactura_supplier_iban,
        (item,), tax_groups([item]), amount, contract_number=contract.number)


def _by_id(session: Session, model, wanted) -> dict:
    """The rows of `model` with these ids, in one query (none for no ids)."""
    return {row.id: row for row in session.exec(select(model).where(model.id.in_(set(wanted))))} if wanted else {}


def _related(session: Session, invoices: Sequence[Invoice]):
    """The lines, holders, places and contracts of a batch of invoices, each in one query."""
    ids = [i.id for i in invoices]
    lines: dict[int, list[InvoiceLine]] = {i: [] for i in ids}
    for line in session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id.in_(ids))):
        lines[line.invoice_id].append(line)
    customers = _by_id(session, Customer, [i.customer_id for i in invoices])
    places = _by_id(session, ConsumptionPlace, [i.place_id for i in invoices])
    contracts = _by_id(session, Contract, [i.contract_id for i in invoices])
    return lines, customers, places, contracts


def invoice_documents(session: Session, invoices: Sequence[Invoice]) -> list[EDocument | Unbuildable]:
    """The e-invoice of each invoice, in order; an invoice that cannot be one (an address we cannot read)
    is `Unbuildable` in its place, so one bad row does not stop a batch."""
    if not invoices:
        return []
    lines, customers, places, contracts = _related(session, invoices)
    out: list[EDocument | Unbuildable] = []
    for invoice in invoices:
        try:
            out.append(_invoice_document(invoice, lines[invoice.id], customers[invoice.customer_id],
                                         places[invoice.place_id], contracts[invoice.contract_id]))
        except (AddressNotUnderstood, ValueError) as error:  # reported per document by the caller
            out.append(Unbuildable(invoice_key(invoice.id), invoice.series, str(error)))
    return out


def _credit_note_builder(session: Session, notes: Sequence[CreditNote]) -> Callable[[CreditNote], EDocument]:
    """What the notes' documents are built from, read in one query per kind of row; the builder raises what
    stops one note's document (an address we cannot read)."""
    invoices = _by_id(session, Invoice, [n.invoice_id for n in notes if n.invoice_id is not None])
    lines, customers, places, contracts = _related(session, list(invoices.values()))
    compensated = _by_id(session, Contract, [n.contract_id for n in notes if n.invoice_id is None])
    holders = _by_id(session, Customer, [c.customer_id for c in compensated.values()])
    their_places = _by_id(session, ConsumptionPlace, [c.place_id for c in compensated.values()])

    def build(note: CreditNote) -> EDocument:
        if note.invoice_id is None:  # a compensation (core.accounts.compensation)
            contract = compensated[note.contract_id]
            return _compensation_document(note, holders[contract.customer_id], their_places[contract.place_id],
                                          contract)
        invoice = invoices[note.invoice_id]
        return _credit_note_document(note, invoice, lines[invoice.id], customers[invoice.customer_id],
                                     places[invoice.place_id], contracts[invoice.contract_id])
    return build


def credit_note_documents(session: Session, notes: Sequence[CreditNote]) -> list[EDocument | Unbuildable]:
    """The e-invoice (a CreditNote) of each credit note, in order, a compensation's included; errors in place
    as for invoices."""
    if not notes:
        return []
    build = _credit_note_builder(session, notes)
    out: list[EDocument | Unbuildable] = []
    for note in notes:
        try:
            out.append(build(note))
        except (AddressNotUnderstood, ValueError) as error:
            out.append(Unbuildable(credit_note_key(note.id), note.number, str(error)))
    return out


def document_for(session: Session, key: str) -> EDocument:
    """One document by its key ("invoice:7", "credit-note:3"); raises what stops it being built."""
    kind, _, raw_id = key.partition(":")
    if kind == "invoice" and (invoice := session.get(Invoice, int(raw_id))) is not None:
        lines, customers, places, contracts = _related(session, [invoice])
        return _invoice_document(invoice, lines[invoice.id], customers[invoice.customer_id],
                                 places[invoice.place_id], contracts[invoice.contract_id])
    if kind == "credit-note" and (note := session.get(CreditNote, int(raw_id))) is not None:
        return _credit_note_builder(session, [note])(note)
    raise LookupError(key)
