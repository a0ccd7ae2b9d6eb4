"""The bulk loader's data, as the services and a clerk see it: the ledger and workflow invariants hold, the
identifiers are valid, the invoices carry their lines at both VAT rates, and the services keep working on
top (new numbers unique, the audit chain intact)."""

import re
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select
from stdnum.ro import cnp, cui

from core.accounts.billing import issue_invoice
from core.models import (
    Case,
    CaseDocument,
    Contract,
    Customer,
    CustomerKind,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Role,
    clock_at,
)
from core.platform import audit
from core.platform.config import settings
from core.services.cases import fire_trigger
from core.services.payments import register_payment
from core.services.users import ensure_demo_users
from core.staff.auth import BILLING, Actor
from core.workflow import registry
from seed_data import bulk
from seed_data.builder import build_demo
from seed_data.checks import check_sample
from tests.stay_marks import check_stay_marks

ACCOUNTS, CASES = 300, 60
NOW = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)
CLERK = Actor("clerk", Role.CLERK, "Ana Popa")


@pytest.fixture
def loaded(uow, engine) -> dict[str, int]:
    ensure_demo_users(uow=uow())
    with clock_at(NOW):
        return bulk.load(engine, accounts=ACCOUNTS, cases=CASES, seed=3, now=NOW, progress=lambda *_: None)


def rows(uow, query) -> list:
    with uow() as u:
        return list(u.session.exec(query))


def test_a_sample_re_read_through_the_services_holds_every_invariant(loaded, engine):
    assert loaded["contract"] == ACCOUNTS and loaded["service_case"] == CASES
    assert check_sample(engine, size=ACCOUNTS) == []


def test_cases_stand_in_every_state_of_every_workflow_with_their_audit_trail_and_documents(loaded, uow):
    found = set(rows(uow, select(Case.case_type, Case.state)))
    assert found == {(wf.name, str(state)) for wf in registry.latest_workflows() for state in wf.states}
    events = Counter(rows(uow, select(audit.AuditEvent.case_id)))
    assert all(events[case_id] >= 1 for case_id in rows(uow, select(Case.id)))
    assert rows(uow, select(func.count()).select_from(CaseDocument))[0] > 0


def test_loaded_events_carry_the_stay_marks_the_engine_would_write(loaded, uow):
    with uow() as u:
        closings = check_stay_marks(u.session)  # each closing's working days = working_days_between
    assert len(closings) > 5 and len(set(closings)) > 1


def test_identifiers_are_valid_and_codes_have_their_real_formats(loaded, uow):
    for kind, national_id in rows(uow, select(Customer.kind, Customer.national_id)):
        assert (cnp if kind == CustomerKind.PERSON else cui).is_valid(national_id)
    for payment_code, client_code in rows(uow, select(Contract.payment_code, Contract.client_code)):
        assert re.fullmatch(settings.payment_code_pattern, payment_code)
        assert re.fullmatch(settings.client_code_pattern, client_code)
    assert all(re.fullmatch(settings.invoice_id_pattern, n) for n in rows(uow, select(Invoice.invoice_number)))


def test_every_contract_has_a_year_of_invoices_whose_totals_are_the_sums_of_their_lines(loaded, uow):
    months = Counter(rows(uow, select(Invoice.contract_id)))
    assert min(months.values()) >= 12
    sums = dict((i, t) for i, t in rows(uow, select(InvoiceLine.invoice_id, func.sum(InvoiceLine.total))
                                        .group_by(InvoiceLine.invoice_id)))
    for invoice_id, total in rows(uow, select(Invoice.id, Invoice.total)):
        assert Decimal(str(sums[invoice_id])) == total
    rates = set(rows(uow, select(InvoiceLine.vat_rate)))
    assert {Decimal("0.19"), Decimal("0.21")} <= {Decimal(str(r)).quantize(Decimal("0.01")) for r in rates}
    days = rows(uow, select(Invoice.issue_date))
    assert min(days) < date(2025, 8, 1) < max(days)


def test_the_services_keep_issuing_unique_numbers_and_the_chain_holds_after_the_load(loaded, uow, engine):
    contract_id = rows(uow, select(Contract.id).order_by(Contract.id.desc()).limit(1))[0]
    with clock_at(NOW), uow() as u:
        contract = u.session.get(Contract, contract_id)
        place_index = max(rows(uow, select(Invoice.new_index).where(Invoice.contract_id == contract_id)))
        invoice = issue_invoice(u.session, contract=contract, period_start=date(2026, 3, 1),
                                period_end=date(2026, 3, 15), new_index=place_index + 50, kind=InvoiceKind.ESTIMATE,
                                issue_date=NOW.date(), issued_by=BILLING.username)
        u.commit()
    numbers = rows(uow, select(Invoice.invoice_number))
    assert len(numbers) == len(set(numbers)) and invoice.invoice_number == max(numbers)
    payment = register_payment(uow=uow(), actor=CLERK, contract_id=contract_id, amount="25.00")
    assert payment.id > 0
    wf = registry.latest("holder_change")
    case_id, version = rows(uow, select(Case.id, Case.version).where(Case.case_type == wf.name,
                                                                      Case.state == str(wf.initial)))[0]
    fired = fire_trigger(uow=uow(), case_id=case_id, expected_version=version, trigger="reject", actor=CLERK,
                         reason="Cerere incompletă")
    assert fired.state == "rejected"
    assert check_sample(engine, size=20) == []  # the ledger still adds up, the chain verifies with the new rows


def test_the_demo_seed_appends_the_bulk_volume_after_the_scenarios_through_the_services(uow, engine):
    with clock_at(NOW):
        counts = build_demo(engine, accounts=24, cases=18, seed=7)
    assert counts["contracts"] >= 24 and counts["cases"] >= 18
    # the scenario invoices' stored open amounts are core.accounts.allocation's to maintain (migration 0016's work)
    assert check_sample(engine, size=50) == []
    registrations = rows(uow, select(Case.registration_number))
    assert len(registrations) == len(set(registrations))
