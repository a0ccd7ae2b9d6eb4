"""Two versions of the holder-change table side by side, and moving open cases from v1 to v2: the dry run's
report, the real run with one audit event per moved case, closed and refused cases left alone, re-runs."""

from contextlib import contextmanager
from dataclasses import replace

import pytest
from sqlmodel import select

from core.models import AuditEvent, Case
from core.platform.config import settings
from core.platform.errors import TransitionRefused
from core.workflow import __main__ as cli
from core.workflow import migrate, registry
from core.workflow.migrate import Refusal
from core.workflow.spec import StateMap
from tests.factories import (
    CLERK,
    COMPANY_CUI,
    PERSON_DOCS,
    SUPERVISOR,
    SUPERVISOR2,
    count,
    fire,
    make_account,
    refused,
    register_case,
    reload,
    review_all,
    valid_cnp,
)

COMPANY_DOCS = ("onrc_certificate", "right_of_use", "contract_request", "supply_offer", "meter_reading")
COMPANY = dict(applicant_kind="company", company_name="Lumina Verde SRL", national_id=COMPANY_CUI,
               first_name="", last_name="")
PLACES = [("RO005E512345601", "1900202400013"), ("RO005E512345602", "1700303400019"),
          ("RO005E512345603", "1800101400015"), ("RO005E512345604", "1800101221144"),
          ("RO005E512345605", valid_cnp("185050540001"))]


@pytest.fixture
def before_v2(monkeypatch):
    """Registering inside this block happens as before version 2 shipped: the case opens on version 1."""
    @contextmanager
    def block():
        with monkeypatch.context() as m:
            m.delitem(registry.TABLES, ("holder_change", 2))
            yield
    return block


def open_case(uow, n: int, company: bool = False, documents=None):
    pod, national_id = PLACES[n]
    contract = make_account(uow, pod=pod, national_id=national_id)
    docs = documents if documents is not None else (COMPANY_DOCS if company else PERSON_DOCS)
    return register_case(uow, contract, documents=docs, pod=pod, **(COMPANY if company else {}))


def verified(uow, case_id: int) -> Case:
    review_all(uow, case_id)
    return fire(uow, case_id, "verify_documents", SUPERVISOR)


def events_of(uow, case_id: int, trigger: str | None = None) -> list[AuditEvent]:
    with uow() as u:
        query = select(AuditEvent).where(AuditEvent.case_id == case_id)
        if trigger:
            query = query.where(AuditEvent.trigger == trigger)
        return list(u.session.exec(query.order_by(AuditEvent.id)))


def test_a_v1_and_a_v2_company_case_run_side_by_side_each_to_contract_issued(uow, before_v2):
    with before_v2():
        old = open_case(uow, 0, company=True)
    new = open_case(uow, 1, company=True)
    assert (reload(uow, old.id).workflow_version, reload(uow, new.id).workflow_version) == (1, 2)
    verified(uow, old.id)
    verified(uow, new.id)
    # v1: straight to the contract
    assert fire(uow, old.id, "issue_contract", SUPERVISOR2).state == "contract_issued"
    # v2: a company's handover index is confirmed first
    with refused(TransitionRefused, "guard.meter_index_unconfirmed"):
        fire(uow, new.id, "issue_contract", SUPERVISOR2)
    assert fire(uow, new.id, "confirm_meter_index", CLERK).state == "meter_index_confirmed"
    issued = fire(uow, new.id, "issue_contract", SUPERVISOR2)
    assert issued.state == "contract_issued" and issued.closed_at and issued.new_contract_id
    assert {e.workflow_version for e in events_of(uow, old.id)} == {1}
    assert [(e.from_state, e.to_state) for e in events_of(uow, new.id) if e.from_state != e.to_state][-2:] == [
        ("documents_verified", "meter_index_confirmed"), ("meter_index_confirmed", "contract_issued")]
    assert {e.workflow_version for e in events_of(uow, new.id)} == {2}


def test_a_person_on_v2_goes_as_in_v1_and_cannot_take_the_company_step(uow):
    case = open_case(uow, 0)
    verified(uow, case.id)
    with refused(TransitionRefused, "guard.meter_index_company_only"):
        fire(uow, case.id, "confirm_meter_index", CLERK)
    assert fire(uow, case.id, "issue_contract", SUPERVISOR2).state == "contract_issued"


@pytest.fixture
def v1_cases(uow, before_v2):
    """Open v1 cases in several states, a closed v1 case, and an open v2 case."""
    with before_v2():
        waiting = open_case(uow, 0, documents=("id_card",))  # submitted
        company = open_case(uow, 1, company=True)
        verified(uow, company.id)  # documents_verified
        rejected_doc = open_case(uow, 2)  # documents_received, one document then rejected: v2 would refuse it
        review_all(uow, rejected_doc.id, approve=False, reason="Copie neclară")
        closed = open_case(uow, 3)
        fire(uow, closed.id, "cancel", CLERK, reason="Clientul a renunțat")
    on_v2 = open_case(uow, 4)
    return {"waiting": waiting.id, "company": company.id, "rejected_doc": rejected_doc.id, "closed": closed.id,
            "on_v2": on_v2.id}


def snapshot(uow, ids: dict) -> dict:
    return {name: (c.state, c.workflow_version, c.version) for name, c in
            ((name, reload(uow, case_id)) for name, case_id in ids.items())}


def run(uow, dry_run: bool = False):
    return migrate.migrate(uow_factory=uow, name="holder_change", to_version=2, dry_run=dry_run)


def test_the_dry_run_reports_what_would_move_and_what_is_refused_and_writes_nothing(uow, v1_cases):
    before, events = snapshot(uow, v1_cases), count(uow, AuditEvent)
    report = run(uow, dry_run=True)
    assert dict(report.moves) == {("submitted", "submitted"): 1, ("documents_verified", "documents_verified"): 1}
    assert report.refused == [Refusal(reload(uow, v1_cases["rejected_doc"]).registration_number,
                                      "documents_received", "guard.documents_missing")]
    assert report.already == 1
    assert snapshot(uow, v1_cases) == before and count(uow, AuditEvent) == events


def test_the_real_run_moves_each_open_case_with_its_event_and_leaves_closed_and_refused_ones(uow, v1_cases):
    before = snapshot(uow, v1_cases)
    report = run(uow)
    assert report.moved == 2 and len(report.refused) == 1
    after = snapshot(uow, v1_cases)
    for name in ("waiting", "company"):
        assert after[name][:2] == (before[name][0], 2)
        [event] = events_of(uow, v1_cases[name], "migrate_version")
        assert event.details == {"from_version": 1, "to_version": 2} and event.actor == "system"
        assert (event.from_state, event.to_state, event.workflow_version) == (before[name][0], before[name][0], 2)
    for name in ("closed", "rejected_doc", "on_v2"):  # untouched, no event
        assert after[name] == before[name] and not events_of(uow, v1_cases[name], "migrate_version")
    # the moved company case now takes v2's step before its contract
    with refused(TransitionRefused, "guard.meter_index_unconfirmed"):
        fire(uow, v1_cases["company"], "issue_contract", SUPERVISOR2)
    fire(uow, v1_cases["company"], "confirm_meter_index", CLERK)
    assert fire(uow, v1_cases["company"], "issue_contract", SUPERVISOR2).state == "contract_issued"


def test_a_second_run_moves_nothing_again_and_still_lists_the_refused_case(uow, v1_cases):
    run(uow)
    events = count(uow, AuditEvent)
    again = run(uow)
    assert again.moved == 0 and again.already == 3 and len(again.refused) == 1
    assert count(uow, AuditEvent) == events


def test_a_state_left_out_of_the_map_is_refused_and_its_cases_stay_on_v1(uow, v1_cases, monkeypatch):
    v2 = registry.get("holder_change", 2)
    partial = StateMap(1, {"submitted": "submitted", "documents_received": "documents_received"})
    monkeypatch.setitem(registry.TABLES, ("holder_change", 2), replace(v2, migrates_from=partial))
    report = run(uow)
    assert ("documents_verified", "migrate.state_unmapped") in {(r.state, r.reason_key) for r in report.refused}
    assert reload(uow, v1_cases["company"]).workflow_version == 1


def test_a_crash_during_the_run_leaves_no_half_moved_case(uow, v1_cases, monkeypatch):
    calls = []

    def crash_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return original(*args, **kwargs)

    original = migrate.record_event
    monkeypatch.setattr(migrate, "record_event", crash_on_second)
    with pytest.raises(RuntimeError, match="power cut"):
        run(uow)
    first, second = reload(uow, v1_cases["waiting"]), reload(uow, v1_cases["company"])
    assert first.workflow_version == 2 and len(events_of(uow, first.id, "migrate_version")) == 1
    assert (second.state, second.workflow_version) == ("documents_verified", 1)
    assert not events_of(uow, second.id, "migrate_version")
    monkeypatch.setattr(migrate, "record_event", original)
    assert run(uow).moved == 1  # the re-run finishes the job


def test_a_case_changed_by_a_colleague_during_the_move_is_left_for_the_next_run(uow, v1_cases, monkeypatch):
    judged = migrate.mapped_state

    def colleague_rejects_meanwhile(session, case, wf):
        if case.id == v1_cases["company"]:
            fire(uow, case.id, "reject", CLERK, reason="Cerere retrasă")  # commits in its own transaction
        return judged(session, case, wf)

    monkeypatch.setattr(migrate, "mapped_state", colleague_rejects_meanwhile)
    report = run(uow)
    assert report.changed_meanwhile == 1 and report.moved == 1
    company = reload(uow, v1_cases["company"])
    assert (company.state, company.workflow_version) == ("rejected", 1)
    assert not events_of(uow, company.id, "migrate_version")


def test_the_command_prints_the_dry_run_report(uow, v1_cases, monkeypatch, capsys, engine):
    monkeypatch.setattr(settings, "database_url", engine.url.render_as_string(hide_password=False))
    assert cli.main(["migrate", "holder_change", "--to", "2", "--dry-run"]) == 0
    out = capsys.readouterr().out
    refused_number = reload(uow, v1_cases["rejected_doc"]).registration_number
    assert "holder_change: mutare pe versiunea 2 — simulare, nu se scrie nimic" in out
    assert "Cazuri care s-ar muta: 2" in out and "  documents_verified → documents_verified: 1" in out
    assert f"  {refused_number} (documents_received): Lipsesc documente obligatorii." in out
    assert not events_of(uow, v1_cases["waiting"], "migrate_version")


def test_the_command_refuses_a_version_with_no_state_map(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["migrate", "holder_change", "--to", "1"])
    assert exit_.value.code == 2 and "declares no state map" in capsys.readouterr().err
