"""Every kind of document we issue becomes an e-invoice the official CIUS-RO artefacts accept, and one made
wrong on purpose is refused with the rule it breaks. Needs the artefacts (EFACTURA_ARTEFACTS_DIR): without
them these tests fail, saying where they looked."""

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from core.efactura.document import credit_note_key, document_for, invoice_key
from core.efactura.ubl import CAC, CBC, to_xml
from core.efactura.validate import artefacts_dir, validate
from core.models import InvoiceKind
from tests.efactura_samples import account, bill, company, compensation, credit, split_into_two_rates


@pytest.fixture(scope="module", autouse=True)
def artefacts():
    artefacts_dir()  # raises ArtefactsMissing, naming the folder and the setting


def xml_of(uow, key: str) -> bytes:
    with uow() as u:
        return to_xml(document_for(u.session, key))


def samples(uow) -> dict[str, str]:
    """One document of every kind, by name."""
    person, firm = account(uow), company(uow)
    estimate_19 = bill(uow, person, 1300, InvoiceKind.ESTIMATE, date(2025, 7, 10))
    regularisation_21 = bill(uow, person, 1250, InvoiceKind.REGULARISATION, date(2025, 9, 5))  # -50 kWh: negative
    final = bill(uow, person, 1400, InvoiceKind.FINAL, date(2026, 11, 10))
    company_estimate = bill(uow, firm, 3000, InvoiceKind.ESTIMATE, date(2026, 10, 10))
    company_regularisation = bill(uow, firm, 4200, InvoiceKind.REGULARISATION, date(2026, 11, 10))
    two_rates = split_into_two_rates(uow, company_regularisation.id, corrected_kwh=-300)
    negative_final = split_into_two_rates(uow, final.id, corrected_kwh=-900)
    return {
        "household estimate at 19%": invoice_key(estimate_19.id),
        "household negative regularisation at 21%": invoice_key(regularisation_21.id),
        "household final, negative, two rates": invoice_key(negative_final.id),
        "company estimate in Bucharest": invoice_key(company_estimate.id),
        "company regularisation, two rates": invoice_key(two_rates.id),
        "credit note on a household invoice": credit_note_key(credit(uow, final, "100.00").id),
        "credit note on a company invoice": credit_note_key(credit(uow, company_estimate, "57.31").id),
        "compensation to a household": credit_note_key(compensation(uow, person, "62.50").id),
        "compensation to a company in Bucharest": credit_note_key(compensation(uow, firm, "120.00").id),
    }


def test_a_sample_of_every_kind_of_document_passes_the_official_rules(uow):
    for name, key in samples(uow).items():
        assert validate(xml_of(uow, key)) == [], name


def test_the_negative_and_two_rate_invoices_really_are_what_their_names_say(uow):
    keys = samples(uow)
    negative = etree.fromstring(xml_of(uow, keys["household final, negative, two rates"]))
    assert Decimal(negative.findtext(f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}PayableAmount")) < 0
    rates = [e.text for e in negative.iterfind(f"{{{CAC}}}TaxTotal/{{{CAC}}}TaxSubtotal/{{{CAC}}}TaxCategory/"
                                               f"{{{CBC}}}Percent")]
    assert rates == ["21.00", "19.00"]


def test_a_document_with_a_wrong_total_is_refused_with_the_rule_it_breaks(uow):
    contract = account(uow)
    root = etree.fromstring(xml_of(uow, invoice_key(bill(uow, contract, 1200, InvoiceKind.ESTIMATE,
                                                         date(2026, 11, 10)).id)))
    total = root.find(f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}TaxInclusiveAmount")
    total.text = str(Decimal(total.text) + Decimal("1.00"))
    failed = validate(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert "BR-CO-15" in {f.rule for f in failed}


def test_a_document_that_breaks_the_schema_is_refused_before_the_rules(uow):
    contract = account(uow)
    root = etree.fromstring(xml_of(uow, invoice_key(bill(uow, contract, 1200, InvoiceKind.ESTIMATE,
                                                         date(2026, 11, 10)).id)))
    root.find(f"{{{CBC}}}IssueDate").text = "10.11.2026"
    failed = validate(etree.tostring(root))
    assert failed and {f.rule for f in failed} == {"XSD"}
