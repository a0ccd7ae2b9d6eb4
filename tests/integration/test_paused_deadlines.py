"""A deadline paused while the customer answers is never overdue: the queue (filter and red marking), the
case view, the dashboard's overdue list and the SLA report agree, and a running deadline past its day is."""

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from core.cases import dashboard
from core.cases.dashboard import DashboardFilter
from core.cases.queries import QueueFilter, case_view, list_queue
from core.models import clock_at
from core.reports import Filters, Period, run_report
from core.services import cases
from core.services.disputes import open_dispute
from tests.factories import CLERK, SUPERVISOR, current_version, invoice_for, make_account

NOV_20 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # the answer is due on Tuesday 15 December
DEC_17 = datetime(2026, 12, 17, 9, 0, tzinfo=UTC)  # two days past it
DEC_21 = datetime(2026, 12, 21, 9, 0, tzinfo=UTC)


def move(uow, case_id: int, trigger: str, **fields):
    return cases.fire_trigger(uow=uow(), case_id=case_id, expected_version=current_version(uow, case_id),
                              trigger=trigger, actor=CLERK, **fields)


def dispute_under_review(uow, pod: str, national_id: str) -> int:
    invoice = invoice_for(uow, make_account(uow, pod=pod, national_id=national_id))
    with clock_at(NOV_20):
        case = open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice.id, form={
            "category": "wrong_reading", "amount": "50.00", "description": "Indexul real este mai mic."})
        move(uow, case.id, "start_review")
    return case.id


@pytest.fixture
def disputes(uow) -> tuple[int, int]:
    """Two disputes due on 15 December: one waiting for the customer since 20 November, one running."""
    paused = dispute_under_review(uow, "RO005E512345601", "1800101400015")
    running = dispute_under_review(uow, "RO005E512345602", "2850505400014")
    with clock_at(NOV_20):
        move(uow, paused, "request_information", reason="Trimiteți o fotografie a contorului.")
    return paused, running


def test_the_queue_neither_lists_nor_marks_a_paused_case_as_overdue(uow, disputes):
    paused, running = disputes
    with clock_at(DEC_17):
        overdue = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(overdue_only=True))
        every = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter())
    assert [r.id for r in overdue.rows] == [running]
    assert {r.id: r.overdue for r in every.rows} == {paused: False, running: True}


def test_the_case_view_does_not_call_a_paused_case_overdue(uow, disputes):
    paused, running = disputes
    with clock_at(DEC_17):
        views = [case_view(uow=uow(), case_id=case_id, actor=CLERK) for case_id in disputes]
    assert [(v.sla_status, v.overdue) for v in views] == [("paused", False), ("running", True)]


def test_the_dashboard_counts_only_the_running_case_as_overdue(uow, disputes):
    paused, running = disputes
    with clock_at(DEC_17):
        late = dashboard.overdue_cases(uow=uow(), actor=SUPERVISOR,
                                       filters=DashboardFilter(date(2026, 12, 1), date(2026, 12, 31)))
    assert (late.total, [r.id for r in late.rows]) == (1, [running])


def test_the_sla_report_counts_a_case_closed_while_paused_as_closed_in_time(uow, disputes):
    # both are rejected on 21 December, after the 15 December deadline; the paused one's customer time
    # (20 November to 21 December) does not count, so its deadline had not passed
    with clock_at(DEC_21):
        for case_id in disputes:
            move(uow, case_id, "reject", reason="Cererea nu se susține.")
    out = io.BytesIO()
    run_report(uow=uow(), actor=SUPERVISOR, name="sla", period=Period(date(2026, 12, 1), date(2026, 12, 31)),
               filters=Filters(), out=out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[1]
    header, *values = list(sheet.iter_rows(values_only=True))
    row = next(dict(zip(header, v, strict=True)) for v in values if v[0] == "Contestație factură")
    assert (row["Închise"], row["Închise în termen"], row["Închise cu depășire"]) == (2, 1, 1)
