"""The dashboard figures and the aging report that must stay fast at national size: on the demo dataset
they equal the per-row computation they replaced (each invoice's total less what settled it, each
payment's local day, each open case's working days, the LEAD() window over each case's events and the
working days of each closing counted in Python), and each reads the index meant for it."""

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from core.accounts import billing
from core.accounts.money import money
from core.cases import dashboard
from core.cases.dashboard import DashboardFilter
from core.cases.queries import today
from core.models import AuditEvent, Case, Contract, Invoice, Payment, PaymentAllocation, PaymentDay, clock_at
from core.platform import audit
from core.platform.db import create_schema
from core.platform.workdays import local_time, working_days_between
from core.reports import Filters, Period, aging
from core.staff.auth import SYSTEM
from seed_data.builder import build
from tests.factories import SUPERVISOR, make_account
from tests.integration.test_ledger import bill
from tests.integration.test_settlement import migrate
from tests.settlement_invariants import check_payment_days
from tests.stay_marks import check_stay_marks, cycle_times_before, dwell_before

NOW = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)  # the demo seed's pinned clock (test_seed)
HISTORY = DashboardFilter(date(2025, 1, 1), date(2026, 3, 16))
MARCH = DashboardFilter(date(2026, 3, 1), date(2026, 3, 16))  # stays and cases begun before it are left out
ZERO = Decimal("0.00")


@pytest.fixture
def seeded(uow, engine):
    with clock_at(NOW):
        build(engine, accounts=40, cases=20, seed=7)


def read(uow, query, filters: DashboardFilter = HISTORY):
    with clock_at(NOW):
        return query(uow=uow(), actor=SUPERVISOR, filters=filters)


def bucket(days: int) -> str:
    return next(label for label, low, high in dashboard.AGE_BUCKETS if low <= days and (high is None or days <= high))


def row_by_row(uow):
    """The figures computed one row at a time in Python, as before the maintained open amounts."""
    with uow() as u, clock_at(NOW):
        s = u.session
        settled = defaultdict(Decimal)
        for invoice_id, amount in s.exec(select(PaymentAllocation.invoice_id, PaymentAllocation.amount)):
            settled[invoice_id] += Decimal(str(amount))
        overdue = sum((money(i.total - settled[i.id]) for i in s.exec(select(Invoice))
                       if i.total > 0 and i.due_date < today() and i.total - settled[i.id] > 0), ZERO)
        days = defaultdict(Decimal)
        for paid_at, amount in s.exec(select(Payment.paid_at, Payment.amount)):
            days[local_time(paid_at.replace(tzinfo=UTC)).date()] += Decimal(str(amount))
        ages = Counter(bucket(working_days_between(registered.replace(tzinfo=UTC), NOW))
                       for registered in s.exec(select(Case.registered_at).where(Case.closed_at.is_(None))))
    return overdue, days, ages


def test_on_the_demo_data_every_figure_equals_the_row_by_row_computation(seeded, uow):
    overdue, days, ages = row_by_row(uow)
    assert overdue > 0 and len(days) > 30 and sum(ages.values()) > 5  # the dataset has something to show
    assert read(uow, dashboard.overdue_receivables) == overdue
    assert {d.day: d.amount for d in read(uow, dashboard.payments_per_day) if d.amount} == {
        day: money(amount) for day, amount in days.items() if amount and HISTORY.date_from <= day <= NOW.date()}
    assert {a.label: a.count for a in read(uow, dashboard.open_cases_by_age)} == {
        label: ages[label] for label, _, _ in dashboard.AGE_BUCKETS}


@pytest.mark.parametrize("filters", [HISTORY, MARCH, replace(HISTORY, case_type="payment_dispute")],
                         ids=["history", "march", "disputes"])
def test_cycle_times_and_time_in_state_equal_their_definitions_before_the_stored_marks(seeded, uow, filters):
    with uow() as u:
        assert len(check_stay_marks(u.session)) > 5  # closings by the scenarios (engine) and the bulk part
        cycles, dwell = cycle_times_before(u.session, filters), dwell_before(u.session, filters, NOW)
    assert cycles and dwell
    assert read(uow, dashboard.cycle_times, filters) == cycles
    assert read(uow, dashboard.time_in_state, filters) == dwell


def plan(uow, statement) -> str:
    """The statement's query plan. On PostgreSQL sequential scans are priced out, so that on a test-sized
    table the plan still shows whether an index can serve the query at all (at national size the planner
    picks it by itself: see the README's measurements)."""
    with uow() as u:
        connection = u.session.connection()
        compiled = statement.compile(connection, compile_kwargs={"render_postcompile": True})
        params = compiled.params
        if connection.dialect.positional:
            params = tuple(params[name] for name in compiled.positiontup)
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            return "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}", params))
        return "\n".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params))


def test_each_figure_reads_the_index_meant_for_it(seeded, uow, engine):
    day_key = "paymentday_pkey" if engine.dialect.name == "postgresql" else "sqlite_autoindex_paymentday_1"
    with clock_at(NOW):
        figures = {
            "ix_invoice_open_due": dashboard.overdue_receivables_statement(today()),
            day_key: dashboard.payments_statement(HISTORY.date_from, HISTORY.date_to),
            "ix_case_open_due": dashboard.ages_statement(NOW),
        }
    for index, statement in figures.items():
        shown = plan(uow, statement)
        assert index in shown, shown
        assert "payment " not in shown.replace("paymentday", "")  # never the payments themselves
    with uow() as u, clock_at(NOW):
        marked = dashboard._Read(u.session, HISTORY, SUPERVISOR, NOW)
        cycles, dwell = dashboard.cycle_statement(marked), dashboard.dwell_statement(marked)
    shown = plan(uow, cycles)  # the closings alone, never a join to the cases
    assert "service_case" not in shown, shown
    # SQLite, without statistics, takes the closings by state and time (ix_auditevent_state_at) instead
    closings = "ix_auditevent_closings" if engine.dialect.name == "postgresql" else "USING INDEX ix_auditevent_"
    assert closings in shown, shown
    shown = plan(uow, dwell)  # the stays ended and those still running, no window over the events
    assert "ix_auditevent_stays" in shown and "ix_case_state_entered" in shown, shown
    assert "WindowAgg" not in shown and "ix_auditevent_case_at" not in shown, shown
    aging_plan = plan(uow, select(aging.open_invoices(Period(date(2026, 3, 1), date(2026, 3, 16)))))
    assert "ix_invoice_open_due" in aging_plan, aging_plan
    if engine.dialect.name == "postgresql":  # SQLite, without statistics, walks allocations in invoice order
        assert "ix_paymentallocation_created_at" in aging_plan, aging_plan


def split_that_drifts(total: Decimal) -> tuple[Decimal, Decimal]:
    """Two payments adding up to `total` whose binary floating-point sum falls just short of it (as
    SQLite's SUM over REAL values does), so only exact arithmetic sees the invoice as paid."""
    cents = int(total * 100)
    for first in range(1, cents):
        a, b = Decimal(first) / 100, Decimal(cents - first) / 100
        if float(a) + float(b) < float(total):
            return a, b
    raise AssertionError(f"no drifting split of {total}")


def test_aging_does_not_list_an_account_whose_invoices_were_paid_in_parts(uow):
    paid, owing = make_account(uow), make_account(uow, pod="RO005E512345699", national_id="1800101221152")
    invoice = bill(uow, paid, date(2026, 2, 2), 137)
    bill(uow, owing, date(2026, 2, 2), 80)
    with uow() as u:
        total = u.session.get(Invoice, invoice).total
        for n, amount in enumerate(split_that_drifts(total)):
            with clock_at(datetime(2026, 2, 10 + n, 10, tzinfo=UTC)):  # settled then, before the period's end
                billing.record_payment(u.session, actor=SYSTEM, contract=u.session.get(Contract, paid.id),
                                       amount=amount, channel="bank", reference=f"P-{n}")
        u.commit()
    with uow() as u, clock_at(NOW):
        [table] = aging.build(u.session, SUPERVISOR, Period(date(2026, 3, 1), date(2026, 3, 16)), Filters())
        listed = [row[0] for row in table.rows]
    assert listed == [owing.number]


def test_migration_0016_rebuilds_the_open_amounts_and_the_daily_summary_from_the_rows(seeded, uow, engine):
    with uow() as u:
        before = dict(u.session.exec(select(Invoice.id, Invoice.open_amount).order_by(Invoice.id)).all())
        days = sorted((d.day, d.channel, d.payments, d.amount) for d in u.session.exec(select(PaymentDay)))
    assert any(0 < amount < total for amount, total in zip(before.values(), totals(uow), strict=True))  # partly paid
    try:
        migrate(engine, "0015")
        migrate(engine, "head")
    finally:
        create_schema(engine)
    with uow() as u:
        assert dict(u.session.exec(select(Invoice.id, Invoice.open_amount)).all()) == before
        assert sorted((d.day, d.channel, d.payments, d.amount) for d in u.session.exec(select(PaymentDay))) == days
        check_payment_days(u.session)
    assert read(uow, dashboard.overdue_receivables) == row_by_row(uow)[0]


def totals(uow) -> list[Decimal]:
    with uow() as u:
        return list(u.session.exec(select(Invoice.total).order_by(Invoice.id)))


def stay_marks(uow) -> tuple[list, list]:
    with uow() as u:
        return (list(u.session.exec(select(AuditEvent.id, AuditEvent.entered_at, AuditEvent.working_days)
                                    .order_by(AuditEvent.id))),
                list(u.session.exec(select(Case.id, Case.state_entered_at).order_by(Case.id))))


def test_migration_0021_fills_the_stay_marks_of_the_events_already_there_as_the_writers_did(seeded, uow, engine):
    written = stay_marks(uow)
    assert any(days is not None for _, _, days in written[0])
    try:
        migrate(engine, "0020")
        migrate(engine, "head")
    finally:
        create_schema(engine)
    assert stay_marks(uow) == written
    with uow() as u:
        check_stay_marks(u.session)
        assert audit.verify(u.session.connection()).ok  # the marks are outside the hash: the chain still holds
    with pytest.raises(Exception, match="append-only"):  # and the triggers are back
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE auditevent SET working_days = 1")
