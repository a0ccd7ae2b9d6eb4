"""The work queue: filters, search, deadline order, pages, claiming and bulk assignment."""

from datetime import UTC, date, datetime, timedelta

import pytest

from core.cases.queries import QueueFilter, aged_from, case_view, list_queue
from core.models import clock_at
from core.platform.errors import DomainError, NotFound, PermissionDenied
from core.platform.workdays import working_days_between
from core.services import cases
from core.services.users import ensure_demo_users
from tests.factories import (
    ADMIN,
    ANALYST,
    CLERK,
    SUPERVISOR,
    authenticate,
    current_version,
    fire,
    make_account,
    refused,
    register_case,
    valid_cnp,
)


def signed_in(uow, username, password):
    return authenticate(uow=uow(), username=username, password=password)


def register_many(uow, count: int, start_day: int = 2) -> list:
    """Cases registered on consecutive November days, so their deadlines are in that order."""
    made = []
    for n in range(start_day, start_day + count):
        pod = f"RO005E5{n:08d}"
        contract = make_account(uow, pod=pod, national_id=valid_cnp(f"1800101{n:05d}"))
        with clock_at(datetime(2026, 11, n, 9, 0, tzinfo=UTC)):
            made.append(register_case(uow, contract, documents=(), pod=pod, last_name=f"Ionescu{n}"))
    return made


def test_the_queue_is_sorted_by_deadline_and_paginated(uow):
    made = register_many(uow, 5)
    first = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(), page=1, page_size=2)
    last = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(), page=3, page_size=2)
    assert (first.total, first.pages) == (5, 3)
    assert [r.registration_number for r in first.rows + last.rows] == [
        made[0].registration_number, made[1].registration_number, made[4].registration_number]
    assert [r.due_date for r in first.rows] == sorted(r.due_date for r in first.rows)


def test_overdue_cases_are_flagged_and_can_be_filtered(uow):
    register_many(uow, 2, start_day=2)
    with clock_at(datetime(2026, 11, 25, 9, 0, tzinfo=UTC)):
        recent = register_many(uow, 1, start_day=25)
    with clock_at(datetime(2026, 11, 30, 9, 0, tzinfo=UTC)):
        overdue = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(overdue_only=True))
    assert overdue.total == 2 and all(r.overdue for r in overdue.rows)
    assert recent[0].registration_number not in [r.registration_number for r in overdue.rows]


@pytest.mark.parametrize("field", ["registration_number", "payment_code", "client_code", "pod", "name"])
def test_search_finds_a_case_by_any_code_or_by_name(uow, field):
    made = register_many(uow, 3)
    target = made[1]
    term = {"name": "ionescu3 ", "registration_number": target.registration_number.lower()}.get(
        field, getattr(target, field, None))
    found = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(search=term))
    assert [r.registration_number for r in found.rows] == [target.registration_number]


def test_closed_cases_leave_the_default_queue_but_stay_findable_by_state(uow):
    made = register_many(uow, 2)
    fire(uow, made[0].id, "cancel", CLERK, reason="Clientul a renunțat")
    assert list_queue(uow=uow(), actor=CLERK, filters=QueueFilter()).total == 1
    cancelled = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(state="cancelled"))
    assert [r.registration_number for r in cancelled.rows] == [made[0].registration_number]


def test_a_clerk_claims_a_case_and_finds_it_under_my_cases(uow):
    ensure_demo_users(uow=uow())
    clerk = signed_in(uow, "clerk", "clerk-demo")
    made = register_many(uow, 2)
    cases.claim_case(uow=uow(), case_id=made[1].id, expected_version=current_version(uow, made[1].id), actor=clerk)
    mine = list_queue(uow=uow(), actor=clerk, filters=QueueFilter(assignee="__me__"))
    unassigned = list_queue(uow=uow(), actor=clerk, filters=QueueFilter(assignee="__none__"))
    assert [r.registration_number for r in mine.rows] == [made[1].registration_number]
    assert mine.rows[0].assignee == "clerk" and unassigned.total == 1


def test_a_case_claimed_by_a_colleague_cannot_be_claimed(uow):
    ensure_demo_users(uow=uow())
    clerk, clerk2 = signed_in(uow, "clerk", "clerk-demo"), signed_in(uow, "clerk2", "clerk-demo")
    case = register_many(uow, 1)[0]
    cases.claim_case(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id), actor=clerk)
    with refused(DomainError, "assign.taken"):
        cases.claim_case(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id), actor=clerk2)


def test_a_supervisor_assigns_several_cases_at_once(uow):
    ensure_demo_users(uow=uow())
    supervisor = signed_in(uow, "supervisor", "supervisor-demo")
    made = register_many(uow, 3)
    assert cases.assign_cases(uow=uow(), case_ids=[c.id for c in made[:2]], assignee="clerk2", actor=supervisor) == 2
    assigned = list_queue(uow=uow(), actor=supervisor, filters=QueueFilter(assignee="clerk2"))
    assert assigned.total == 2


def test_bulk_assignment_is_all_or_nothing(uow):
    ensure_demo_users(uow=uow())
    supervisor = signed_in(uow, "supervisor", "supervisor-demo")
    made = register_many(uow, 2)
    fire(uow, made[1].id, "cancel", CLERK, reason="Clientul a renunțat")
    with refused(DomainError, "assign.closed"):
        cases.assign_cases(uow=uow(), case_ids=[c.id for c in made], assignee="clerk2", actor=supervisor)
    assert list_queue(uow=uow(), actor=supervisor, filters=QueueFilter(assignee="clerk2")).total == 0
    with pytest.raises(NotFound):
        cases.assign_cases(uow=uow(), case_ids=[made[0].id, 99999], assignee="clerk2", actor=supervisor)


def test_only_supervisors_assign_work_to_others(uow):
    made = register_many(uow, 1)
    with pytest.raises(PermissionDenied):
        cases.assign_cases(uow=uow(), case_ids=[made[0].id], assignee="clerk2", actor=CLERK)


def test_an_analyst_sees_masked_personal_data_and_no_actions(uow):
    case = register_case(uow, make_account(uow))
    assert [r.applicant_name for r in list_queue(uow=uow(), actor=ANALYST, filters=QueueFilter()).rows] == ["I. M."]
    for_clerk = case_view(uow=uow(), case_id=case.id, actor=CLERK)
    for_admin = case_view(uow=uow(), case_id=case.id, actor=ADMIN)
    assert for_clerk.applicant["national_id"] == "2850505400014"
    assert for_admin.applicant["national_id"] == "2*********014"
    assert for_admin.applicant["email"] == "m***@example.com"
    assert not any(a.allowed for a in for_admin.actions)


def test_the_case_view_explains_every_unavailable_action(uow):
    case = register_case(uow, make_account(uow))
    view = case_view(uow=uow(), case_id=case.id, actor=SUPERVISOR)
    reasons = {a.trigger: a.reason_key for a in view.actions}
    assert reasons == {"verify_documents": "guard.documents_not_approved",
                       "request_changes": "guard.no_rejected_document", "reject": None, "cancel": None}
    assert ("id_card", "pending") in view.required
    assert 'fillcolor="#0b5cad"' in view.diagram.split('"documents_received" [')[1].split("\n")[0]


def test_wrong_credentials_get_one_neutral_message(uow):
    ensure_demo_users(uow=uow())
    for username, password in (("clerk", "wrong-password"), ("nobody", "clerk-demo")):
        with refused(DomainError, "auth.invalid"):
            signed_in(uow, username, password)


@pytest.mark.parametrize("now", [datetime(2026, 3, 16, 9, 0, tzinfo=UTC),  # Monday morning
                                 datetime(2026, 3, 14, 10, 0, tzinfo=UTC),  # Saturday
                                 datetime(2026, 4, 13, 15, 30, tzinfo=UTC)])  # Easter Monday, after hours
def test_the_age_cut_off_agrees_with_working_days_since_registration_hour_by_hour(now):
    for hours in range(24 * 50):
        registered = now - timedelta(hours=hours, minutes=30)
        age = working_days_between(registered, now)
        assert [registered < aged_from(days, now) for days in range(1, 25)] == [age >= d for d in range(1, 25)]


def test_the_queue_filters_cases_by_registration_days_and_age_including_closed_ones(uow):
    made = register_many(uow, 4)  # 2 to 5 November
    fire(uow, made[1].id, "cancel", CLERK, reason="Clientul a renunțat")
    days = (date(2026, 11, 3), date(2026, 11, 4))
    assert list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(registered=days)).total == 1
    both = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(registered=days, open_only=False))
    assert [r.registration_number for r in both.rows] == [made[1].registration_number, made[2].registration_number]
    with clock_at(datetime(2026, 11, 9, 9, 0, tzinfo=UTC)):  # Monday: 5, 4 and 2 working days after
        older = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(age=(3, None)))
    assert [r.registration_number for r in older.rows] == [made[0].registration_number, made[2].registration_number]
