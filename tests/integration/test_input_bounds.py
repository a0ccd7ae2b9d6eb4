"""What testers saw on main, each as a test: control characters and lone surrogates stored, meter indexes
and amounts without bounds, and over-long values that crashed a write instead of getting a field message."""

from decimal import Decimal

import pytest
from sqlmodel import select

from core.accounts.billing import record_payment
from core.cases.queries import list_queue
from core.models import AuditEvent, Case, CaseDocument, ConsumptionPlace, Contract, Payment
from core.online import access
from core.online.holder_change import request_holder_change
from core.platform.errors import TransitionRefused, ValidationFailed
from core.services import intake
from core.services.disputes import open_dispute
from core.services.payments import register_payment, reverse_payment
from core.staff.auth import SYSTEM
from tests.factories import (
    CLERK,
    SUPERVISOR,
    SUPERVISOR2,
    count,
    current_version,
    fire,
    holder_change_form,
    invoice_for,
    make_account,
    register_case,
    verified_case,
)
from ui.queue_widgets import from_params

VISITOR = access.client("198.51.100.9", "browser-session-bounds")


def field_errors(call) -> dict:
    with pytest.raises(ValidationFailed) as failed:
        call()
    return failed.value.errors


def test_a_nul_in_the_address_of_the_public_holder_change_form_is_refused_on_the_address_field(uow):
    contract = make_account(uow)
    form = holder_change_form(contract, pod="", address="Str. Lalelelor 5\x00, Iași")
    errors = field_errors(lambda: request_holder_change(uow=uow(), who=VISITOR, form=form, language="ro"))
    assert errors == {"address": ("bounds.control_characters", {})}
    assert count(uow, Case) == 0


@pytest.mark.parametrize("hostile", ["Nume \ud800", "Ion\u202eucsepoP", "Ion\u2066 Popescu", "Io\u200bn"],
                         ids=["lone-surrogate", "bidi-override", "bidi-isolate", "zero-width-space"])
def test_lone_surrogates_and_hidden_format_characters_in_a_name_are_refused(uow, hostile):
    contract = make_account(uow)
    errors = field_errors(lambda: register_case(uow, contract, documents=(), first_name=hostile))
    assert errors["first_name"][0] in {"bounds.invalid_characters", "bounds.hidden_characters"}
    assert count(uow, Case) == 0


def test_a_lone_surrogate_in_a_dispute_description_is_refused_on_the_description_field(uow):
    contract = make_account(uow)
    invoice = invoice_for(uow, contract)
    errors = field_errors(lambda: open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice.id, form={
        "category": "other", "amount": "10", "description": "Factura \udfff greșită"}))
    assert errors == {"description": ("bounds.invalid_characters", {})}
    assert count(uow, Case) == 0


@pytest.mark.parametrize("index", ["2000000000", str(10 ** 12), "1" * 5000], ids=["2e9", "1e12", "5000-digits"])
def test_a_handover_index_far_above_the_meter_is_refused_at_the_counter(uow, index):
    contract = make_account(uow)
    errors = field_errors(lambda: register_case(uow, contract, documents=(), handover_index=index))
    assert errors["handover_index"][0] in {"bounds.index_above_meter", "bounds.index_too_large"}
    assert count(uow, Case) == 0


def test_the_public_gets_one_neutral_message_for_an_index_too_low_or_too_high(uow):
    contract = make_account(uow)  # the meter's last reading is 1000
    low = field_errors(lambda: request_holder_change(uow=uow(), who=VISITOR, language="ro",
                                                     form=holder_change_form(contract, handover_index="999")))
    high = field_errors(lambda: request_holder_change(uow=uow(), who=VISITOR, language="ro",
                                                      form=holder_change_form(contract, handover_index="2000000000")))
    assert low == high == {"handover_index": ("bounds.index_check", {})}


def test_a_contract_is_not_issued_on_a_handover_index_implausible_for_the_meter(uow):
    case = verified_case(uow)
    with uow() as u:  # a case registered before the bound existed carries an absurd index
        stored = u.session.get(Case, case.id)
        stored.data = {**stored.data, "handover_index": 2_000_000_000}
        u.session.add(stored)
        u.commit()
    with pytest.raises(TransitionRefused) as refused:
        fire(uow, case.id, "issue_contract", SUPERVISOR2)
    assert refused.value.key == "bounds.guard_index_high"
    with uow() as u:
        assert u.session.get(Case, case.id).state == "documents_verified"


@pytest.mark.parametrize("amount", ["1000000000000", "1e28", "1E+30", "NaN", "Infinity", "-0", "0.001"])
def test_an_amount_outside_what_the_money_column_and_the_business_allow_is_a_field_message(uow, amount):
    contract = make_account(uow)
    errors = field_errors(lambda: register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=amount))
    assert set(errors) == {"amount"}
    assert count(uow, Payment) == 0


def test_two_long_names_that_overflow_the_applicant_name_get_a_field_message(uow):
    contract = make_account(uow)
    errors = field_errors(lambda: register_case(uow, contract, documents=(), first_name="A" * 200,
                                                last_name="B" * 200))
    assert errors["last_name"][0] == "bounds.name_too_long"
    assert count(uow, Case) == 0


def test_a_reason_longer_than_the_audit_trail_keeps_is_a_field_message(uow):
    case = register_case(uow, make_account(uow), documents=())
    events = count(uow, AuditEvent)
    with pytest.raises(ValidationFailed) as failed:
        fire(uow, case.id, "reject", CLERK, reason="x" * 1001)
    assert failed.value.errors == {"reason": ("bounds.too_long", {"max": 1000})}
    assert count(uow, AuditEvent) == events


def test_a_review_reason_longer_than_its_column_is_a_field_message(uow):
    from core.services.documents import review_document

    case = register_case(uow, make_account(uow))
    with uow() as u:
        document = u.session.exec(select(CaseDocument).where(CaseDocument.case_id == case.id)).first()
    with pytest.raises(ValidationFailed) as failed:
        review_document(uow=uow(), document_id=document.id, approve=False, actor=CLERK,
                        expected_version=current_version(uow, case.id), reason="y" * 501)
    assert failed.value.errors == {"reason": ("bounds.too_long", {"max": 500})}


@pytest.mark.parametrize("age", ["9" * 30, "²", "5-" + "9" * 30])
def test_a_huge_or_odd_age_in_the_queue_address_is_left_out(uow, age):
    filters = from_params({"age": age})
    assert filters.age is None
    assert list_queue(uow=uow(), actor=SUPERVISOR, filters=filters).total == 0


def test_a_payment_with_the_longest_card_reference_can_be_reversed(uow):
    contract = make_account(uow)
    with uow() as u:
        payment = record_payment(u.session, actor=SYSTEM, contract=u.session.get(Contract, contract.id),
                                 amount=Decimal("50"),
                                 channel="online", reference="card:" + "T" * 59)
        u.commit()
    reversal = reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=payment.id, reason="Plată greșită")
    assert len(reversal.reference) <= Payment.__table__.c.reference.type.length
    assert reversal.reference != payment.reference and "T" * 59 in reversal.reference


def test_a_stored_nul_cannot_reach_the_place_through_the_counter_form_either(uow):
    contract = make_account(uow)
    errors = field_errors(lambda: intake.register_holder_change(
        uow=uow(), actor=CLERK, form=holder_change_form(contract, correspondence_address="Str. X 1\x00")))
    assert errors == {"correspondence_address": ("bounds.control_characters", {})}
    with uow() as u:
        assert "\x00" not in u.session.get(ConsumptionPlace, 1).address
