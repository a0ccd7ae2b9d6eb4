"""Factură: every field of the stored invoice, its status, payments and the PDF copy."""

from datetime import date

from core.accounts import billing
from core.models import Contract, InvoiceKind
from core.staff.auth import SYSTEM
from tests.factories import make_account
from tests.ui.conftest import texts

INVOICE = "pages/invoice.py"


def invoice(uow):
    contract = make_account(uow)
    with uow() as u:
        live = u.session.get(Contract, contract.id)
        issued = billing.issue_invoice(u.session, issued_by="billing", contract=live, period_start=date(2026, 1, 1),
                                       period_end=date(2026, 1, 31), new_index=2650,
                                       kind=InvoiceKind.REGULARISATION, issue_date=date(2026, 2, 5))
        billing.record_payment(u.session, actor=SYSTEM,
                               contract=live, amount="500.00", channel="bank", reference="P-500")
        u.commit()
        return issued


def test_a_clerk_opens_an_invoice_and_sees_its_fields_payments_and_pdf(uow, open_app):
    issued = invoice(uow)
    at = open_app("clerk", INVOICE, invoice_id=issued.id)
    assert at.title[0].value == f"Factura {issued.series}"
    shown = texts(at)
    for expected in (issued.invoice_number, "Regularizare", "05.02.2026", "20.02.2026", "1000 → 2650", "1650 kWh",
                     "1.221,00 lei", "TVA 21%", "256,41 lei", "1.477,41 lei", "Popescu Ion", "RO005E512345678"):
        assert expected in shown, expected
    assert {m.label: m.value for m in at.metric}["Rest de plată (lei)"] == "977,41"
    assert "Restantă" in shown  # due 20.02.2026, partly paid: the status badge
    assert list(next(d for d in at.dataframe if "reference" in d.value).value["reference"]) == ["P-500"]
    assert at.download_button(key="invoice_download").label == "Descarcă PDF"
    assert len(at.image) == 1


def test_without_an_invoice_the_page_points_to_the_ledger(uow, open_app):
    at = open_app("clerk", INVOICE)
    assert "Nicio factură aleasă" in texts(at)


def test_an_unknown_invoice_is_refused_with_a_message(uow, open_app):
    at = open_app("clerk", INVOICE, invoice_id=999)
    assert "Înregistrarea nu a fost găsită." in texts(at, "error")


def test_a_clerk_can_start_a_dispute_from_the_invoice_page(uow, open_app):
    from core.platform.i18n import t
    from tests.factories import invoice_for, make_account

    invoice = invoice_for(uow, make_account(uow))
    at = open_app("clerk", "pages/invoice.py", invoice_id=invoice.id)
    button = next(b for b in at.button if b.label == t("ui.invoice.open_dispute"))
    button.click().run()
    assert not at.exception
    assert [b.label for b in at.button if b.label == t("ui.new_dispute.submit")]  # the dispute form is open
    assert any(invoice.invoice_number in str(m.value) for m in at.markdown)


def test_a_regularisation_over_the_vat_change_shows_one_line_per_rate_on_its_page(uow, open_app):
    contract = make_account(uow)
    with uow() as u:
        issued = billing.issue_invoice(u.session, issued_by="billing", contract=u.session.get(Contract, contract.id),
                                       period_start=date(2025, 7, 15), period_end=date(2025, 8, 14), new_index=1310,
                                       kind=InvoiceKind.REGULARISATION, issue_date=date(2025, 8, 16))
        u.commit()
    at = open_app("clerk", INVOICE, invoice_id=issued.id)
    lines = next(d for d in at.dataframe if "vat_rate" in d.value).value
    assert list(lines["period"]) == ["15.07.2025 – 31.07.2025", "01.08.2025 – 14.08.2025"]
    assert list(lines["kwh"]) == [170, 140]
    assert list(lines["vat_rate"]) == ["19%", "21%"]
    assert list(lines["vat"]) == ["23,90", "21,76"]
    assert list(lines["total"]) == ["149,70", "125,36"]
    assert "TVA 19 / 21%" in texts(at) and "275,06 lei" in texts(at)
