"""Where people see e-Factura: the invoice's state, index, deadline and answer for staff, the XML for the
customer's own invoice only, and the Excel report of every document with its state."""

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from core.efactura.anaf import HttpClient
from core.efactura.status import NOT_PREPARED, Backlog, backlog, invoice_answer, invoice_submission, invoice_xml
from core.efactura.submission import prepare_pending, run_due
from core.models import InvoiceKind, clock_at
from core.online.invoice_copy import xml_for
from core.platform.config import settings
from core.platform.errors import NotFound
from core.reports import Filters, Period, run_report
from tests.efactura_samples import account, bill, company, credit
from tests.factories import ANALYST, CLERK, SUPERVISOR
from tests.fake_anaf import FakeAuthority


@pytest.fixture
def authority(monkeypatch):
    fake = FakeAuthority()
    monkeypatch.setattr(settings, "efactura_retry_minutes", 0)
    yield fake
    fake.close()


def send_all(uow, fake):
    prepare_pending(uow=uow())
    for _ in range(2):
        run_due(uow=uow(), client=HttpClient(fake.url, fake.token_url, timeout=2))


def test_staff_see_the_state_index_and_answer_and_a_late_document_is_flagged(uow, authority):
    contract = account(uow)
    accepted = bill(uow, contract, 1200, InvoiceKind.ESTIMATE, date(2026, 10, 1))
    before = invoice_submission(uow=uow(), actor=CLERK, invoice_id=accepted.id)
    assert (before.state, before.upload_index, before.has_answer) == (NOT_PREPARED, None, False)
    built = invoice_xml(uow=uow(), actor=CLERK, invoice_id=accepted.id)
    send_all(uow, authority)
    rejected = bill(uow, contract, 1300, InvoiceKind.ESTIMATE, date(2026, 10, 2))
    authority.behaviour[rejected.series] = "reject"
    send_all(uow, authority)
    view = invoice_submission(uow=uow(), actor=CLERK, invoice_id=accepted.id)
    assert view.state == "accepted" and view.upload_index and view.has_answer and not view.late
    assert invoice_xml(uow=uow(), actor=CLERK, invoice_id=accepted.id) == built  # the XML reported is the one shown
    assert invoice_answer(uow=uow(), actor=CLERK, invoice_id=accepted.id).startswith(b"PK")
    refused = invoice_submission(uow=uow(), actor=CLERK, invoice_id=rejected.id)
    assert refused.state == "rejected" and refused.late  # issued 2 October 2026, not accepted by the 9th
    assert any("BR-RO-111" in rule for rule in refused.failed_rules)


def test_the_customer_gets_the_xml_of_their_own_invoice_only(uow):
    mine, other = account(uow), company(uow)
    invoice = bill(uow, mine, 1200, InvoiceKind.ESTIMATE, date(2026, 10, 1))
    theirs = bill(uow, other, 1200, InvoiceKind.ESTIMATE, date(2026, 10, 1))
    xml = xml_for(uow=uow(), contract_id=mine.id, invoice_number=invoice.invoice_number)
    assert invoice.series.encode() in xml and b"CIUS-RO" in xml
    with pytest.raises(NotFound):
        xml_for(uow=uow(), contract_id=mine.id, invoice_number=theirs.invoice_number)


def test_the_report_lists_every_document_with_its_state_and_masks_the_holder_for_analysts(uow, authority):
    contract = account(uow)
    sent = bill(uow, contract, 1200, InvoiceKind.ESTIMATE, date(2026, 10, 1))
    note = credit(uow, sent, "10.00", on=date(2026, 10, 5))
    send_all(uow, authority)
    waiting = bill(uow, contract, 1300, InvoiceKind.ESTIMATE, date(2026, 10, 20))
    period, sheets = Period(date(2026, 10, 1), date(2026, 10, 31)), {}
    for actor in (SUPERVISOR, ANALYST):
        out = io.BytesIO()
        run_report(uow=uow(), actor=actor, name="efactura", period=period, filters=Filters(), out=out)
        book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
        sheets[actor.role] = {ws.title: [dict(zip([c.value for c in ws[1]], [c.value for c in row], strict=True))
                                         for row in ws.iter_rows(min_row=2)] for ws in book.worksheets[1:]}
    invoices = {r["Număr document"]: r for r in sheets[SUPERVISOR.role]["Facturi"]}
    assert invoices[sent.series]["Stare e-Factura"] == "Acceptată" and invoices[sent.series]["Index încărcare"]
    assert invoices[waiting.series]["Stare e-Factura"] == "Încă netrimisă"
    assert invoices[sent.series]["Titular"] == "Popescu Ion"
    (credited,) = sheets[SUPERVISOR.role]["Note de credit"]
    assert (credited["Număr document"], credited["Stare e-Factura"]) == (note.number, "Acceptată")
    assert {r["Titular"] for r in sheets[ANALYST.role]["Facturi"]} == {"P. I."}


def test_the_backlog_counts_what_is_not_accepted_late_refused_and_due_soon(uow, authority):
    contract = account(uow)
    accepted = bill(uow, contract, 1100, InvoiceKind.ESTIMATE, date(2026, 11, 2))
    send_all(uow, authority)
    rejected = bill(uow, contract, 1200, InvoiceKind.ESTIMATE, date(2026, 11, 3))
    authority.behaviour[rejected.series] = "reject"
    send_all(uow, authority)
    bill(uow, contract, 1300, InvoiceKind.ESTIMATE, date(2026, 11, 4))  # prepared, due 11 November
    prepare_pending(uow=uow())
    with clock_at(datetime(2026, 11, 9, 9, tzinfo=UTC)):  # the rejected one is due on the 10th, the other the 11th
        assert backlog(uow=uow(), actor=ANALYST) == Backlog(not_accepted=2, refused=1, late=0, due_soon=2)
    with clock_at(datetime(2026, 11, 11, 9, tzinfo=UTC)):
        assert backlog(uow=uow(), actor=ANALYST) == Backlog(not_accepted=2, refused=1, late=1, due_soon=1)
    assert invoice_submission(uow=uow(), actor=CLERK, invoice_id=accepted.id).state == "accepted"
