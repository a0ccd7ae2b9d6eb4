"""The demo has vacant consumption places to try online contracting on, and new-contract requests
moved through the real services into several states."""

from datetime import UTC, datetime

from sqlmodel import select

from core.models import Case, ConsumptionPlace, Contract, Invoice, clock_at
from seed_data.builder import build


def test_the_demo_has_vacant_places_closed_with_a_final_invoice_and_new_contract_requests(uow, engine):
    with clock_at(datetime(2026, 3, 16, 9, 30, tzinfo=UTC)):
        build(engine, accounts=40, cases=20, seed=7)
    with uow() as u:
        active = set(u.session.exec(select(Contract.place_id).where(Contract.status == "active")))
        vacant = [p for p in u.session.exec(select(ConsumptionPlace)) if p.id not in active]
        finals = list(u.session.exec(select(Invoice).where(Invoice.kind == "final")))
        requests = list(u.session.exec(select(Case).where(Case.case_type == "new_contract")))
        new_contracts = {c.id: c for c in u.session.exec(select(Contract).where(
            Contract.id.in_([case.new_contract_id for case in requests if case.new_contract_id])))}
    issued = [case for case in requests if case.state == "contract_issued"]
    assert len(vacant) > len(requests) - len(issued) > 0  # some vacant places are left free to try
    assert {invoice.place_id for invoice in finals} >= {place.id for place in vacant}
    assert {case.state for case in requests} == {"submitted", "documents_received", "documents_verified",
                                                 "contract_issued", "rejected", "cancelled"}
    assert all(case.old_contract_id is None for case in requests)
    assert all(case.place_id in {p.id for p in vacant} for case in requests if case not in issued)
    # an issued request opened the place's only active contract
    assert all(new_contracts[case.new_contract_id].place_id == case.place_id
               and new_contracts[case.new_contract_id].status == "active" for case in issued)
