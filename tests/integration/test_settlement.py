"""One settlement model, as the account holder reads it: a negative regularisation, an upheld dispute's
credit note and a payment all settle the named invoice first, then the oldest open ones; what is left is
credit on the account. Overdue amounts and penalties follow."""

from datetime import UTC, date, datetime
from decimal import Decimal

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlmodel import select

from core.accounts import allocation, billing
from core.accounts.ledger import InvoiceStatus, account_ledger, invoice_detail
from core.models import Contract, CreditNote, Invoice, InvoiceKind, PaymentAllocation, clock_at
from core.platform.db import ROOT, UnitOfWork, create_schema
from core.services import cases, settlement
from core.services.disputes import open_dispute
from tests.factories import CLERK, SUPERVISOR, current_version, make_account

MARCH_16 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
JAN, FEB, MAR = date(2026, 1, 5), date(2026, 2, 5), date(2026, 3, 1)  # due 15 days later
KWH_300, KWH_100 = Decimal("268.62"), Decimal("89.54")  # at 0.74 lei/kWh + 21% VAT


def bill(uow, contract: Contract, on: date, kwh: int, kind: InvoiceKind = InvoiceKind.ESTIMATE) -> int:
    """An invoice of `kwh` over the last billed index (negative kWh: a regularisation after over-estimates)."""
    with uow() as u, clock_at(datetime.combine(on, datetime.min.time(), UTC)):
        live = u.session.get(Contract, contract.id)
        last = u.session.exec(select(Invoice.new_index).where(Invoice.contract_id == contract.id)
                              .order_by(Invoice.id.desc())).first() or live.start_index
        invoice = billing.issue_invoice(u.session, issued_by="billing", contract=live, period_start=on.replace(day=1),
                                        period_end=on, new_index=last + kwh, kind=kind, issue_date=on)
        u.commit()
        return invoice.id


def ledger_on(uow, contract: Contract, on: datetime = MARCH_16):
    with clock_at(on):
        return account_ledger(uow=uow(), actor=CLERK, contract_id=contract.id)


def test_a_negative_regularisation_settles_the_oldest_unpaid_invoice_and_lowers_overdue_and_penalty(uow):
    contract = make_account(uow)
    jan, feb = bill(uow, contract, JAN, 300), bill(uow, contract, FEB, 300)
    credit = bill(uow, contract, MAR, -100, InvoiceKind.REGULARISATION)
    ledger = ledger_on(uow, contract)
    assert ledger.balance == KWH_300 * 2 - KWH_100
    assert {s.invoice_id: s.open_amount for s in ledger.invoices} == {jan: KWH_300 - KWH_100, feb: KWH_300,
                                                                     credit: Decimal("0.00")}
    assert ledger.overdue == ledger.balance == Decimal("447.70")
    # 179.08 x 0.02% x 40 days (after Jan 20 + 15 days of grace) + 268.62 x 0.02% x 9 days
    assert ledger.penalty == Decimal("1.43") + Decimal("0.48")
    assert {s.invoice_id: s.status for s in ledger.invoices}[credit] == InvoiceStatus.CREDIT
    regularisation = next(e for e in ledger.entries if e.invoice_id == credit)
    assert (regularisation.debit, regularisation.credit) == (Decimal("0"), KWH_100)
    with uow() as u:
        rows = u.session.exec(select(PaymentAllocation).where(PaymentAllocation.credit_invoice_id == credit)).all()
    assert [(r.invoice_id, r.amount) for r in rows] == [(jan, KWH_100)]


def test_a_credit_invoice_larger_than_what_is_owed_leaves_credit_that_settles_the_next_invoice(uow):
    contract = make_account(uow)
    dec = bill(uow, contract, date(2025, 12, 5), 300)  # estimated and paid
    with uow() as u:
        billing.record_payment(u.session, actor=SUPERVISOR, contract=u.session.get(Contract, contract.id),
                               amount=KWH_300, channel="bank", reference="P-DEC", invoice_id=dec)
        u.commit()
    jan = bill(uow, contract, JAN, 100)
    credit = bill(uow, contract, FEB, -300, InvoiceKind.REGULARISATION)  # the meter read 300 kWh below
    with uow() as u:
        assert allocation.open_amounts(u.session, contract.id) == {dec: Decimal("0.00"), jan: Decimal("0.00"),
                                                                   credit: Decimal("0.00")}
        assert allocation.unallocated(u.session, contract.id) == KWH_300 - KWH_100
    mar = bill(uow, contract, MAR, 300)
    ledger = ledger_on(uow, contract)
    assert [s.open_amount for s in ledger.invoices] == [Decimal("0.00")] * 3 + [KWH_100]
    assert ledger.balance == KWH_100 and ledger.overdue == 0
    with clock_at(MARCH_16):
        detail = invoice_detail(uow=uow(), actor=CLERK, invoice_id=mar)
    assert [(line.payment_reference, line.amount) for line in detail.allocations] == [
        (ledger.invoices[2].series, KWH_300 - KWH_100)]


def test_an_upheld_dispute_on_an_invoice_already_paid_settles_the_next_open_invoice(uow):
    contract = make_account(uow)
    jan = bill(uow, contract, JAN, 100)
    with clock_at(datetime(2026, 1, 10, 9, tzinfo=UTC)):
        case = open_dispute(uow=uow(), actor=CLERK, invoice_id=jan,
                            form={"category": "other", "amount": "50.00", "description": "index greșit"})
    bill(uow, contract, FEB, 300)
    with uow() as u:  # the holder pays January in full while the dispute is open
        billing.record_payment(u.session, actor=SUPERVISOR, contract=u.session.get(Contract, contract.id),
                               amount=KWH_100, channel="bank", reference="P-JAN", invoice_id=jan)
        u.commit()
    for trigger, fields in (("start_review", {}), ("uphold", {"amount": "50.00", "reason": "index corectat"})):
        cases.fire_trigger(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                           trigger=trigger, actor=CLERK, **fields)
    ledger = ledger_on(uow, contract)
    assert [s.open_amount for s in ledger.invoices] == [Decimal("0.00"), KWH_300 - Decimal("50.00")]
    assert ledger.balance == ledger.overdue == KWH_300 - Decimal("50.00")


def test_settling_after_the_migration_applies_a_credit_invoice_issued_before_once(uow, engine):
    contract = make_account(uow)
    jan = bill(uow, contract, JAN, 300)
    with uow() as u:  # as issued before migration 0011: the credit invoice settled nothing
        live = u.session.get(Contract, contract.id)
        credit = billing.issue_invoice(u.session, issued_by="billing", contract=live, period_start=FEB, period_end=FEB,
                                       new_index=live.start_index + 200, kind=InvoiceKind.REGULARISATION,
                                       issue_date=FEB, allocate=False)
        u.commit()
        assert allocation.open_amounts(u.session, contract.id)[jan] == KWH_300
    assert settlement.settle_contracts(lambda: UnitOfWork(engine)) == 1
    assert settlement.settle_contracts(lambda: UnitOfWork(engine)) == 0
    with uow() as u:
        assert allocation.open_amounts(u.session, contract.id) == {jan: KWH_300 - KWH_100, credit.id: Decimal("0.00")}


def migrate(engine, revision: str) -> None:
    config = AlembicConfig(str(ROOT / "alembic.ini"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if revision != "head" else command.upgrade)(config, revision)


def test_migration_0011_turns_each_credit_note_into_the_allocation_row_it_stood_for(uow, engine):
    contract = make_account(uow)
    jan, feb = bill(uow, contract, JAN, 100), bill(uow, contract, FEB, 300)
    with uow() as u:  # before 0011 a credit note lowered its invoice directly: no allocation rows
        billing.record_payment(u.session, actor=SUPERVISOR, contract=u.session.get(Contract, contract.id),
                               amount=KWH_100, channel="bank", reference="P-JAN", invoice_id=jan)
        u.session.add_all([
            CreditNote(number="NC-2026-000001", contract_id=contract.id, invoice_id=feb, amount=Decimal("30.00"),
                       reason="index", issued_by="supervisor", issued_at=datetime(2026, 2, 20, 10, tzinfo=UTC)),
            CreditNote(number="NC-2026-000002", contract_id=contract.id, invoice_id=jan, amount=Decimal("10.00"),
                       reason="paid over", issued_by="supervisor", issued_at=datetime(2026, 2, 21, 10, tzinfo=UTC))])
        u.commit()
    try:
        migrate(engine, "0010")
        migrate(engine, "head")
    finally:
        create_schema(engine)
    with uow() as u:
        rows = u.session.exec(select(PaymentAllocation, CreditNote)
                              .join(CreditNote, CreditNote.id == PaymentAllocation.credit_note_id)).all()
        assert [(n.number, a.invoice_id, a.amount, a.created_at.replace(tzinfo=UTC) == n.issued_at.replace(tzinfo=UTC))
                for a, n in rows] == [("NC-2026-000001", feb, Decimal("30.00"), True)]  # January had nothing open
        assert allocation.unallocated(u.session, contract.id) == Decimal("10.00")
    assert settlement.settle_contracts(lambda: UnitOfWork(engine)) == 1  # the 10 lei left settle February
    with uow() as u:
        assert allocation.open_amounts(u.session, contract.id) == {jan: Decimal("0.00"),
                                                                   feb: KWH_300 - Decimal("40.00")}
