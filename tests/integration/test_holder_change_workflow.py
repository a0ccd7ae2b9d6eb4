"""Every holder-change transition: allowed, forbidden by role, blocked by its guard, and what it leaves."""

import pytest
from sqlmodel import select

from core.models import AuditEvent, Case, ConsumptionPlace, Contract, Customer, Invoice, OutboxMessage
from core.platform.errors import PermissionDenied, StaleCase, TransitionRefused
from core.services import cases
from core.workflow import effects
from tests.factories import (
    ANALYST,
    CLERK,
    CLERK2,
    NEW_HOLDER_CNP,
    SUPERVISOR,
    SUPERVISOR2,
    count,
    current_version,
    fire,
    make_account,
    refused,
    register_case,
    reload,
    review_all,
    verified_case,
)


def test_a_case_with_every_document_moves_to_documents_received_with_a_running_deadline(uow):
    case = register_case(uow, make_account(uow))
    assert case.state == "documents_received"
    assert case.deadline_name == "contract" and case.sla_status == "running" and case.due_date


def test_a_case_missing_a_document_waits_in_submitted_with_the_documents_deadline(uow):
    case = register_case(uow, make_account(uow), documents=("id_card", "right_of_use"))
    assert case.state == "submitted"
    assert case.deadline_name == "documents"


def test_verifying_needs_every_document_approved(uow):
    case = register_case(uow, make_account(uow))
    with refused(TransitionRefused, "guard.documents_not_approved"):
        fire(uow, case.id, "verify_documents", CLERK)
    review_all(uow, case.id)
    assert fire(uow, case.id, "verify_documents", CLERK).state == "documents_verified"


def test_an_analyst_cannot_verify_documents(uow):
    case = register_case(uow, make_account(uow))
    review_all(uow, case.id)
    with pytest.raises(PermissionDenied):
        fire(uow, case.id, "verify_documents", ANALYST)
    assert reload(uow, case.id).state == "documents_received"


def test_a_clerk_cannot_issue_a_contract(uow):
    case = verified_case(uow)
    with pytest.raises(PermissionDenied):
        fire(uow, case.id, "issue_contract", CLERK)


def test_the_supervisor_who_verified_cannot_issue_the_contract(uow):
    case = verified_case(uow, verifier=SUPERVISOR)
    with refused(TransitionRefused, "guard.four_eyes"):
        fire(uow, case.id, "issue_contract", SUPERVISOR)
    assert reload(uow, case.id).state == "documents_verified"


def test_issuing_the_contract_hands_the_place_over_at_one_meter_index(uow):
    case = verified_case(uow)
    issued = fire(uow, case.id, "issue_contract", SUPERVISOR2)
    assert issued.state == "contract_issued" and issued.sla_status == "stopped" and issued.closed_at
    with uow() as u:
        old, new = u.session.get(Contract, issued.old_contract_id), u.session.get(Contract, issued.new_contract_id)
        holder = u.session.get(Customer, new.customer_id)
        final = u.session.exec(select(Invoice).where(Invoice.contract_id == old.id, Invoice.kind == "final")).one()
        place = u.session.get(ConsumptionPlace, new.place_id)
    assert (old.status, old.end_index) == ("closed", 1500)
    assert (new.status, new.start_index, new.place_id) == ("active", 1500, old.place_id)
    assert new.number != old.number and new.payment_code != old.payment_code
    assert holder.national_id == NEW_HOLDER_CNP and place.pod == "RO005E512345678"
    assert (final.old_index, final.new_index, final.kwh) == (1000, 1500, 500)
    assert count(uow, OutboxMessage, OutboxMessage.template == "holder_change.contract_issued",
                 OutboxMessage.recipient == "maria.ionescu@example.com") == 1


def test_rejecting_a_document_lets_staff_request_changes_and_the_customer_is_told_why(uow):
    case = register_case(uow, make_account(uow))
    with refused(TransitionRefused, "guard.no_rejected_document"):
        fire(uow, case.id, "request_changes", CLERK, reason="x")
    review_all(uow, case.id, approve=False, reason="Copie ilizibilă")
    back = fire(uow, case.id, "request_changes", CLERK, reason="Actul de identitate este ilizibil")
    assert back.state == "submitted" and back.deadline_name == "documents"
    with uow() as u:
        mail = u.session.exec(select(OutboxMessage).where(
            OutboxMessage.template == "holder_change.changes_requested")).one()
    assert "Actul de identitate este ilizibil" in mail.body


@pytest.mark.parametrize("trigger", ["reject", "cancel"])
def test_rejecting_or_cancelling_needs_a_reason_and_writes_nothing_without_one(uow, trigger):
    case = register_case(uow, make_account(uow))
    events = count(uow, AuditEvent)
    with refused(TransitionRefused, "engine.requires_reason"):
        fire(uow, case.id, trigger, CLERK, reason="  ")
    assert count(uow, AuditEvent) == events and reload(uow, case.id).state == "documents_received"
    closed = fire(uow, case.id, trigger, CLERK, reason="Cererea a fost retrasă de client")
    assert closed.state == {"reject": "rejected", "cancel": "cancelled"}[trigger] and closed.closed_at


def test_only_a_supervisor_reopens_a_rejected_case_and_it_is_logged(uow):
    case = register_case(uow, make_account(uow))
    fire(uow, case.id, "reject", CLERK, reason="Documente false")
    with pytest.raises(PermissionDenied):
        fire(uow, case.id, "reopen", CLERK, reason="Greșeală")
    reopened = fire(uow, case.id, "reopen", SUPERVISOR, reason="Respinsă din greșeală")
    assert reopened.state == "submitted" and reopened.closed_at is None
    with uow() as u:
        last = u.session.exec(select(AuditEvent).where(AuditEvent.case_id == case.id)
                              .order_by(AuditEvent.id.desc())).first()
    assert (last.trigger, last.from_state, last.to_state, last.reason) == (
        "reopen", "rejected", "submitted", "Respinsă din greșeală")


def test_a_trigger_from_the_wrong_state_is_refused(uow):
    case = register_case(uow, make_account(uow))
    with refused(TransitionRefused, "engine.wrong_state"):
        fire(uow, case.id, "issue_contract", SUPERVISOR2)


def test_a_stale_copy_of_the_case_is_refused(uow):
    case = register_case(uow, make_account(uow))
    seen = current_version(uow, case.id)
    cases.add_comment(uow=uow(), case_id=case.id, body="Sun clientul mâine", actor=CLERK2)
    cases.claim_case(uow=uow(), case_id=case.id, expected_version=seen, actor=CLERK2)
    with pytest.raises(StaleCase):
        cases.fire_trigger(uow=uow(), case_id=case.id, expected_version=seen, trigger="cancel", actor=CLERK,
                           reason="Clientul a renunțat")
    assert reload(uow, case.id).state == "documents_received"


def test_a_failure_inside_a_transition_leaves_no_partial_rows(uow, monkeypatch):
    case = verified_case(uow)
    before = {m: count(uow, m) for m in (AuditEvent, Contract, Invoice, OutboxMessage, Customer)}

    def broken_effect(ctx):
        raise RuntimeError("disk full")

    monkeypatch.setitem(effects.EFFECTS, "close_case", broken_effect)
    with pytest.raises(RuntimeError, match="disk full"):
        fire(uow, case.id, "issue_contract", SUPERVISOR2)
    assert {m: count(uow, m) for m in before} == before
    with uow() as u:
        old = u.session.get(Contract, case.old_contract_id)
    assert reload(uow, case.id).state == "documents_verified" and old.status == "active"


def test_every_state_change_of_a_case_has_its_audit_event(uow):
    case = verified_case(uow)
    fire(uow, case.id, "issue_contract", SUPERVISOR2)
    with uow() as u:
        events = list(u.session.exec(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)))
        final = u.session.get(Case, case.id)
    moves = [(e.from_state, e.to_state) for e in events if e.from_state != e.to_state]
    assert moves == [(None, "submitted"), ("submitted", "documents_received"),
                     ("documents_received", "documents_verified"), ("documents_verified", "contract_issued")]
    assert events[-1].to_state == final.state and all(e.workflow_version == final.workflow_version for e in events)


def test_audit_events_cannot_be_edited(uow):
    register_case(uow, make_account(uow))
    with uow() as u:
        event = u.session.exec(select(AuditEvent)).first()
        event.reason = "rewritten"
        u.session.add(event)
        with pytest.raises(PermissionError, match="append-only"):
            u.session.flush()
