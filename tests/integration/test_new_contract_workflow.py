"""A new contract on a vacant consumption place: registered with per-field refusals, worked through the
same engine and queue as a holder change, and ending with the place's only active contract."""

from datetime import date

import pytest
from sqlmodel import select

from core.cases.queries import QueueFilter, list_queue
from core.models import Case, ConsumptionPlace, Contract, Customer, OutboxMessage
from core.online import access
from core.platform.config import settings
from core.platform.errors import PermissionDenied, TransitionRefused, ValidationFailed
from core.services.contracting import register_new_contract
from core.services.documents import upload_document
from core.staff.auth import customer_actor
from core.workflow.effects import close_contract
from tests.factories import (
    ANALYST,
    CLERK,
    NEW_HOLDER_CNP,
    PERSON_DOCS,
    SUPERVISOR,
    SUPERVISOR2,
    count,
    fire,
    make_account,
    pdf_upload,
    refused,
    reload,
    review_all,
)

POD = "RO005E512345678"


def vacant_place(uow, pod: str = POD, moved_out_at: int = 1200) -> ConsumptionPlace:
    """A place whose holder moved out: the contract closed with its final invoice at `moved_out_at`."""
    contract = make_account(uow, pod=pod)
    with uow() as u:
        close_contract(u.session, u.session.get(Contract, contract.id), moved_out_at, date(2026, 1, 15),
                       "billing")
        u.commit()
        return u.session.get(ConsumptionPlace, contract.place_id)


def new_contract_form(**overrides) -> dict:
    form = dict(pod=POD, address="", applicant_kind="person", first_name="Maria", last_name="Ionescu",
                national_id=NEW_HOLDER_CNP, email="maria.ionescu@example.com", phone="0722 111 222",
                correspondence_address="", handover_index="1250", right_of_use="tenant")
    form.update(overrides)
    return form


def register(uow, documents=PERSON_DOCS, actor=CLERK, who=None, channel="counter", **overrides) -> Case:
    return register_new_contract(uow=uow(), actor=actor, form=new_contract_form(**overrides), channel=channel,
                                 uploads=[pdf_upload(d) for d in documents], who=who)


def field_errors(action) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failed:
        action()
    return {field: key for field, (key, _) in failed.value.errors.items()}



def test_a_request_from_the_first_form_to_the_issued_contract_fills_the_vacant_place(uow):
    place = vacant_place(uow)
    case = register(uow, actor=customer_actor(), documents=(), channel="online")
    assert (case.case_type, case.state, case.old_contract_id, case.place_id, case.pod) == (
        "new_contract", "submitted", None, place.id, POD)
    assert case.registration_number.startswith("CTR-") and case.deadline_name == "documents"
    for doc_type in PERSON_DOCS:
        upload_document(uow=uow(), case_id=case.id, doc_type=doc_type, file_name=f"{doc_type}.pdf",
                        data=pdf_upload(doc_type)[2], actor=customer_actor())
    assert reload(uow, case.id).state == "documents_received"
    review_all(uow, case.id)
    fire(uow, case.id, "verify_documents", SUPERVISOR)
    issued = fire(uow, case.id, "issue_contract", SUPERVISOR2)
    assert issued.state == "contract_issued" and issued.closed_at and issued.sla_status == "stopped"
    with uow() as u:
        active = u.session.exec(select(Contract).where(Contract.place_id == place.id,
                                                       Contract.status == "active")).one()
        holder = u.session.get(Customer, active.customer_id)
    assert active.id == issued.new_contract_id and active.start_index == 1250
    assert holder.national_id == NEW_HOLDER_CNP and holder.name == "Ionescu Maria"
    assert count(uow, OutboxMessage, OutboxMessage.template == "new_contract.contract_issued",
                 OutboxMessage.recipient == "maria.ionescu@example.com") == 1


def test_registering_queues_a_confirmation_listing_the_missing_documents(uow):
    vacant_place(uow)
    case = register(uow, documents=("id_card",))
    with uow() as u:
        mail = u.session.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).one()
    assert mail.template == "new_contract.registered" and case.registration_number in mail.subject
    assert "Cererea de contract de furnizare, semnată" in mail.body and "Actul de identitate" not in mail.body


def test_a_place_with_an_active_contract_is_refused_on_the_place_field(uow):
    make_account(uow)
    assert field_errors(lambda: register(uow)) == {"pod": "contracting.place_has_contract"}
    assert count(uow, Case) == 0


def test_an_unknown_place_and_a_low_meter_index_are_each_refused_on_their_field(uow):
    vacant_place(uow)
    assert field_errors(lambda: register(uow, pod="RO005E999999999")) == {"pod": "contracting.place_unknown"}
    assert field_errors(lambda: register(uow, handover_index="1199")) == {"handover_index":
                                                                         "contracting.index_below_meter"}


def test_the_place_can_be_named_by_its_address_instead_of_the_pod(uow):
    place = vacant_place(uow)
    assert register(uow, pod="", address=place.address).place_id == place.id


def test_every_wrong_applicant_field_gets_its_own_message_before_any_lookup(uow):
    errors = field_errors(lambda: register(uow, pod="", address="", national_id="2850505400015", email="maria@",
                                           phone="12", first_name=""))
    assert errors == {"pod": "validation.pod_or_address", "national_id": "validation.cnp_checksum",
                      "email": "validation.email", "phone": "validation.phone", "first_name": "validation.required"}


def test_only_one_open_request_per_place_and_the_customer_is_not_told_its_number(uow):
    vacant_place(uow)
    first = register(uow)
    with pytest.raises(ValidationFailed) as staff:
        register(uow, national_id="1800101221144")
    assert staff.value.messages()["pod"].endswith(first.registration_number + ".")
    with pytest.raises(ValidationFailed) as public:
        register(uow, actor=customer_actor(), national_id="1800101221144")
    assert public.value.errors["pod"][0] == "online.open_case_exists"
    assert first.registration_number not in public.value.messages()["pod"]


def test_clerks_and_supervisors_work_it_but_only_another_supervisor_issues_it(uow):
    vacant_place(uow)
    case = register(uow)
    review_all(uow, case.id)
    with pytest.raises(PermissionDenied):
        fire(uow, case.id, "verify_documents", ANALYST)
    fire(uow, case.id, "verify_documents", CLERK)
    with pytest.raises(PermissionDenied):
        fire(uow, case.id, "issue_contract", CLERK)
    assert fire(uow, case.id, "issue_contract", SUPERVISOR).state == "contract_issued"


def test_issuing_is_refused_once_the_place_got_a_contract_another_way(uow):
    place = vacant_place(uow)
    case = register(uow)
    review_all(uow, case.id)
    fire(uow, case.id, "verify_documents", CLERK)
    with uow() as u:  # e.g. opened at the counter while the request waited
        u.session.add(Contract(number="CF-X", client_code="C000000099", payment_code="000000099", customer_id=1,
                               place_id=place.id, start_date=date(2026, 2, 1)))
        u.commit()
    with refused(TransitionRefused, "guard.place_has_contract"):
        fire(uow, case.id, "issue_contract", SUPERVISOR)
    assert reload(uow, case.id).state == "documents_verified"


def test_a_new_contract_request_shows_in_the_queue_beside_holder_changes(uow):
    vacant_place(uow)
    case = register(uow)
    page = list_queue(uow=uow(), actor=CLERK, filters=QueueFilter(case_type="new_contract"))
    assert [(row.registration_number, row.pod) for row in page.rows] == [(case.registration_number, POD)]


def test_repeated_refused_place_lookups_by_a_visitor_are_recorded_and_then_need_a_challenge(uow):
    who = access.client("10.0.0.9", "session-z")
    for _ in range(settings.lookup_challenge_after):
        with pytest.raises(ValidationFailed):
            register(uow, actor=customer_actor(), who=who, pod="RO005E999999999")
    vacant_place(uow)
    with pytest.raises(access.ChallengeRequired):
        register(uow, actor=customer_actor(), who=who)
    with uow() as u:
        outcomes = [a.outcome for a in access.attempts_for(u.session, who)]
    assert outcomes.count("unknown") == settings.lookup_challenge_after and outcomes[0] == "challenge"
    assert count(uow, Case) == 0


def test_a_visitor_is_not_told_the_meter_reading_and_each_low_index_counts_as_a_failed_lookup(uow):
    vacant_place(uow)
    who = access.client("10.0.0.10", "session-y")
    with pytest.raises(ValidationFailed) as public:
        register(uow, actor=customer_actor(), who=who, handover_index="1199")
    assert public.value.errors == {"handover_index": ("bounds.index_check", {})}
    with uow() as u:
        assert [a.outcome for a in access.attempts_for(u.session, who)] == ["index_low"]
