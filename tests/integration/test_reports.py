"""Excel reports on both databases: each opens in openpyxl and pandas with real dates and numbers, the
first sheet's totals match the database, analysts read personal data masked, hostile text stays text,
and the command line refuses a bad range or an unknown report."""

import io
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import event, func
from sqlmodel import select

from core.accounts import allocation
from core.models import Case, CreditNote, Payment, clock_at
from core.platform.config import settings
from core.platform.errors import DomainError, PermissionDenied
from core.reports import REPORTS, Filters, Period, preview, run_report
from core.reports.__main__ import main as cli
from core.services import cases
from core.services.disputes import open_dispute
from core.services.payments import register_payment, reverse_payment
from core.services.users import ensure_demo_users
from seed_data.builder import build
from tests.factories import (
    ANALYST,
    CLERK,
    SUPERVISOR,
    SUPERVISOR2,
    current_version,
    fire,
    invoice_for,
    make_account,
    register_case,
    review_all,
)

NOV = Period(date(2026, 11, 1), date(2026, 11, 30))
SEEDED_AT = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)  # the demo seed's pinned clock (test_seed)
HOSTILE_NAME = '=HYPERLINK("http://x")'
PHONE = "+40721234567"


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def office(uow):
    """A holder change taken to a new contract, a dispute upheld with a credit note, and a payment, all in
    November 2026. The holder change's applicant is named like a formula."""
    contract = make_account(uow)
    with clock_at(at(2)):
        change = register_case(uow, contract)
        review_all(uow, change.id)
    with clock_at(at(3)):
        fire(uow, change.id, "verify_documents", SUPERVISOR)
    with clock_at(at(5)):
        fire(uow, change.id, "issue_contract", SUPERVISOR2)
    with uow() as u:
        case = u.session.get(Case, change.id)
        case.applicant_name, case.data = HOSTILE_NAME, {**case.data, "phone": PHONE}
        u.commit()
    other = make_account(uow, pod="RO005E512345679", national_id="2850505400014")
    invoice = invoice_for(uow, other)
    with clock_at(at(20)):
        dispute = open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice.id,
                               form={"category": "wrong_reading", "amount": "50.00", "description": "Index greșit."})
        for trigger, extra in (("start_review", {}), ("uphold", {"amount": "30.00", "reason": "Index corectat."})):
            cases.fire_trigger(uow=uow(), case_id=dispute.id, expected_version=current_version(uow, dispute.id),
                               trigger=trigger, actor=CLERK, **extra)
    with clock_at(at(21)):
        register_payment(uow=uow(), actor=CLERK, contract_id=other.id, amount="20.00", channel="bank")
    return {"change": change.id, "dispute": dispute.id, "contract": contract, "other": other}


def workbook(uow, name: str, actor=SUPERVISOR, period: Period = NOV, **filters) -> bytes:
    out = io.BytesIO()
    run_report(uow=uow(), actor=actor, name=name, period=period, filters=Filters(**filters), out=out)
    return out.getvalue()


def rows(data: bytes, sheet: int = 1) -> list[dict]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[sheet]
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:] if any(v is not None for v in row)]


def totals(data: bytes) -> dict:
    ws = openpyxl.load_workbook(io.BytesIO(data))["Raport"]
    return {label: value for label, value in ws.iter_rows(values_only=True) if label}


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_report_opens_in_openpyxl_and_pandas_with_each_data_sheet_an_excel_table(uow, office, name):
    data = workbook(uow, name)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "Raport"
    assert book["Raport"]["A1"].value and book["Raport"]["B7"].is_date  # the report's name; generated at
    for ws in book.worksheets[1:]:
        assert ws.freeze_panes == "A2" and len(ws.tables) == 1
        assert list(ws.tables.values())[0].ref.startswith("A1:")
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert set(pd.read_excel(io.BytesIO(data), sheet_name=None)) == set(book.sheetnames)


def test_the_cases_report_has_each_state_reached_the_cycle_time_and_who_verified_and_issued(uow, office):
    ensure_demo_users(uow=uow())  # the staff members whose names the report shows
    data = workbook(uow, "cases", case_type="holder_change")
    row = next(r for r in rows(data) if r["Tip caz"] == "Schimbare titular")
    assert row["Stare"] == "Contract emis" and row["Termen depășit"] == "nu"
    assert row["Înregistrat la"] == datetime(2026, 11, 2, 11, 0)  # Bucharest wall-clock time
    assert row["Atins: Documente verificate"] == datetime(2026, 11, 3, 11, 0)
    assert row["Atins: Contract emis"] == datetime(2026, 11, 5, 11, 0)
    assert row["Durată (zile lucrătoare)"] == 3 and isinstance(row["Termen"], datetime)
    assert (row["Verificat de"], row["Contract emis de"]) == ("Elena Dumitru", "Radu Georgescu")
    frame = pd.read_excel(io.BytesIO(data), sheet_name="Cazuri")
    assert pd.api.types.is_datetime64_any_dtype(frame["Înregistrat la"])
    assert pd.api.types.is_numeric_dtype(frame["Durată (zile lucrătoare)"])


def test_the_cases_report_has_a_reached_column_only_for_states_some_case_reached(uow, office):
    (first, *_) = rows(workbook(uow, "cases"))
    reached = [title for title in first if title.startswith("Atins:")]
    assert "Atins: Contract emis (Schimbare titular)" in reached
    assert not [title for title in reached if "Respins" in title]  # no case in November was rejected
    assert len(first) <= 20


def test_a_name_written_like_a_formula_and_a_phone_number_stay_text(uow, office):
    ws = openpyxl.load_workbook(io.BytesIO(workbook(uow, "cases"))).worksheets[1]
    headings = [c.value for c in ws[1]]
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row if c.value is not None}
    assert cells[HOSTILE_NAME].data_type == "s"
    assert cells[PHONE].data_type == "s"
    assert "Solicitant" in headings and "Telefon" in headings


def test_the_analyst_reads_names_as_initials_and_phone_numbers_masked(uow, office):
    for_analyst = rows(workbook(uow, "cases", actor=ANALYST))
    applicants = {r["Solicitant"] for r in for_analyst}
    assert applicants == {"=.", "I. M."}  # initials only, the formula-like name included
    assert {r["Telefon"] for r in for_analyst} >= {"+407*****567"}
    holders = {r["Titular"] for r in rows(workbook(uow, "payments", actor=ANALYST), sheet=2)}
    assert holders == {"I. M."}  # the new holder of the first place holds the second one too
    assert {r["Titular"] for r in rows(workbook(uow, "payments"), sheet=2)} == {"Ionescu Maria"}


def test_the_disputes_report_totals_match_the_database(uow, office):
    data = workbook(uow, "disputes")
    (row,) = rows(data)
    assert row["Stare"] == "Admisă" and row["Motiv"] == "Index citit greșit"
    assert Decimal(str(row["Sumă contestată (lei)"])) == Decimal("50.00")
    assert Decimal(str(row["Sumă creditată (lei)"])) == Decimal("30.00") and row["Zile până la răspuns"] == 0
    with uow() as u:
        disputed = u.session.exec(
            select(func.sum(Case.disputed_amount)).where(Case.case_type == "payment_dispute")).one()
        credited = u.session.exec(select(func.sum(CreditNote.amount))).one()
    figures = totals(data)
    assert Decimal(str(figures["Contestații: Sumă contestată (lei)"])) == Decimal(str(disputed))
    assert Decimal(str(figures["Contestații: Sumă creditată (lei)"])) == Decimal(str(credited))
    assert figures["Pe motive: Contestații"] == 1 and figures["Rânduri (Contestații)"] == 1


def test_the_payments_report_totals_match_the_database(uow, office):
    data = workbook(uow, "payments")
    with uow() as u:
        collected, how_many = u.session.exec(select(func.sum(Payment.amount), func.count(Payment.id))).one()
    figures = totals(data)
    assert figures["Rânduri (Plăți)"] == how_many == 1
    assert Decimal(str(figures["Plăți: Sumă (lei)"])) == Decimal(str(collected)) == Decimal("20.00")
    (day,) = rows(data, sheet=1)
    assert day == {"Ziua": datetime(2026, 11, 21), "Canal": "Bancă", "Plăți": 1, "Sumă (lei)": 20.0}


def test_aging_puts_each_open_amount_in_its_bucket_as_of_the_end_of_the_period(uow):
    contract = make_account(uow)
    invoice_for(uow, contract, issue_date=date(2026, 11, 10))  # due 25 Nov: 126 days late on 31 Mar
    invoice_for(uow, contract, issue_date=date(2027, 2, 20))  # due 7 Mar: 24 days late
    invoice_for(uow, contract, issue_date=date(2027, 3, 25))  # due 9 Apr: not yet due
    data = workbook(uow, "aging", period=Period(date(2027, 3, 1), date(2027, 3, 31)))
    (row,) = rows(data)
    with uow() as u:
        owed = list(allocation.open_amounts(u.session, contract.id).values())
    money = {k: Decimal(str(v)).quantize(Decimal("0.01")) for k, v in row.items() if "(lei)" in k}
    assert money["Peste 90 de zile (lei)"] == owed[0] and money["1–30 zile (lei)"] == owed[1]
    assert money["Nescadent (lei)"] == owed[2] and money["31–60 zile (lei)"] == money["61–90 zile (lei)"] == 0
    assert money["Total rest de plată (lei)"] == sum(owed)
    assert Decimal(str(totals(data)["Vechime creanțe: Total rest de plată (lei)"])) == sum(owed)


def test_the_sla_and_audit_reports_count_what_happened_in_the_period(uow, office):
    sla = {r["Tip caz"]: r for r in rows(workbook(uow, "sla"))}
    assert sla["Schimbare titular"]["Înregistrate"] == 1 and sla["Schimbare titular"]["Închise în termen"] == 1
    assert sla["Contestație factură"]["Durată mediană (zile lucrătoare)"] == 0
    audit = rows(workbook(uow, "audit", case_type="holder_change"))
    assert [r["Acțiune"] for r in audit][-2:] == ["Verifică documentele", "Emite contractul"]
    assert all(isinstance(r["Data și ora"], datetime) for r in audit)


def test_the_audit_report_lists_every_action_in_chain_order_and_exports_are_in_it_too(uow, office):
    workbook(uow, "cases", actor=ANALYST)
    audit = rows(workbook(uow, "audit", period=Period(date(2026, 11, 1), date(2030, 12, 31))))
    payment = next(r for r in audit if r["Acțiune"] == "Plată înregistrată")
    export = next(r for r in audit if r["Acțiune"] == "Raport exportat")
    assert [r["Poziție în lanț"] for r in audit] == sorted(r["Poziție în lanț"] for r in audit)
    assert payment["Obiect"].startswith("payment:") and payment["Utilizator"] == "clerk" and not payment[
        "Număr înregistrare"]
    assert (export["Obiect"], export["Utilizator"]) == ("report:cases", "analyst")


def test_a_clerk_cannot_run_a_report(uow, office):
    with pytest.raises(PermissionDenied):
        workbook(uow, "cases", actor=CLERK)


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(DomainError, match="data de început este după data de sfârșit"):
        Period(date(2026, 12, 1), date(2026, 11, 1))


@pytest.fixture
def cli_database(engine, monkeypatch):
    monkeypatch.setattr(settings, "database_url", engine.url.render_as_string(hide_password=False))


@pytest.mark.parametrize(("args", "message"), [
    (["forecast", "--from", "2026-11-01", "--to", "2026-11-30"], "cases, sla, disputes, aging, audit, payments"),
    (["cases", "--from", "2026-12-01", "--to", "2026-11-30"], "data de început este după data de sfârșit"),
    (["cases", "--from", "2026-11-31", "--to", "2026-12-31"], "2026-11-31"),
])
def test_the_command_line_refuses_an_unknown_report_or_a_bad_period_with_status_2(tmp_path, capsys, args, message):
    out = tmp_path / "r.xlsx"
    with pytest.raises(SystemExit) as exited:
        cli([*args, "--out", str(out)])
    assert exited.value.code == 2 and message in capsys.readouterr().err and not out.exists()


def test_the_command_line_writes_the_workbook_with_a_progress_bar(uow, office, cli_database, tmp_path, capsys):
    out = tmp_path / "cazuri.xlsx"
    assert cli(["cases", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out), "--role", "supervisor"]) == 0
    assert "100%" in capsys.readouterr().err
    assert len(rows(out.read_bytes())) == 2


def test_the_payments_per_day_sheet_sums_the_payment_rows_by_bucharest_day_and_channel(uow):
    """Refunds, reversals and payments just before local midnight included: the first sheet is the second one
    grouped, whatever it is read from."""
    with clock_at(SEEDED_AT):
        build(uow().engine, accounts=40, cases=20, seed=7)
    contract = make_account(uow, pod="RO005E512399990", national_id="2850505400014")
    late = datetime(2026, 3, 10, 21, 50, tzinfo=UTC)  # 23:50 in Bucharest, already 10 March there
    with clock_at(late):
        paid = register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount="15.00", channel="online")
    with clock_at(late.replace(hour=22, minute=5)):  # 00:05 on 11 March in Bucharest
        reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=paid.id, reason="Card respins de bancă")
    data = workbook(uow, "payments", period=Period(date(2025, 1, 1), SEEDED_AT.date()))
    grouped = defaultdict(lambda: [0, Decimal("0.00")])
    for row in rows(data, sheet=2):
        day = grouped[(row["Plătit la"].date(), row["Canal"])]
        day[0] += 1
        day[1] += Decimal(str(row["Sumă (lei)"])).quantize(Decimal("0.01"))
    per_day = {(r["Ziua"].date(), r["Canal"]): [r["Plăți"], Decimal(str(r["Sumă (lei)"])).quantize(Decimal("0.01"))]
               for r in rows(data, sheet=1)}
    assert len(per_day) > 30 and per_day == dict(grouped)
    assert per_day[(date(2026, 3, 10), "Online")][0] >= 1 and (date(2026, 3, 11), "Online") in per_day


def test_a_workbook_is_planned_for_all_its_rows_and_a_preview_for_its_first(uow, office, engine):
    """PostgreSQL plans a server-side cursor for its first 10 % (cursor_tuple_fraction): right for the preview's
    20 rows; a workbook reads every row, and at 1M accounts the payments sheet streamed in 24 s on such a plan
    against 10 s on one for every row."""
    if engine.dialect.name != "postgresql":
        return  # SQLite streams what it finds in the order of its one plan
    sent = []
    listener = lambda conn, cursor, statement, *_: sent.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        workbook(uow, "payments")
        whole, sent[:] = list(sent), []
        preview(uow=uow(), actor=SUPERVISOR, name="payments", period=NOV, filters=Filters())
        first = list(sent)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert any("cursor_tuple_fraction" in s for s in whole[:2]), whole[:3]
    assert not any("cursor_tuple_fraction" in s for s in first), first
