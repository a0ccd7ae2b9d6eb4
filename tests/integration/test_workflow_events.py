"""A transition returns the domain events it produced; subscribers run in its transaction; the registry is
keyed by (name, version) and a case keeps running the version it was opened with."""

from dataclasses import replace

from sqlmodel import select

from core.models import Case, OutboxMessage
from core.platform.errors import TransitionRefused
from core.workflow import engine, events, registry
from core.workflow.events import (
    CaseClosed,
    CaseMoved,
    ContractIssued,
    DeadlineStopped,
    DocumentsVerified,
)
from tests.factories import (
    CLERK,
    SUPERVISOR,
    SUPERVISOR2,
    count,
    make_account,
    refused,
    register_case,
    reload,
    review_all,
    verified_case,
)


def test_issuing_the_contract_returns_the_move_the_deadline_stop_the_contract_and_the_closing(uow):
    case = verified_case(uow)
    with uow() as u:
        produced = engine.fire(u.session, u.session.get(Case, case.id), "issue_contract", SUPERVISOR2)
        u.commit()
    assert [type(e) for e in produced] == [CaseMoved, DeadlineStopped, ContractIssued, CaseClosed]
    assert produced[0].from_state == "documents_verified" and produced[0].to_state == "contract_issued"
    assert produced[2].details["contract_number"].startswith("C")  # what the effect reported travels with it
    assert reload(uow, case.id).sla_status == "stopped"  # the deadline subscriber ran


def test_a_subscriber_writes_in_the_transition_and_rolls_back_with_it(uow):
    case = register_case(uow, make_account(uow))
    review_all(uow, case.id)
    seen = []

    def note(session, event):
        seen.append(event)
        session.add(OutboxMessage(channel="email", recipient="audit@example.com", subject="verified",
                                  body=event.case.registration_number, template="test.verified", lang="ro"))

    events.subscribe(DocumentsVerified)(note)
    try:
        with uow() as u:
            engine.fire(u.session, u.session.get(Case, case.id), "verify_documents", CLERK)
            u.session.flush()
            assert count_in(u.session) == 1  # written in the transition's own session
            u.session.rollback()
        assert len(seen) == 1 and count(uow, OutboxMessage, OutboxMessage.template == "test.verified") == 0
        assert reload(uow, case.id).state == "documents_received"
        with uow() as u:
            engine.fire(u.session, u.session.get(Case, case.id), "verify_documents", CLERK)
            u.commit()
        assert count(uow, OutboxMessage, OutboxMessage.template == "test.verified") == 1
    finally:
        events.unsubscribe(DocumentsVerified, note)


def count_in(session) -> int:
    return len(session.exec(select(OutboxMessage).where(OutboxMessage.template == "test.verified")).all())


def test_a_case_runs_the_version_it_was_opened_with(uow, monkeypatch):
    account = make_account(uow)
    v1 = registry.latest("holder_change")
    old = register_case(uow, account)  # opened under the latest version, "v1" here
    # a throwaway next version where a reject needs no reason
    v2 = replace(v1, version=v1.version + 1, transitions=tuple(
        replace(tr, requires=()) if tr.trigger == "reject" else tr for tr in v1.transitions))
    monkeypatch.setitem(registry.TABLES, ("holder_change", v2.version), v2)
    assert registry.latest("holder_change") is v2 and registry.workflow_of(reload(uow, old.id)) is v1
    with refused(TransitionRefused, "engine.requires_reason"), uow() as u:  # v1 still asks for a reason
        engine.fire(u.session, u.session.get(Case, old.id), "reject", SUPERVISOR)
    with uow() as u:
        engine.fire(u.session, u.session.get(Case, old.id), "cancel", SUPERVISOR, reason="Cerere dublă")
        u.commit()
    new = register_case(uow, account)  # the place is free again: a new case takes the latest version
    assert reload(uow, new.id).workflow_version == v2.version
    with uow() as u:
        engine.fire(u.session, u.session.get(Case, new.id), "reject", SUPERVISOR)
        u.commit()
    assert reload(uow, new.id).state == "rejected" and reload(uow, old.id).state == "cancelled"
