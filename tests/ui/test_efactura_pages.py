"""e-Factura where staff see it: the invoice page's block (the state at the tax authority, the rules it failed,
as text) and the dashboard's figures."""

from datetime import date

from sqlmodel import select

from core.efactura.submission import prepare_pending
from core.models import ConsumptionPlace, EfacturaSubmission, InvoiceKind
from tests.efactura_samples import account, bill
from tests.ui.conftest import texts

INVOICE = "pages/invoice.py"


def test_an_invoice_not_yet_sent_shows_its_state_and_offers_its_xml(uow, open_app):
    invoice = bill(uow, account(uow), 1200, InvoiceKind.ESTIMATE, date(2026, 10, 1))
    at = open_app("clerk", INVOICE, invoice_id=invoice.id)
    assert "RO e-Factura" in texts(at) and "Încă netrimisă" in texts(at)
    assert at.download_button(key="efactura_xml").label == "Descarcă XML"


def test_a_document_refused_by_the_rules_shows_each_failed_rule_as_text(uow, open_app):
    invoice = bill(uow, account(uow), 1200, InvoiceKind.ESTIMATE, date(2026, 10, 1))
    with uow() as u:  # a street longer than CIUS-RO allows
        place = u.session.get(ConsumptionPlace, invoice.place_id)
        place.address = "Str. **" + "Lunga" * 32 + "** nr. 1, Iași"
        u.session.add(place)
        u.commit()
    prepare_pending(uow=uow())
    with uow() as u:
        assert u.session.exec(select(EfacturaSubmission.state)).one() == "invalid"
    at = open_app("clerk", INVOICE, invoice_id=invoice.id)
    assert "Respinsă de validare (netrimisă)" in texts(at)
    assert "BR-RO-L154" in "\n".join(e.value for e in at.text)
    assert "Termen de raportare 08.10.2026" in texts(at, "caption")


def test_the_dashboard_counts_the_documents_not_accepted_and_those_past_their_deadline(uow, open_app):
    contract = account(uow)
    for n in range(3):
        bill(uow, contract, 1100 + 100 * n, InvoiceKind.ESTIMATE, date(2026, 10, 1 + n))
    prepare_pending(uow=uow())
    at = open_app("supervisor", "pages/dashboard.py")
    figures = {m.label: m.value for m in at.metric}
    assert figures["Neacceptate încă"] == "3" and figures["Cu termenul depășit"] == "3"
    assert figures["Respinse sau netransmise"] == "0"
