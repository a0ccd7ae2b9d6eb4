"""The demo's scenario part (what `python -m seed_data` builds through the services before the bulk volume)
holds a document of every kind RO e-Factura must carry, and a sample of each passes the official rules.
The set of kinds seen is asserted whole, so the test fails the day a scenario stops producing one."""

from datetime import UTC, datetime

from sqlmodel import select

from core.efactura.document import credit_note_key, document_for, invoice_key
from core.efactura.ubl import to_xml
from core.efactura.validate import artefacts_dir, validate
from core.models import CreditNote, Customer, CustomerKind, Invoice, InvoiceLine, clock_at
from seed_data.builder import SCENARIO_ACCOUNTS, SCENARIO_CASES, build

KINDS = {"household", "company", "estimate", "regularisation", "final", "negative", "credit note", "two VAT rates",
         "compensation"}
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a pinned clock: the same demo on every run


def kinds_of(invoice: Invoice, customer: Customer, rates: set) -> set[str]:
    return {"company" if customer.kind == CustomerKind.COMPANY else "household", str(invoice.kind),
            *(["negative"] if invoice.total < 0 else []), *(["two VAT rates"] if len(rates) > 1 else [])}


def samples(session) -> dict[str, str]:
    """The first document of each kind, by kind."""
    rates: dict[int, set] = {}
    for invoice_id, rate in session.exec(select(InvoiceLine.invoice_id, InvoiceLine.vat_rate)):
        rates.setdefault(invoice_id, set()).add(rate)
    found: dict[str, str] = {}
    for invoice, customer in session.exec(select(Invoice, Customer).join(Customer, Customer.id == Invoice.customer_id)
                                          .order_by(Invoice.id)):
        for kind in kinds_of(invoice, customer, rates[invoice.id]):
            found.setdefault(kind, invoice_key(invoice.id))
    for note in session.exec(select(CreditNote).order_by(CreditNote.id)):  # a compensation names no invoice
        found.setdefault("credit note" if note.invoice_id is not None else "compensation", credit_note_key(note.id))
    return found


def test_the_demo_holds_every_kind_of_document_and_a_sample_of_each_passes_the_official_rules(uow, engine):
    artefacts_dir()  # raises ArtefactsMissing, naming the folder and the setting
    with clock_at(NOW):
        build(engine, accounts=SCENARIO_ACCOUNTS, cases=SCENARIO_CASES)
    with uow() as u:
        found = samples(u.session)
        xml = {kind: to_xml(document_for(u.session, key)) for kind, key in found.items()}
    assert set(found) == KINDS
    failed = {kind: [str(f) for f in validate(document)] for kind, document in xml.items()}
    assert failed == dict.fromkeys(KINDS, [])

