"""What our rows become in the e-invoice: the PDF's amounts to the ban, the substitute for a missing CNP, and
names kept as text. (Validation against the official rules: test_efactura_validation.py.)"""

from datetime import date
from decimal import Decimal

from lxml import etree

from core.efactura.address import AddressNotUnderstood
from core.efactura.document import (
    NO_CNP,
    DocumentKind,
    credit_note_documents,
    credit_note_key,
    document_for,
    invoice_key,
)
from core.efactura.ubl import CAC, CBC, to_xml
from core.models import ConsumptionPlace, Customer, InvoiceKind
from tests.efactura_samples import account, bill, company, compensation, credit, split_into_two_rates


def test_a_two_rate_invoice_carries_each_line_and_the_stored_total_to_the_ban(uow):
    firm = company(uow)
    invoice = split_into_two_rates(uow, bill(uow, firm, 2200, InvoiceKind.REGULARISATION, date(2026, 11, 10)).id,
                                   corrected_kwh=-301)
    with uow() as u:
        doc = document_for(u.session, invoice_key(invoice.id))
    assert [(line.quantity, line.vat_rate) for line in doc.lines] == [(1200, Decimal("0.21")), (-301, Decimal("0.19"))]
    assert doc.line_total == invoice.value_net == Decimal("665.26")
    assert doc.payable == invoice.total and doc.tax_inclusive + doc.rounding == invoice.total
    assert [(g.rate, g.taxable, g.tax) for g in doc.tax_groups] == [
        (Decimal("0.21"), Decimal("888.00"), Decimal("186.48")),
        (Decimal("0.19"), Decimal("-222.74"), Decimal("-42.32"))]


def test_a_negative_regularisation_stays_an_invoice_with_negative_kwh_at_a_positive_price(uow):
    person = account(uow)
    bill(uow, person, 1300, InvoiceKind.ESTIMATE, date(2026, 10, 10))
    negative = bill(uow, person, 1200, InvoiceKind.REGULARISATION, date(2026, 11, 10))
    with uow() as u:
        root = etree.fromstring(to_xml(document_for(u.session, invoice_key(negative.id))))
    assert etree.QName(root).localname == "Invoice" and root.findtext(f"{{{CBC}}}InvoiceTypeCode") == "380"
    assert root.findtext(f"{{{CAC}}}InvoiceLine/{{{CBC}}}InvoicedQuantity") == "-100"
    assert root.findtext(f"{{{CAC}}}InvoiceLine/{{{CAC}}}Price/{{{CBC}}}PriceAmount") == "0.7400"
    assert Decimal(root.findtext(f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}PayableAmount")) == negative.total < 0


def test_a_credit_note_credits_exactly_its_amount_with_a_rounding_ban_when_no_net_gives_it(uow):
    person = account(uow)
    invoice = bill(uow, person, 1400, InvoiceKind.ESTIMATE, date(2026, 11, 10))
    exact, rounded = credit(uow, invoice, "57.31"), credit(uow, invoice, "100.00")
    with uow() as u:
        docs = credit_note_documents(u.session, [exact, rounded])
    assert all(d.kind == DocumentKind.CREDIT_NOTE and d.preceding_invoice == (invoice.series, invoice.issue_date)
               for d in docs)
    assert (docs[0].payable, docs[0].rounding) == (Decimal("57.31"), 0)
    assert docs[1].payable == Decimal("100.00") and abs(docs[1].rounding) == Decimal("0.01")
    root = etree.fromstring(to_xml(docs[1]))
    assert root.findtext(f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}PayableRoundingAmount") == f"{docs[1].rounding:.2f}"
    assert root.findtext(f"{{{CAC}}}CreditNoteLine/{{{CBC}}}CreditedQuantity") == "1"


def test_a_person_without_a_usable_cnp_is_identified_by_the_13_zeros_and_names_stay_text(uow):
    person = account(uow, name="Popescu <Ion> & Fiii")
    invoice = bill(uow, person, 1100, InvoiceKind.ESTIMATE, date(2026, 11, 10))
    with uow() as u:
        valid = document_for(u.session, invoice_key(invoice.id))
        customer = u.session.get(Customer, person.customer_id)
        customer.national_id = "1800101221140"  # a wrong check digit, as an old migrated record may have
        u.session.add(customer)
        u.commit()
        missing = document_for(u.session, invoice_key(invoice.id))
    assert valid.buyer.legal_id == "1800101221144" and missing.buyer.legal_id == NO_CNP
    root = etree.fromstring(to_xml(missing))
    assert root.findtext(f"{{{CAC}}}AccountingCustomerParty/{{{CAC}}}Party/{{{CAC}}}PartyName/{{{CBC}}}Name") == \
        "Popescu <Ion> & Fiii"


def test_a_place_whose_address_we_cannot_read_holds_its_document_back_with_the_address(uow):
    person = account(uow)
    invoice = bill(uow, person, 1100, InvoiceKind.ESTIMATE, date(2026, 11, 10))
    with uow() as u:
        place = u.session.get(ConsumptionPlace, person.place_id)
        place.address = "Str. Morii 2, Homocea"
        u.session.add(place)
        u.commit()
        try:
            document_for(u.session, invoice_key(invoice.id))
        except AddressNotUnderstood as refused:
            assert refused.address == "Str. Morii 2, Homocea"
        else:
            raise AssertionError("an unreadable address was turned into a document")


def test_a_compensation_credits_its_amount_outside_vat_naming_no_invoice_and_no_seller_vat_id(uow):
    firm = company(uow)
    note = compensation(uow, firm, "120.00")
    with uow() as u:
        root = etree.fromstring(to_xml(document_for(u.session, credit_note_key(note.id))))
    assert etree.QName(root).localname == "CreditNote" and root.findtext(f"{{{CBC}}}CreditNoteTypeCode") == "381"
    assert root.find(f"{{{CAC}}}BillingReference") is None  # it corrects no invoice
    assert Decimal(root.findtext(f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}PayableAmount")) == Decimal("120.00")
    assert root.findtext(f"{{{CAC}}}TaxTotal/{{{CBC}}}TaxAmount") == "0.00"
    category = root.find(f"{{{CAC}}}TaxTotal/{{{CAC}}}TaxSubtotal/{{{CAC}}}TaxCategory")
    assert (category.findtext(f"{{{CBC}}}ID"), category.findtext(f"{{{CBC}}}TaxExemptionReasonCode"),
            category.find(f"{{{CBC}}}Percent")) == ("O", "VATEX-EU-O", None)
    seller = root.find(f"{{{CAC}}}AccountingSupplierParty/{{{CAC}}}Party")
    assert seller.find(f"{{{CAC}}}PartyTaxScheme") is None  # BR-O-02
    assert seller.findtext(f"{{{CAC}}}PartyLegalEntity/{{{CBC}}}CompanyID").isdigit()  # the CUI identifies us
    buyer = root.find(f"{{{CAC}}}AccountingCustomerParty/{{{CAC}}}Party")
    assert buyer.findtext(f"{{{CAC}}}PartyLegalEntity/{{{CBC}}}RegistrationName") == "Lumina Construct SRL"
    assert root.findtext(f"{{{CAC}}}Delivery/{{{CAC}}}DeliveryLocation/{{{CBC}}}ID") == "RO003E000000042"
