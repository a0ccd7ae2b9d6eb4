"""UBL 2.1 Invoice / CreditNote XML of an `EDocument`, element by element with lxml (never a text template,
so a name with "<" or "&" stays text). Element order is the schema's; amounts carry two decimals."""

from decimal import Decimal

from lxml import etree

from core.efactura.address import PostalAddress
from core.efactura.document import CUSTOMIZATION_ID, DocumentKind, EDocument, Party

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
ROOT_NS = {DocumentKind.INVOICE: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
           DocumentKind.CREDIT_NOTE: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"}
CURRENCY = "RON"
INVOICE_TYPE, CREDIT_NOTE_TYPE = "380", "381"  # UNTDID 1001, both allowed by BR-RO-020
OUTSIDE_VAT_REASON = "VATEX-EU-O"  # CEF VATEX: not subject to VAT


def _amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def _plain(value: Decimal) -> str:
    """A quantity or price without a float's exponent or trailing noise ("150", "0.7400")."""
    return f"{value:f}"


def _percent(rate: Decimal) -> str:
    return _amount(rate * 100)


class _Builder:
    def __init__(self, root: etree._Element):
        self.root = root

    @staticmethod
    def cbc(parent: etree._Element, name: str, text: str, **attrs: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{CBC}}}{name}", attrs)
        element.text = text
        return element

    @staticmethod
    def cac(parent: etree._Element, name: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{CAC}}}{name}")

    def money(self, parent: etree._Element, name: str, value: Decimal) -> None:
        self.cbc(parent, name, _amount(value), currencyID=CURRENCY)


def to_xml(doc: EDocument) -> bytes:
    """The document as UTF-8 UBL 2.1 with the CIUS-RO customisation."""
    credit = doc.kind == DocumentKind.CREDIT_NOTE
    tag = "CreditNote" if credit else "Invoice"
    root = etree.Element(f"{{{ROOT_NS[doc.kind]}}}{tag}", nsmap={None: ROOT_NS[doc.kind], "cbc": CBC, "cac": CAC})
    b = _Builder(root)
    b.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    b.cbc(root, "ID", doc.number)
    b.cbc(root, "IssueDate", doc.issue_date.isoformat())
    if doc.due_date and not credit:
        b.cbc(root, "DueDate", doc.due_date.isoformat())
    b.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", CREDIT_NOTE_TYPE if credit else INVOICE_TYPE)
    if doc.contract_number:
        b.cbc(root, "Note", f"Contract {doc.contract_number}; cod de plată {doc.payment_reference}")
    b.cbc(root, "DocumentCurrencyCode", CURRENCY)
    period = b.cac(root, "InvoicePeriod")
    b.cbc(period, "StartDate", doc.period_start.isoformat())
    b.cbc(period, "EndDate", doc.period_end.isoformat())
    if doc.preceding_invoice:
        reference = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(reference, "ID", doc.preceding_invoice[0])
        b.cbc(reference, "IssueDate", doc.preceding_invoice[1].isoformat())
    if doc.contract_number:
        b.cbc(b.cac(root, "ContractDocumentReference"), "ID", doc.contract_number)
    _party(b, b.cac(root, "AccountingSupplierParty"), doc.supplier)
    _party(b, b.cac(root, "AccountingCustomerParty"), doc.buyer)
    delivery = b.cac(root, "Delivery")
    location = b.cac(delivery, "DeliveryLocation")
    b.cbc(location, "ID", doc.delivery_pod)
    _address(b, location, doc.delivery_address, "Address")
    _payment_means(b, root, doc)
    taxes = b.cac(root, "TaxTotal")
    b.money(taxes, "TaxAmount", doc.tax_total)
    for group in doc.tax_groups:
        subtotal = b.cac(taxes, "TaxSubtotal")
        b.money(subtotal, "TaxableAmount", group.taxable)
        b.money(subtotal, "TaxAmount", group.tax)
        _category(b, subtotal, "TaxCategory", group.rate, breakdown=True)
    totals = b.cac(root, "LegalMonetaryTotal")
    b.money(totals, "LineExtensionAmount", doc.line_total)
    b.money(totals, "TaxExclusiveAmount", doc.line_total)
    b.money(totals, "TaxInclusiveAmount", doc.tax_inclusive)
    if doc.rounding:
        b.money(totals, "PayableRoundingAmount", doc.rounding)
    b.money(totals, "PayableAmount", doc.payable)
    for line in doc.lines:
        element = b.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        b.cbc(element, "ID", str(line.position))
        b.cbc(element, "CreditedQuantity" if credit else "InvoicedQuantity", _plain(line.quantity), unitCode=line.unit)
        b.money(element, "LineExtensionAmount", line.net)
        line_period = b.cac(element, "InvoicePeriod")
        b.cbc(line_period, "StartDate", line.period_start.isoformat())
        b.cbc(line_period, "EndDate", line.period_end.isoformat())
        item = b.cac(element, "Item")
        b.cbc(item, "Name", line.name)
        _category(b, item, "ClassifiedTaxCategory", line.vat_rate)
        b.cbc(b.cac(element, "Price"), "PriceAmount", _plain(line.unit_price), currencyID=CURRENCY)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _category(b: _Builder, parent: etree._Element, name: str, rate: Decimal | None, *, breakdown: bool = False) -> None:
    """Standard rate (S) with its percent; outside the scope of VAT (O) without one, its VAT breakdown
    stating why (BR-O-10: the exemption reason code)."""
    category = b.cac(parent, name)
    if rate is None:
        b.cbc(category, "ID", "O")
        if breakdown:
            b.cbc(category, "TaxExemptionReasonCode", OUTSIDE_VAT_REASON)
    else:
        b.cbc(category, "ID", "S")
        b.cbc(category, "Percent", _percent(rate))
    b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")


def _address(b: _Builder, parent: etree._Element, address: PostalAddress, name: str = "PostalAddress") -> None:
    element = b.cac(parent, name)
    b.cbc(element, "StreetName", address.street)
    b.cbc(element, "CityName", address.city)
    b.cbc(element, "CountrySubentity", address.county)
    b.cbc(b.cac(element, "Country"), "IdentificationCode", "RO")


def _party(b: _Builder, parent: etree._Element, party: Party) -> None:
    element = b.cac(parent, "Party")
    b.cbc(b.cac(element, "PartyName"), "Name", party.name)
    _address(b, element, party.address)
    if party.vat_id:
        scheme = b.cac(element, "PartyTaxScheme")
        b.cbc(scheme, "CompanyID", party.vat_id)
        b.cbc(b.cac(scheme, "TaxScheme"), "ID", "VAT")
    legal = b.cac(element, "PartyLegalEntity")
    b.cbc(legal, "RegistrationName", party.name)
    b.cbc(legal, "CompanyID", party.legal_id)
    if party.trade_register:
        b.cbc(legal, "CompanyLegalForm", party.trade_register)
    if party.email:
        b.cbc(b.cac(element, "Contact"), "ElectronicMail", party.email)


def _payment_means(b: _Builder, root: etree._Element, doc: EDocument) -> None:
    means = b.cac(root, "PaymentMeans")
    b.cbc(means, "PaymentMeansCode", "42")  # UNTDID 4461: payment to bank account
    b.cbc(means, "PaymentID", doc.payment_reference)
    b.cbc(b.cac(means, "PayeeFinancialAccount"), "ID", doc.iban)
