"""The supervisor dashboard's figures, on cases moved through the real services at known moments: open
cases by state, weekly flow, cycle-time percentiles, time in state, ages, deadline lists, workload,
disputes, payments per day and overdue receivables checked against an independent computation."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from core.accounts import allocation, billing
from core.cases import dashboard
from core.cases.dashboard import DashboardFilter
from core.cases.queries import QueueFilter, list_queue, today
from core.models import AuditEvent, Contract, CreditNote, Invoice, clock_at
from core.platform.errors import PermissionDenied
from core.services import cases
from core.services.disputes import open_dispute
from core.services.users import DEMO_USERS, ensure_demo_users
from core.staff.auth import SYSTEM
from tests.factories import (
    CLERK,
    SUPERVISOR,
    SUPERVISOR2,
    authenticate,
    current_version,
    fire,
    make_account,
    register_case,
    review_all,
)
from tests.integration.test_ledger import bill, pay
from tests.stay_marks import check_stay_marks

MARCH_16 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # a Monday, 11:00 in Bucharest: "now" for every read
MARCH = DashboardFilter(date(2026, 3, 1), date(2026, 3, 31))
PODS = [f"RO005E5123456{n:02d}" for n in range(10, 40)]


def at(day: int, hour_utc: int = 7, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour_utc, 0, tzinfo=UTC)


def read(uow, query, actor=SUPERVISOR, filters: DashboardFilter = MARCH):
    with clock_at(MARCH_16):
        return query(uow=uow(), actor=actor, filters=filters)


def new_case(uow, n: int, on: datetime, documents=()):
    """A holder change registered at `on` on its own consumption place."""
    with clock_at(on):
        return register_case(uow, make_account(uow, pod=PODS[n]), documents=documents, pod=PODS[n])


def at_moment(on: datetime, action, *args, **kwargs):
    with clock_at(on):
        return action(*args, **kwargs)


def staff(uow, username: str):
    """A demo user with their id (claiming needs it)."""
    ensure_demo_users(uow=uow())
    password = next(p for name, _, _, p in DEMO_USERS if name == username)
    return authenticate(uow=uow(), username=username, password=password)


def dispute(uow, n: int, category: str, amount: str):
    contract = make_account(uow, pod=PODS[n])
    invoice = bill(uow, contract, date(2026, 3, 2), 200)
    with clock_at(at(10)):
        return open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice, form={
            "category": category, "amount": amount, "description": "Indexul real este mai mic."})


def closed_timelines(uow) -> None:
    """Five holder changes registered on Monday 2 March at 9:00 and closed 1, 3, 4, 5 and 9 working days
    later: four rejected while waiting for documents, one taken all the way to a contract."""
    for n, closing_day in enumerate((3, 5, 9, 13)):
        case = new_case(uow, n, at(2))
        at_moment(at(closing_day), fire, uow, case.id, "reject", CLERK, reason="Cerere retrasă")
    full = new_case(uow, 9, at(2), documents=("id_card", "right_of_use", "contract_request", "supply_offer",
                                              "meter_reading"))
    at_moment(at(3), review_all, uow, full.id)
    at_moment(at(4), fire, uow, full.id, "verify_documents", SUPERVISOR)
    at_moment(at(6), fire, uow, full.id, "issue_contract", SUPERVISOR2)


def test_open_cases_are_counted_by_type_and_state(uow):
    new_case(uow, 0, at(9))
    new_case(uow, 1, at(9))
    new_case(uow, 2, at(9), documents=("id_card", "right_of_use", "contract_request", "supply_offer",
                                       "meter_reading"))
    dispute(uow, 3, "wrong_reading", "50.00")
    counts = {(c.case_type, c.state): c.count for c in read(uow, dashboard.open_cases_by_state)}
    assert counts == {("holder_change", "submitted"): 2, ("holder_change", "documents_received"): 1,
                      ("payment_dispute", "opened"): 1}
    only_disputes = DashboardFilter(MARCH.date_from, MARCH.date_to, "payment_dispute")
    assert [(c.state, c.count) for c in read(uow, dashboard.open_cases_by_state, filters=only_disputes)] == [
        ("opened", 1)]


def test_cycle_time_median_and_90th_percentile_come_from_known_timelines(uow):
    closed_timelines(uow)
    [holder_change] = read(uow, dashboard.cycle_times)
    assert (holder_change.case_type, holder_change.cases) == ("holder_change", 5)
    # working days 1, 3, 4, 5, 9: the median is 4; the 90th percentile lies 60% of the way from 5 to 9
    assert holder_change.median == 4
    assert holder_change.p90 == pytest.approx(7.4)
    february = DashboardFilter(date(2026, 2, 1), date(2026, 2, 28))
    assert read(uow, dashboard.cycle_times, filters=february) == []


def test_the_engine_stores_each_closings_working_days_and_when_each_state_left_was_entered(uow):
    closed_timelines(uow)
    case = new_case(uow, 20, at(2))
    at_moment(at(3), fire, uow, case.id, "reject", CLERK, reason="Cerere retrasă")
    at_moment(at(4), fire, uow, case.id, "reopen", SUPERVISOR, reason="Documente găsite")
    at_moment(at(10), fire, uow, case.id, "reject", CLERK, reason="Cerere retrasă")  # closed again
    with uow() as u:
        assert check_stay_marks(u.session) == [1, 3, 5, 9, 4, 1, 6]  # working_days_between, case by case
        reopened = u.session.exec(select(AuditEvent).where(AuditEvent.case_id == case.id)
                                  .order_by(AuditEvent.id)).all()
    assert [(e.trigger, e.entered_at) for e in reopened] == [
        ("register", None), ("reject", at(2)), ("reopen", at(3)), ("reject", at(4))]


def test_intake_and_completed_are_counted_per_iso_week(uow):
    closed_timelines(uow)
    new_case(uow, 20, at(12, hour_utc=22))  # Friday 13 March 00:00 in Bucharest: still week 11
    weeks = {w.week: (w.intake, w.completed) for w in read(uow, dashboard.weekly_flow)}
    assert weeks[date(2026, 3, 2)] == (5, 3)  # closed on Tue 3, Thu 5, Fri 6
    assert weeks[date(2026, 3, 9)] == (1, 2)  # closed on Mon 9 and Fri 13
    assert weeks[date(2026, 2, 23)] == (0, 0) and weeks[date(2026, 3, 30)] == (0, 0)  # weeks the period touches


def test_time_in_state_runs_from_one_state_change_to_the_next(uow):
    closed_timelines(uow)
    dwell = {(d.case_type, d.state): (d.stays, d.avg_hours) for d in read(uow, dashboard.time_in_state)}
    # submitted: 0 h for the case registered with every document, 24, 72, 168 and 264 h for the others
    assert dwell[("holder_change", "submitted")] == (5, pytest.approx((0 + 24 + 72 + 168 + 264) / 5))
    assert dwell[("holder_change", "documents_received")] == (1, 48.0)
    assert dwell[("holder_change", "documents_verified")] == (1, 48.0)
    assert ("holder_change", "rejected") not in dwell  # a final state is where work ends, not where it waits


def test_a_case_still_waiting_counts_its_stay_up_to_now(uow):
    new_case(uow, 0, at(13))  # Friday 13 March 07:00 UTC; read on Monday 16 at 09:00 UTC
    dwell = read(uow, dashboard.time_in_state)
    assert [(d.state, d.stays, d.avg_hours) for d in dwell] == [("submitted", 1, 74.0)]


def test_open_cases_are_bucketed_by_working_days_since_registration(uow):
    new_case(uow, 0, at(16, hour_utc=8))  # this morning: 0
    new_case(uow, 1, at(11))  # Wednesday: 3 working days
    new_case(uow, 2, at(2))  # two weeks ago: 10
    new_case(uow, 3, at(13, month=2))  # 21
    ages = {a.label: a.count for a in read(uow, dashboard.open_cases_by_age)}
    assert ages == {"0-2": 1, "3-5": 1, "6-10": 1, "11-20": 0, "21+": 1}


def deadlines(uow):
    """Overdue (registered 2 February, documents due 23 February), due tomorrow (documents complete on
    10 March: contract due 17 March) and not due yet (registered 13 March)."""
    late = new_case(uow, 0, at(2, month=2))
    soon = new_case(uow, 1, at(10), documents=("id_card", "right_of_use", "contract_request", "supply_offer",
                                               "meter_reading"))
    calm = new_case(uow, 2, at(13))
    return late, soon, calm


def test_overdue_and_due_soon_lists_name_the_cases_with_their_deadlines(uow):
    late, soon, _ = deadlines(uow)
    overdue, due_soon = read(uow, dashboard.overdue_cases), read(uow, dashboard.due_soon_cases)
    assert overdue.total == 1
    assert [(r.registration_number, r.state, r.due_date, r.applicant_name) for r in overdue.rows] == [
        (late.registration_number, "submitted", date(2026, 2, 23), "Ionescu Maria")]
    assert due_soon.total == 1
    assert [(r.registration_number, r.state, r.due_date) for r in due_soon.rows] == [
        (soon.registration_number, "documents_received", date(2026, 3, 17))]


def test_the_overdue_list_holds_the_same_cases_as_the_queue_overdue_filter(uow):
    deadlines(uow)
    with clock_at(MARCH_16):
        queue = list_queue(uow=uow(), actor=SUPERVISOR, filters=QueueFilter(overdue_only=True))
    assert [r.id for r in read(uow, dashboard.overdue_cases).rows] == [r.id for r in queue.rows]


def test_an_analyst_reads_the_lists_with_applicant_names_masked(uow):
    deadlines(uow)
    analyst = staff(uow, "analyst")
    rows = read(uow, dashboard.overdue_cases, actor=analyst).rows + read(uow, dashboard.due_soon_cases,
                                                                         actor=analyst).rows
    assert [r.applicant_name for r in rows] == ["I. M.", "I. M."]


def test_a_clerk_may_not_read_the_dashboard(uow):
    with pytest.raises(PermissionDenied):
        read(uow, dashboard.snapshot, actor=CLERK)


def test_workload_counts_open_cases_per_assignee_and_state(uow):
    clerk, supervisor = staff(uow, "clerk"), staff(uow, "supervisor")
    first, second, third = (new_case(uow, n, at(9)) for n in range(3))
    new_case(uow, 3, at(9))  # nobody has it yet
    for case, who in ((first, clerk), (second, clerk), (third, supervisor)):
        with clock_at(at(10)):
            cases.claim_case(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                             actor=who)
    rows = {(w.assignee, w.state): w.count for w in read(uow, dashboard.workload)}
    assert rows == {("clerk", "submitted"): 2, ("supervisor", "submitted"): 1, (None, "submitted"): 1}


def test_disputes_show_the_open_amount_and_the_credit_granted_by_category(uow):
    dispute(uow, 0, "wrong_reading", "50.00")
    upheld = dispute(uow, 1, "double_billing", "80.00")
    at_moment(at(11), fire, uow, upheld.id, "start_review", CLERK)
    with clock_at(at(12)):
        cases.fire_trigger(uow=uow(), case_id=upheld.id, expected_version=current_version(uow, upheld.id),
                           trigger="uphold",
                           actor=CLERK, reason="Factură emisă de două ori", amount="60.00")
    found = {d.category: (d.open_cases, d.open_amount, d.credited) for d in read(uow, dashboard.disputes_by_category)}
    assert found == {"wrong_reading": (1, Decimal("50.00"), Decimal("0.00")),
                     "double_billing": (0, Decimal("0.00"), Decimal("60.00"))}
    holder_changes = DashboardFilter(MARCH.date_from, MARCH.date_to, "holder_change")
    assert read(uow, dashboard.disputes_by_category, filters=holder_changes) == []


def test_payments_are_summed_per_local_day_net_of_reversals(uow):
    contract = make_account(uow)
    bill(uow, contract, date(2026, 3, 2), 500)
    pay(uow, contract, "10.00", date(2026, 3, 10), "P-1")
    pay(uow, contract, "5.50", date(2026, 3, 10), "P-2")
    with uow() as u:  # 22:30 UTC on the 12th is half past midnight on the 13th in Bucharest
        billing.record_payment(u.session, actor=SYSTEM,
                               contract=u.session.get(Contract, contract.id), amount=Decimal("20.00"),
                               channel="bank", reference="P-3", paid_at=datetime(2026, 3, 12, 22, 30, tzinfo=UTC))
        u.commit()
    days = {d.day: d.amount for d in read(uow, dashboard.payments_per_day) if d.amount}
    assert days == {date(2026, 3, 10): Decimal("15.50"), date(2026, 3, 13): Decimal("20.00")}
    assert len(read(uow, dashboard.payments_per_day)) == 31


def test_overdue_receivables_equal_the_open_amounts_of_invoices_past_due(uow):
    first, second = make_account(uow), make_account(uow, pod=PODS[0], national_id="1800101221152")
    january = bill(uow, first, date(2026, 1, 5), 100)  # due 20 January
    bill(uow, first, date(2026, 2, 5), 200)  # due 20 February
    bill(uow, first, date(2026, 3, 10), 300)  # due 25 March: not yet late
    feb = bill(uow, second, date(2026, 2, 2), 150)
    pay(uow, first, "50.00", date(2026, 1, 25), "P-1")  # part of January
    pay(uow, second, "500.00", date(2026, 2, 10), "P-2")  # all of it, the rest is credit
    with uow() as u:
        u.session.add(CreditNote(number="NC-2026-000001", contract_id=first.id, invoice_id=january,
                                 amount=Decimal("10.00"), reason="Index corectat", issued_by="supervisor"))
        u.session.flush()
        allocation.allocate(u.session, first.id, first_invoice_id=january)  # as issuing a credit note does
        u.commit()
    total = read(uow, dashboard.overdue_receivables)
    with uow() as u, clock_at(MARCH_16):  # independently: the ledger's open amount of each late invoice
        due = dict(u.session.exec(select(Invoice.id, Invoice.due_date)).all())
        expected = sum(amount for contract in (first, second)
                       for invoice, amount in allocation.open_amounts(u.session, contract.id).items()
                       if due[invoice] < today() and amount > 0)
    assert total == expected == Decimal("89.54") - Decimal("60.00") + Decimal("179.08")
    assert feb  # paid in full: nothing of it is overdue


def test_the_snapshot_reads_every_figure_in_one_go_and_says_when(uow):
    closed_timelines(uow)
    snap = read(uow, dashboard.snapshot)
    assert snap.as_of == MARCH_16 and snap.filters == MARCH
    assert snap.cycle_times == read(uow, dashboard.cycle_times)
    assert sum(w.completed for w in snap.weekly) == 5


# Click-through: every figure's number equals the row count of the queue filter the dashboard opens for it.

def queue_total(uow, actor=SUPERVISOR, **fields) -> int:
    with clock_at(MARCH_16):
        return list_queue(uow=uow(), actor=actor, filters=QueueFilter(**fields)).total


def test_each_age_bucket_opens_the_queue_on_the_cases_it_counts(uow):
    for n, registered in enumerate((at(16, hour_utc=8), at(11), at(11, hour_utc=15), at(2), at(13, month=2))):
        new_case(uow, n, registered)
    limits = {label: (low, high) for label, low, high in dashboard.AGE_BUCKETS}
    ages = {a.label: a.count for a in read(uow, dashboard.open_cases_by_age)}
    # 17:00 in Bucharest on the 11th is after the working day: it counts from the 12th, 2 working days ago
    assert ages == {"0-2": 2, "3-5": 1, "6-10": 1, "11-20": 0, "21+": 1}
    assert {label: queue_total(uow, age=limits[label]) for label in ages} == ages


def test_each_week_opens_the_queue_on_the_cases_registered_or_closed_that_week(uow):
    closed_timelines(uow)
    new_case(uow, 20, at(12, hour_utc=22))  # Friday 13 March in Bucharest
    weeks = read(uow, dashboard.weekly_flow)
    for w in weeks:
        days = (max(w.week, MARCH.date_from), min(w.week + timedelta(days=6), MARCH.date_to))
        assert queue_total(uow, registered=days, open_only=False) == w.intake
        assert queue_total(uow, closed=days, open_only=False) == w.completed
    assert sum(w.completed for w in weeks) == 5 and queue_total(uow, closed=(MARCH.date_from, MARCH.date_to)) == 0


def test_a_case_closed_in_the_period_and_reopened_since_is_still_among_those_closed(uow):
    case = new_case(uow, 0, at(2))
    at_moment(at(3), fire, uow, case.id, "reject", CLERK, reason="Cerere retrasă")
    at_moment(at(4), fire, uow, case.id, "reopen", SUPERVISOR, reason="Documente găsite")
    [cycle] = read(uow, dashboard.cycle_times)
    assert cycle.cases == queue_total(uow, case_type="holder_change", closed=(MARCH.date_from, MARCH.date_to),
                                      open_only=False) == 1
    assert queue_total(uow, closed=(date(2026, 3, 4), date(2026, 3, 31)), open_only=False) == 0


def test_due_soon_opens_the_queue_on_the_same_cases(uow):
    _, soon, _ = deadlines(uow)
    listed = read(uow, dashboard.due_soon_cases)
    with clock_at(MARCH_16):
        queue = list_queue(uow=uow(), actor=SUPERVISOR, filters=QueueFilter(due_soon_only=True))
    assert [r.id for r in listed.rows] == [r.id for r in queue.rows] == [soon.id]


def test_each_dispute_category_opens_the_queue_on_its_open_disputes(uow):
    dispute(uow, 0, "wrong_reading", "50.00")
    dispute(uow, 1, "wrong_reading", "20.00")
    upheld = dispute(uow, 2, "double_billing", "80.00")
    at_moment(at(11), fire, uow, upheld.id, "start_review", CLERK)
    with clock_at(at(12)):
        cases.fire_trigger(uow=uow(), case_id=upheld.id, expected_version=current_version(uow, upheld.id),
                           trigger="uphold", actor=CLERK, reason="Factură emisă de două ori", amount="60.00")
    found = {d.category: d.open_cases for d in read(uow, dashboard.disputes_by_category)}
    assert found == {"wrong_reading": 2, "double_billing": 0}
    assert {name: queue_total(uow, category=name) for name in found} == found


def test_each_person_of_the_workload_opens_the_queue_on_their_open_cases(uow):
    clerk = staff(uow, "clerk")
    mine = new_case(uow, 0, at(9))
    new_case(uow, 1, at(9))
    with clock_at(at(10)):
        cases.claim_case(uow=uow(), case_id=mine.id, expected_version=current_version(uow, mine.id), actor=clerk)
    totals = {w.assignee: w.count for w in read(uow, dashboard.workload)}
    assert totals == {"clerk": 1, None: 1}
    assert (queue_total(uow, assignee="clerk"), queue_total(uow, assignee="__none__")) == (1, 1)
