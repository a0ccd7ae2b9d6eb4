"""Invoice lines by VAT period: a regularisation credits over-estimated kWh at the rate they were charged
and bills new kWh at the rate of their own period; a handover below the last billed index is a credit the
clerk is warned about before the contract is issued."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from core.accounts import billing
from core.accounts.handover import handover_preview
from core.accounts.invoice_lines import line_label_key
from core.models import Contract, Invoice, InvoiceKind, InvoiceLine, LineKind
from core.platform.errors import TransitionRefused
from tests.factories import (
    SUPERVISOR,
    SUPERVISOR2,
    fire,
    make_account,
    refused,
    register_case,
    review_all,
    valid_cnp,
)


def bill(uow, contract: Contract, kind: InvoiceKind, new_index: int, start: date, end: date, issued: date) -> Invoice:
    with uow() as u:
        invoice = billing.issue_invoice(u.session, issued_by="billing", contract=u.session.get(Contract, contract.id),
                                        period_start=start, period_end=end, new_index=new_index, kind=kind,
                                        issue_date=issued)
        u.commit()
        return invoice


def lines_of(uow, invoice: Invoice) -> list[tuple]:
    with uow() as u:
        return [(line.kind, line.kwh, line.vat_rate, line.value_net, line.vat, line.total)
                for line in u.session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                                           .order_by(InvoiceLine.position))]


def test_a_regularisation_in_august_credits_july_estimated_kwh_at_the_19_percent_they_were_charged(uow):
    contract = make_account(uow, start_index=1000)
    estimate = bill(uow, contract, InvoiceKind.ESTIMATE, 1300, date(2025, 7, 1), date(2025, 7, 31), date(2025, 7, 31))
    assert estimate.vat == Decimal("42.18")  # 300 kWh x 0.74 = 222.00 at 19%
    regularisation = bill(uow, contract, InvoiceKind.REGULARISATION, 1200, date(2025, 8, 1), date(2025, 8, 31),
                          date(2025, 9, 2))
    assert lines_of(uow, regularisation) == [
        (LineKind.CORRECTION, -100, Decimal("0.19"), Decimal("-74.00"), Decimal("-14.06"), Decimal("-88.06"))]
    assert (regularisation.kwh, regularisation.vat, regularisation.total) == (-100, Decimal("-14.06"),
                                                                              Decimal("-88.06"))
    assert regularisation.vat_rate == Decimal("0.21")  # the rate of the issue date, for the header only


def test_a_regularisation_over_a_period_spanning_august_splits_new_kwh_by_days(uow):
    contract = make_account(uow, start_index=1000)
    regularisation = bill(uow, contract, InvoiceKind.REGULARISATION, 1310, date(2025, 7, 15), date(2025, 8, 14),
                          date(2025, 8, 16))
    # 31 days: 17 in July at 19% (310 x 17 / 31 = 170 kWh), the remaining 140 kWh in August at 21%
    assert lines_of(uow, regularisation) == [
        (LineKind.CONSUMPTION, 170, Decimal("0.19"), Decimal("125.80"), Decimal("23.90"), Decimal("149.70")),
        (LineKind.CONSUMPTION, 140, Decimal("0.21"), Decimal("103.60"), Decimal("21.76"), Decimal("125.36"))]
    assert (regularisation.kwh, regularisation.value_net, regularisation.vat, regularisation.total) == (
        310, Decimal("229.40"), Decimal("45.66"), Decimal("275.06"))


def test_a_regularisation_credits_the_latest_estimates_first_each_at_its_own_rate(uow):
    contract = make_account(uow, start_index=1000)
    bill(uow, contract, InvoiceKind.ESTIMATE, 1200, date(2025, 6, 1), date(2025, 6, 30), date(2025, 7, 2))
    bill(uow, contract, InvoiceKind.ESTIMATE, 1300, date(2025, 7, 1), date(2025, 7, 31), date(2025, 8, 2))
    bill(uow, contract, InvoiceKind.ESTIMATE, 1350, date(2025, 8, 1), date(2025, 8, 31), date(2025, 9, 2))
    # read 1140: 210 kWh over-billed, taken back from the latest: 50 and 100 (both issued from August, at 21%),
    # then 60 of the 200 the July-issued estimate charged at 19%
    regularisation = bill(uow, contract, InvoiceKind.REGULARISATION, 1140, date(2025, 9, 1), date(2025, 9, 30),
                          date(2025, 10, 2))
    assert [(kind, kwh, rate) for kind, kwh, rate, *_ in lines_of(uow, regularisation)] == [
        (LineKind.CORRECTION, -150, Decimal("0.21")), (LineKind.CORRECTION, -60, Decimal("0.19"))]


def handover_case(uow, index: str):
    contract = make_account(uow, start_index=1000)
    bill(uow, contract, InvoiceKind.ESTIMATE, 2000, date(2026, 9, 1), date(2026, 9, 30), date(2026, 10, 2))
    case = register_case(uow, contract, handover_index=index)
    review_all(uow, case.id)
    return fire(uow, case.id, "verify_documents", SUPERVISOR)


def test_the_handover_preview_shows_the_credit_a_handover_below_the_last_billed_index_implies(uow):
    case = handover_case(uow, "1028")
    preview = handover_preview(uow=uow(), case_id=case.id, actor=SUPERVISOR2)
    assert (preview.last_billed_index, preview.last_read_index, preview.handover_index) == (2000, 1000, 1028)
    assert (preview.kwh, preview.total, preview.is_credit) == (-972, Decimal("-870.33"), True)


def test_the_final_invoice_of_a_handover_below_the_last_billed_index_is_a_credit_its_line_names(uow):
    case = handover_case(uow, "1028")
    preview = handover_preview(uow=uow(), case_id=case.id, actor=SUPERVISOR2)
    fire(uow, case.id, "issue_contract", SUPERVISOR2)
    with uow() as u:
        final = u.session.exec(select(Invoice).where(Invoice.kind == InvoiceKind.FINAL)).one()
        (line,) = u.session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == final.id)).all()
    assert (final.kwh, final.total) == (preview.kwh, preview.total) == (-972, Decimal("-870.33"))
    assert (line.kind, line.vat_rate, line.vat) == (LineKind.CORRECTION, Decimal("0.21"), Decimal("-151.05"))
    assert line_label_key(final.kind, line.kind) == "lines.kind.handover_credit"


def test_a_handover_index_at_or_above_the_last_billed_index_is_no_credit(uow):
    preview = handover_preview(uow=uow(), case_id=handover_case(uow, "2100").id, actor=SUPERVISOR2)
    assert (preview.kwh, preview.total, preview.is_credit) == (100, Decimal("89.54"), False)


def test_a_handover_index_below_a_reading_taken_after_the_request_is_refused(uow):
    case = handover_case(uow, "1028")
    with uow() as u:  # the meter is read at 1100 after the request was registered
        contract = u.session.get(Contract, case.old_contract_id)
    bill(uow, contract, InvoiceKind.REGULARISATION, 1100, date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 2))
    preview = handover_preview(uow=uow(), case_id=case.id, actor=SUPERVISOR2)
    assert (preview.last_read_index, preview.below_last_reading) == (1100, True)
    with refused(TransitionRefused, "guard.handover_index_low"):
        fire(uow, case.id, "issue_contract", SUPERVISOR2)


PLACES = itertools.count(1)
months = st.lists(st.integers(min_value=0, max_value=900), max_size=5)  # kWh each monthly estimate adds


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(months, st.integers(min_value=-4, max_value=4), st.integers(min_value=0, max_value=1500),
       st.booleans())
def test_a_stored_invoice_is_the_sum_of_its_stored_lines(uow, added, first_month, read, final):
    """Estimates from up to four months before or after the VAT change, then a reading: every invoice's kWh,
    net value, VAT and total are the sums of its lines, and what the estimates charged is what was read."""
    n = next(PLACES)
    contract = make_account(uow, pod=f"RO010E{n:09d}", national_id=valid_cnp(f"1900102{n % 100000:05d}"))
    start, index = date(2025, 8 + first_month, 1), 1000
    for kwh in added:
        index += kwh
        bill(uow, contract, InvoiceKind.ESTIMATE, index, start, start + timedelta(days=27), start + timedelta(days=29))
        start += timedelta(days=30)
    bill(uow, contract, InvoiceKind.FINAL if final else InvoiceKind.REGULARISATION, 1000 + read, start,
         start + timedelta(days=33), start + timedelta(days=35))
    with uow() as u:
        sums = {row[0]: row[1:] for row in u.session.exec(
            select(InvoiceLine.invoice_id, func.sum(InvoiceLine.kwh), func.sum(InvoiceLine.value_net),
                   func.sum(InvoiceLine.vat), func.sum(InvoiceLine.total)).group_by(InvoiceLine.invoice_id))}
        invoices = list(u.session.exec(select(Invoice).where(Invoice.contract_id == contract.id)))
    assert len(invoices) == len(added) + 1
    for invoice in invoices:
        assert (invoice.kwh, invoice.value_net, invoice.vat, invoice.total) == sums[invoice.id]
        assert invoice.kwh == invoice.new_index - invoice.old_index
    assert sum(i.kwh for i in invoices) == read
