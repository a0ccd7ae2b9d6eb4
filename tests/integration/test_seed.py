"""The demo dataset, as a user of the demo would look at it: every state, real audit trails, issued
contracts, invoices with the right VAT, valid identifiers, and the same data for the same seed."""

import re
import sys
from datetime import UTC, date, datetime
from decimal import Decimal

import phonenumbers
import pytest
from sqlmodel import select
from stdnum.ro import cnp, cui

from core.models import (
    AuditEvent,
    Case,
    CaseDocument,
    ConsumptionPlace,
    Contract,
    ContractStatus,
    CreditNote,
    Customer,
    CustomerKind,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    LineKind,
    OutboxMessage,
    clock_at,
)
from core.platform.config import settings
from core.platform.db import UnitOfWork, get_engine
from core.workflow.registry import workflow_of
from seed_data import __main__ as seed_command
from seed_data.builder import build, is_seeded
from tests.settlement_invariants import check_contract
from workflows import holder_change

ACCOUNTS, CASES = 40, 20  # the first thirteen cases take every scenario once
NOW = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)  # a pinned clock: the same dataset on every run


@pytest.fixture
def seeded(uow, engine) -> dict[str, int]:
    """The small dataset on the emptied test database; its counts as the build reports them."""
    with clock_at(NOW):
        return build(engine, accounts=ACCOUNTS, cases=CASES, seed=7)


def rows(uow, query) -> list:
    with uow() as u:
        return list(u.session.exec(query))


def test_the_build_reports_its_counts_and_the_database_then_counts_as_seeded(seeded, uow, engine):
    issued = rows(uow, select(Case.id).where(Case.state == holder_change.State.CONTRACT_ISSUED))
    disputes = rows(uow, select(Case.id).where(Case.case_type == "payment_dispute"))
    assert seeded["cases"] == CASES + len(disputes)
    assert seeded["contracts"] == ACCOUNTS + len(issued)  # each issued case adds the new holder's contract
    assert min(seeded["invoices"], seeded["payments"], seeded["documents"], seeded["audit_events"]) > 0
    assert is_seeded(engine)


@pytest.mark.usefixtures("seeded")
def test_the_demo_leaves_nothing_for_the_worker_to_mail_and_no_live_link_in_its_messages(uow):
    messages = rows(uow, select(OutboxMessage))
    assert messages and {m.status for m in messages} == {"sent"}
    assert not any(re.search(r"token=[A-Za-z0-9_-]", m.body) for m in messages)


@pytest.mark.usefixtures("seeded")
def test_every_holder_change_state_is_seeded_with_received_cases_both_assigned_and_unassigned(uow):
    cases = rows(uow, select(Case).where(Case.case_type == holder_change.WORKFLOW.name))
    assert {case.state for case in cases} == set(holder_change.State)
    received = [case for case in cases if case.state == holder_change.State.DOCUMENTS_RECEIVED]
    assert {case.assignee_id is None for case in received} == {True, False}


@pytest.mark.usefixtures("seeded")
def test_the_demo_has_company_applicants_replaced_documents_and_reopened_cases(uow):
    assert any(case.data["applicant_kind"] == CustomerKind.COMPANY for case in rows(uow, select(Case)))
    assert rows(uow, select(CaseDocument).where(CaseDocument.replaces_id.is_not(None)))
    assert rows(uow, select(AuditEvent).where(AuditEvent.trigger == "reopen"))


@pytest.mark.usefixtures("seeded")
def test_every_state_change_has_an_audit_event(uow):
    for case in rows(uow, select(Case)):
        events = rows(uow, select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id))
        state = None
        for event in events:
            if workflow_of(case).transition(event.trigger):
                assert event.from_state == state, (case.registration_number, event.trigger)
            else:
                assert event.from_state == event.to_state == state, (case.registration_number, event.trigger)
            state = event.to_state
        assert state == case.state
        assert [event.at for event in events] == sorted(event.at for event in events)  # the timeline reads in order


@pytest.mark.usefixtures("seeded")
def test_an_issued_contract_closes_the_old_one_and_opens_the_new_one_on_the_same_place_under_four_eyes(uow):
    issued = rows(uow, select(Case).where(Case.case_type == holder_change.WORKFLOW.name,
                                          Case.state == holder_change.State.CONTRACT_ISSUED))
    assert issued
    for case in issued:
        with uow() as u:
            old, new = u.session.get(Contract, case.old_contract_id), u.session.get(Contract, case.new_contract_id)
            issuer = u.session.exec(select(AuditEvent.actor).where(
                AuditEvent.case_id == case.id, AuditEvent.trigger == "issue_contract")).one()
            place = u.session.get(ConsumptionPlace, new.place_id)
        assert (old.status, new.status) == (ContractStatus.CLOSED, ContractStatus.ACTIVE)
        assert old.place_id == new.place_id == case.place_id and place.pod == case.pod
        assert old.end_index == new.start_index == case.data["handover_index"]
        assert case.verified_by and case.verified_by != issuer


@pytest.mark.usefixtures("seeded")
def test_invoices_use_19_percent_vat_before_august_2025_and_21_percent_from_then_and_add_up(uow):
    invoices = rows(uow, select(Invoice))
    rates = {(invoice.issue_date < date(2025, 8, 1), invoice.vat_rate) for invoice in invoices}
    assert rates == {(True, Decimal("0.19")), (False, Decimal("0.21"))}
    assert all(invoice.total == invoice.value_net + invoice.vat for invoice in invoices)


@pytest.mark.usefixtures("seeded")
def test_the_demo_has_regularisations_on_both_sides_of_the_vat_change_and_a_handover_credit(uow):
    readings = rows(uow, select(Invoice).where(Invoice.kind == InvoiceKind.REGULARISATION))
    assert {invoice.issue_date < date(2025, 8, 1) for invoice in readings} == {True, False}
    corrections = rows(uow, select(InvoiceLine.invoice_id).where(InvoiceLine.kind == LineKind.CORRECTION))
    assert {i.id for i in readings} & set(corrections)  # some regularisation credits over-estimated kWh
    credited = rows(uow, select(Case).join(Invoice, Invoice.contract_id == Case.old_contract_id).where(
        Case.state == holder_change.State.CONTRACT_ISSUED, Invoice.kind == InvoiceKind.FINAL, Invoice.kwh < 0))
    assert credited  # a handover below the last billed index, issued with a final credit invoice
    for invoice in rows(uow, select(Invoice)):
        lines = rows(uow, select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))
        assert (invoice.kwh, invoice.total) == (sum(x.kwh for x in lines), sum(x.total for x in lines))


@pytest.mark.usefixtures("seeded")
def test_seeded_people_have_valid_identifiers_and_contact_data_at_example_domains(uow):
    for customer in rows(uow, select(Customer)):
        checker = cnp if customer.kind == CustomerKind.PERSON else cui
        assert checker.is_valid(customer.national_id), customer.national_id
        assert phonenumbers.is_valid_number(phonenumbers.parse(customer.phone))
        assert phonenumbers.region_code_for_number(phonenumbers.parse(customer.phone)) == "RO"
        assert re.fullmatch(r"[a-z0-9.]+@example\.(org|com)", customer.email)
    assert all(re.fullmatch(settings.pod_pattern, pod) for pod in rows(uow, select(ConsumptionPlace.pod)))


def test_the_same_seed_gives_the_same_registration_numbers_applicants_and_codes(tmp_path):
    def snapshot(name: str) -> tuple[list, list]:
        engine = get_engine(f"sqlite:///{tmp_path / name}")
        with clock_at(NOW):
            build(engine, accounts=25, cases=15, seed=11)
        cases = rows(lambda: UnitOfWork(engine), select(Case.registration_number, Case.applicant_name, Case.state,
                                                        Case.payment_code).order_by(Case.registration_number))
        holders = rows(lambda: UnitOfWork(engine), select(Customer.name, Customer.national_id).order_by(Customer.id))
        engine.dispose()
        return cases, holders

    assert snapshot("first.db") == snapshot("second.db")


def test_the_command_refuses_a_database_that_already_has_data(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'seeded.db'}"
    assert not is_seeded(get_engine(url))
    build(get_engine(url), accounts=1, cases=0)
    monkeypatch.setattr(settings, "database_url", url)
    monkeypatch.setattr(sys, "argv", ["seed_data"])
    assert seed_command.main() == 1
    assert "conține deja date" in capsys.readouterr().err


@pytest.mark.usefixtures("seeded")
def test_seeded_disputes_follow_the_rules_credit_notes_only_on_upheld_ones_within_the_disputed_amount(uow):
    disputes = rows(uow, select(Case).where(Case.case_type == "payment_dispute"))
    assert disputes, "the demo has invoice disputes"
    notes = {n.case_id: n for n in rows(uow, select(CreditNote))}
    for case in disputes:
        assert (case.id in notes) == (case.state == "resolved_upheld")
        if case.id in notes:
            assert 0 < notes[case.id].amount <= case.disputed_amount


def test_the_seeded_audit_chain_verifies_intact(seeded, engine):
    from core.platform.audit import verify

    with engine.connect() as connection:
        result = verify(connection)
    assert result.ok and result.rows > CASES


def test_every_seeded_contract_keeps_the_settlement_invariants_including_a_credit_final_invoice(seeded, uow):
    contracts = rows(uow, select(Contract.id))
    credit_finals = rows(uow, select(Invoice).where(Invoice.kind == InvoiceKind.FINAL, Invoice.total < 0))
    assert credit_finals  # a holder moved out after estimates above the real use
    for contract_id in contracts:
        check_contract(uow, contract_id)
