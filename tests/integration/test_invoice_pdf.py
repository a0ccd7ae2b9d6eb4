"""The invoice copy: one page drawn from the stored invoice, with its ID, Romanian money, the VAT rate
of its own date and Romanian diacritics that survive into the PDF's text."""

from datetime import UTC, date, datetime

import pypdfium2

from core.accounts import billing
from core.accounts.invoice_pdf import invoice_pdf
from core.accounts.ledger import invoice_detail
from core.models import Contract, Customer, InvoiceKind, clock_at
from tests.factories import ANALYST, CLERK, make_account


def regularisation(uow, issue_date: date, name: str | None = None, address: str | None = None) -> int:
    """1,650 kWh billed on `issue_date` to a holder with the given name and correspondence address."""
    contract = make_account(uow)
    with uow() as u, clock_at(datetime.combine(issue_date, datetime.min.time(), UTC)):
        holder = u.session.get(Customer, contract.customer_id)
        holder.name = name or holder.name
        holder.correspondence_address = address or holder.correspondence_address
        invoice = billing.issue_invoice(u.session, issued_by="billing", contract=u.session.get(Contract, contract.id),
                                        period_start=issue_date.replace(day=1), period_end=issue_date,
                                        new_index=2650, kind=InvoiceKind.REGULARISATION, issue_date=issue_date)
        u.commit()
        return invoice.id


def pdf_text(data: bytes) -> tuple[int, str]:
    pdf = pypdfium2.PdfDocument(data)
    return len(pdf), "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_an_invoice_issued_after_august_2025_prints_21_percent_vat_on_one_page(uow):
    invoice_id = regularisation(uow, date(2025, 9, 5))
    detail = invoice_detail(uow=uow(), actor=CLERK, invoice_id=invoice_id)
    pages, text = pdf_text(invoice_pdf(detail))
    assert pages == 1
    assert detail.invoice_number in text and detail.series in text and detail.payment_code in text
    assert "TVA 21%" in text and "256,41 lei" in text
    assert "1.477,41 lei" in text  # 1,650 kWh x 0.74 lei = 1,221.00 + 21% VAT
    assert "RO005E512345678" in text and "05.09.2025" in text and "20.09.2025" in text


def test_an_invoice_issued_before_august_2025_prints_19_percent_vat(uow):
    detail = invoice_detail(uow=uow(), actor=CLERK, invoice_id=regularisation(uow, date(2025, 7, 31)))
    _, text = pdf_text(invoice_pdf(detail))
    assert "TVA 19%" in text and "1.452,99 lei" in text


def test_romanian_diacritics_render_as_text_not_as_boxes(uow):
    invoice_id = regularisation(uow, date(2026, 2, 5), name="Țuțuianu Ștefan", address="Str. Învățătorilor 7, Câmpina")
    _, text = pdf_text(invoice_pdf(invoice_detail(uow=uow(), actor=CLERK, invoice_id=invoice_id)))
    assert "Țuțuianu Ștefan" in text and "Str. Învățătorilor 7, Câmpina" in text and "FACTURĂ" in text


def test_an_analyst_gets_the_copy_with_the_holder_masked(uow):
    invoice_id = regularisation(uow, date(2026, 2, 5))
    _, text = pdf_text(invoice_pdf(invoice_detail(uow=uow(), actor=ANALYST, invoice_id=invoice_id)))
    assert "Popescu" not in text and "P. I." in text and "Lalelelor" not in text


def test_a_regularisation_spanning_august_2025_prints_one_row_per_vat_rate_and_vat_per_rate(uow):
    contract = make_account(uow)
    with uow() as u:
        invoice = billing.issue_invoice(u.session, issued_by="billing", contract=u.session.get(Contract, contract.id),
                                        period_start=date(2025, 7, 15), period_end=date(2025, 8, 14), new_index=1310,
                                        kind=InvoiceKind.REGULARISATION, issue_date=date(2025, 8, 16))
        u.commit()
    detail = invoice_detail(uow=uow(), actor=CLERK, invoice_id=invoice.id)
    pages, text = pdf_text(invoice_pdf(detail))
    assert pages == 1
    assert "15.07.2025 – 31.07.2025" in text and "01.08.2025 – 14.08.2025" in text
    assert "TVA 19%" in text and "23,90 lei" in text and "TVA 21%" in text and "21,76 lei" in text
    assert "275,06 lei" in text  # 229.40 + 23.90 + 21.76: the sum of the lines


def test_a_handover_credit_is_named_on_the_final_invoice_pdf(uow):
    contract = make_account(uow)
    with uow() as u:
        live = u.session.get(Contract, contract.id)
        billing.issue_invoice(u.session, issued_by="billing", contract=live, period_start=date(2026, 9, 1),
                              period_end=date(2026, 9, 30), new_index=2000, kind=InvoiceKind.ESTIMATE,
                              issue_date=date(2026, 10, 2))
        final = billing.issue_invoice(u.session, issued_by="billing", contract=live, period_start=date(2026, 10, 1),
                                      period_end=date(2026, 10, 20), new_index=1028, kind=InvoiceKind.FINAL,
                                      issue_date=date(2026, 10, 20))
        u.commit()
    _, text = pdf_text(invoice_pdf(invoice_detail(uow=uow(), actor=CLERK, invoice_id=final.id)))
    assert "Credit la predare" in text and "-972" in text and "-870,33 lei" in text
