"""Reads at national size, kept honest without a national-size database: how many statements each
single-account read sends (a number that does not grow with the account's history), and which index
each search and the "not reversed" check use (EXPLAIN on both databases).

On PostgreSQL the plans are read with `enable_seqscan = off`: on a test-sized table the planner rightly
prefers a scan, so the question asked is whether an index CAN answer the query; a condition no index
serves (an OR across a join, `LIKE '%x%'` without a trigram index) still shows a Seq Scan then."""

from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event

from core.accounts.ledger import account_ledger, find_accounts, invoice_detail
from core.cases.queries import QueueFilter, case_view, list_queue
from core.models import CreditNote, Customer, clock_at
from core.online.invoice_copy import copy_for
from core.platform.errors import DomainError
from core.platform.search import fold
from core.services.payments import register_payment, reverse_payment
from tests.factories import CLERK, COMPANY_CUI, NEW_HOLDER_CNP, SUPERVISOR, invoice_for, make_account, register_case

MARCH_16 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


@contextmanager
def sent(engine):
    """The statements (SQL, parameters) sent to the database inside the block."""
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def plan(engine, statement: str, parameters, bitmap_only: bool = False) -> str:
    """The query plan of one statement as sent, as text (PostgreSQL: seq scans disabled, see above;
    `bitmap_only` also disables plain index scans, which walk a whole primary key once the tables have
    statistics: a trigram GIN index answers only through a bitmap scan)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            if bitmap_only:
                conn.exec_driver_sql("SET LOCAL enable_indexscan = off")
            rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            return "\n".join(row[0] for row in rows)
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return "\n".join(row[-1] for row in rows)


def plans_of(engine, read: Callable[[], object], bitmap_only: bool = False) -> list[str]:
    read()  # warm: the first connection's own queries are not the read's
    with sent(engine) as statements:
        read()
    return [plan(engine, statement, parameters, bitmap_only) for statement, parameters in statements]


def in_transaction(dbapi_connection) -> bool:
    """Whether the driver holds a transaction open (psycopg after its implicit BEGIN; sqlite3)."""
    info = getattr(dbapi_connection, "info", None)
    if info is not None and hasattr(info, "transaction_status"):
        return info.transaction_status != info.transaction_status.IDLE
    return dbapi_connection.in_transaction


def transactions_of(engine, read: Callable[[], object]) -> list[bool]:
    """For each statement of the read: whether the driver was inside a transaction after it."""
    read()
    seen: list[bool] = []

    def record(conn, _cursor, _statement, _parameters, _context, _many):
        seen.append(in_transaction(conn.connection.dbapi_connection))

    event.listen(engine, "after_cursor_execute", record)
    try:
        read()
    finally:
        event.remove(engine, "after_cursor_execute", record)
    return seen


def statements_of(engine, read: Callable[[], object]) -> int:
    read()
    with sent(engine) as statements:
        read()
    return len(statements)


def scans(plan_text: str, *tables: str) -> list[str]:
    """The lines of a plan that read a whole table (PostgreSQL "Seq Scan on t", SQLite "SCAN t")."""
    return [line for line in plan_text.splitlines() for table in tables
            if f"Seq Scan on {table} " in f"{line} " or f"{line.strip()} ".startswith(f"SCAN {table} ")]


def a_busy_account(uow):
    """An account with a history: invoices, payments (one reversed), a credit note."""
    contract = make_account(uow)
    invoices = [invoice_for(uow, contract, total_kwh=100 + 10 * month, issue_date=date(2025, month, 5))
                for month in range(1, 13)]
    payments = [register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=Decimal("50.00"))
                for _ in range(6)]
    reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=payments[0].id, reason="Greșit")
    with uow() as u:
        u.session.add(CreditNote(number="NC-2026-000001", contract_id=contract.id, invoice_id=invoices[-1].id,
                                 amount=Decimal("10.00"), reason="Index corectat", issued_by="supervisor",
                                 issued_at=datetime(2026, 2, 25, 10, tzinfo=UTC)))
        u.commit()
    return contract, invoices, payments[0].id


# ---- statements per single-account read ----

def test_the_ledger_is_three_statements_however_long_the_history(uow, engine):
    contract, _, _ = a_busy_account(uow)
    with clock_at(MARCH_16):
        ledger = account_ledger(uow=uow(), actor=CLERK, contract_id=contract.id)
        count = statements_of(engine, lambda: account_ledger(uow=uow(), actor=CLERK, contract_id=contract.id))
    assert len(ledger.invoices) == 12 and len(ledger.entries) == 12 + 7 + 1
    assert count <= 3, count  # the balance is the entries' running balance, not a statement of its own


def test_an_invoice_detail_is_five_statements(uow, engine):
    _, invoices, _ = a_busy_account(uow)
    with clock_at(MARCH_16):
        count = statements_of(engine, lambda: invoice_detail(uow=uow(), actor=CLERK, invoice_id=invoices[-1].id))
    assert count <= 5


def test_the_online_invoice_copy_reads_no_more_than_the_ledger(uow, engine):
    contract, invoices, _ = a_busy_account(uow)
    with clock_at(MARCH_16):
        copy = copy_for(uow=uow(), contract_id=contract.id, today=MARCH_16.date())
        count = statements_of(engine, lambda: copy_for(uow=uow(), contract_id=contract.id, today=MARCH_16.date()))
    assert (copy.latest.invoice_number, copy.latest.kwh) == (invoices[-1].invoice_number, invoices[-1].kwh)
    assert count <= 3, count


def test_a_case_view_is_a_few_statements(uow, engine):
    contract = make_account(uow)
    case = register_case(uow, contract)
    count = statements_of(engine, lambda: case_view(uow=uow(), case_id=case.id, actor=CLERK))
    assert count <= 5, count


def test_the_single_account_reads_and_the_queue_open_no_transaction(uow, engine):
    """Under READ COMMITTED a transaction gives a read nothing (each statement takes its own snapshot either
    way): without one a read saves the BEGIN and ROLLBACK round trips (core.platform.db.UnitOfWork.reading)."""
    contract, invoices, _ = a_busy_account(uow)
    case = register_case(uow, contract)
    reads = [lambda: find_accounts(uow=uow(), actor=CLERK, text=contract.payment_code),
             lambda: account_ledger(uow=uow(), actor=CLERK, contract_id=contract.id),
             lambda: invoice_detail(uow=uow(), actor=CLERK, invoice_id=invoices[-1].id),
             lambda: case_view(uow=uow(), case_id=case.id, actor=CLERK),
             lambda: list_queue(uow=uow(), actor=CLERK, filters=QueueFilter())]
    with clock_at(MARCH_16):
        for read in reads:
            seen = transactions_of(engine, read)
            assert seen and not any(seen), seen


# ---- searches: indexed lookups ----

def two_accounts(uow):
    """A person's account and a company's whose CUI has the shape of a payment code."""
    person = make_account(uow)
    company = make_account(uow, pod="RO005E512345679", national_id=NEW_HOLDER_CNP)
    with uow() as u:
        holder = u.session.get(Customer, company.customer_id)
        holder.kind, holder.national_id = "company", COMPANY_CUI.rjust(9, "1")
        holder.name, holder.search_name = "Ștefănescu Energie SRL", fold("Ștefănescu Energie SRL")
        u.commit()
    return person, company, COMPANY_CUI.rjust(9, "1")


def test_a_code_that_may_be_a_payment_code_or_a_cui_is_found_both_ways_by_indexed_lookups(uow, engine):
    person, company, cui = two_accounts(uow)
    assert [r.contract_id for r in find_accounts(uow=uow(), actor=CLERK, text=person.payment_code).rows] == [
        person.id]
    found = find_accounts(uow=uow(), actor=CLERK, text=cui)
    assert [r.contract_id for r in found.rows] == [company.id] and found.total == 1
    plans = plans_of(engine, lambda: find_accounts(uow=uow(), actor=CLERK, text=cui))
    assert len(plans) == 1  # the page and its count in one statement
    assert scans(plans[0], "customer", "contract", "consumptionplace") == [], plans[0]


def test_a_name_search_reads_the_trigram_index_on_postgresql(uow, engine):
    _, company, _ = two_accounts(uow)
    assert [r.contract_id for r in find_accounts(uow=uow(), actor=CLERK, text="stefanescu").rows] == [company.id]
    if engine.dialect.name != "postgresql":
        return  # SQLite has no trigram index: its LIKE reads the folded column of every customer
    plan_text, = plans_of(engine, lambda: find_accounts(uow=uow(), actor=CLERK, text="stefanescu"), bitmap_only=True)
    assert "Bitmap Index Scan on ix_customer_search_name" in plan_text, plan_text


def test_the_queue_search_by_a_code_or_a_name_reads_indexes(uow, engine):
    contract = make_account(uow)
    case = register_case(uow, contract)
    for typed in (case.registration_number, contract.payment_code, "RO005E512345678", "ionescu"):
        page = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(search=typed, open_only=False))
        assert [r.id for r in page.rows] == [case.id], typed
        searched = QueueFilter(search=typed, open_only=False)
        plans = plans_of(engine, lambda: list_queue(uow=uow(), actor=CLERK, filters=searched),  # noqa: B023
                         bitmap_only=typed == "ionescu")
        for plan_text in plans:
            assert scans(plan_text, "service_case") == [], (typed, plan_text)
        if engine.dialect.name == "postgresql" and typed == "ionescu":
            assert any("Bitmap Index Scan on ix_service_case_search_name" in p for p in plans), plans


# ---- "is this payment reversed?" ----

def test_the_not_reversed_checks_read_the_partial_unique_index(uow, engine):
    _, _, reversed_once = a_busy_account(uow)

    def reverse_again():
        with pytest.raises(DomainError):
            reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=reversed_once, reason="din nou")

    plans = plans_of(engine, reverse_again)
    assert any("ux_payment_reverses_once" in p for p in plans), plans
    for plan_text in plans:
        assert scans(plan_text, "payment") == [], plan_text


def test_a_queue_search_by_a_name_few_cases_carry_is_planned_from_its_matches(uow, engine):
    """At 200,000 cases a name that happened to be one of the 100 histogram bounds PostgreSQL keeps by default
    was estimated at 1 % of the table (2,056 cases for 24), so the page walked every case in deadline order
    and hashed the matches (84 ms against 8). The folded names keep finer statistics (migration 0022)."""
    if engine.dialect.name != "postgresql":
        return  # SQLite's planner keeps no value statistics for LIKE to mislead
    case = register_case(uow, make_account(uow))
    names = 3_000  # 30,000 closed cases, ten of each name: a handful per searched name, as with real names
    with engine.begin() as conn:
        columns = [c for (c,) in conn.exec_driver_sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'service_case' "
            "AND column_name NOT IN ('id', 'registration_number', 'search_name', 'applicant_name', 'closed_at')")]
        listed = ", ".join(columns)
        conn.exec_driver_sql(
            f"INSERT INTO service_case (registration_number, search_name, applicant_name, closed_at, {listed}) "
            f"SELECT 'T' || g, 'nume' || lpad(mod(g, {names})::text, 4, '0') || 'x', 'Nume', now(), {listed} "
            f"FROM service_case, generate_series(1, {names * 10}) AS g WHERE id = %(id)s", {"id": case.id})
        conn.exec_driver_sql("ANALYZE service_case")
        bounds = conn.exec_driver_sql("SELECT histogram_bounds::text::text[] FROM pg_stats "
                                      "WHERE tablename = 'service_case' AND attname = 'search_name'").scalar()
    searched = bounds[len(bounds) // 2]  # a bound: the value the coarse histogram overrated
    page = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(search=searched, open_only=False))
    assert page.total == 10
    with engine.connect() as conn:
        estimated = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) SELECT id FROM service_case WHERE search_name "
                                         "LIKE %(typed)s", {"typed": f"%{searched}%"}).scalar()[0]["Plan"]["Plan Rows"]
    assert estimated <= 10 * page.total, estimated


def test_the_cases_and_their_events_are_vacuumed_long_before_a_fifth_of_them_changed(uow, engine):
    """The queue and the dashboard walk covering indexes, index-only only over pages VACUUM marked all-visible;
    with PostgreSQL's default (20 % of the rows) a day's transitions left most pages of the cases table needing
    a heap visit at 1M accounts (page 1000: 16 → 75 ms). Migration 0023 vacuums at 1 %."""
    if engine.dialect.name != "postgresql":
        return  # SQLite has no visibility map nor autovacuum
    with engine.connect() as conn:
        base = {name: float(conn.exec_driver_sql(f"SHOW {name}").scalar()) for name in (
            "autovacuum_vacuum_threshold", "autovacuum_vacuum_scale_factor", "autovacuum_vacuum_insert_threshold",
            "autovacuum_vacuum_insert_scale_factor")}
        for table in ("service_case", "auditevent"):
            options = dict(option.split("=") for option in conn.exec_driver_sql(
                "SELECT coalesce(reloptions, '{}') FROM pg_class WHERE relname = %(t)s", {"t": table}).scalar())
            for kind in ("vacuum", "vacuum_insert"):
                share = float(options.get(f"autovacuum_{kind}_scale_factor", base[f"autovacuum_{kind}_scale_factor"]))
                rows = 200_000  # the cases of 1M accounts
                after = base[f"autovacuum_{kind}_threshold"] + share * rows
                assert after <= 0.02 * rows, (table, kind, after)  # 20 % by default
