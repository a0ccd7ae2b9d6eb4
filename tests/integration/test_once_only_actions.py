"""Actions that must happen once hold when requests arrive together, on SQLite (which ignores SELECT ... FOR
UPDATE) as on PostgreSQL: confirmation-code attempts and codes per window are taken by conditional
UPDATEs, a payment is reversed at most once (a unique index on what it reverses), and money received at
the same moment is allocated one payment after the other."""

import re
from decimal import Decimal

from sqlmodel import select

from core.accounts import allocation, billing
from core.models import Case, CaseDocument, Contract, DeliveryConsent, OutboxMessage, Payment
from core.online import access, delivery
from core.online.uploads import upload_for_token
from core.platform.config import settings
from core.platform.errors import DomainError, ValidationFailed
from core.services.payments import register_payment, reverse_payment
from core.staff.auth import SYSTEM
from seed_data.sample_documents import sample_pdf
from tests.concurrency import at_once
from tests.factories import (
    CLERK,
    PERSON_DOCS,
    SUPERVISOR,
    count,
    invoice_for,
    make_account,
    refused,
    register_case,
)
from tests.integration.test_new_contract_workflow import register as register_new_contract_at_counter
from tests.integration.test_new_contract_workflow import vacant_place
from tests.integration.test_payment_dispute import dispute
from tests.integration.test_upload_link import online_case


def _code_sent(uow) -> str:
    with uow() as u:
        body = u.session.exec(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"\b\d{6}\b", body).group()


def test_twenty_codes_typed_at_once_are_compared_five_times_and_the_right_one_is_refused_after(uow, monkeypatch):
    contract = make_account(uow)
    pending = delivery.request_change(uow=uow(), contract_id=contract.id, channel="email", opt_in=True,
                                      address="maria.pop@example.com")
    right = _code_sent(uow)
    wrong = f"{(int(right) + 1) % 10 ** 6:06d}"
    compared, real_hash = [], delivery._hash
    monkeypatch.setattr(delivery, "_hash", lambda address, code: compared.append(code) or real_hash(address, code))

    outcomes = at_once(20, lambda _n: delivery.confirm(uow=uow(), contract_id=contract.id,
                                                       consent_id=pending.consent_id, code=wrong))

    assert len(compared) == settings.confirmation_code_attempts
    assert all(isinstance(o, DomainError) for o in outcomes)
    assert sum(isinstance(o, ValidationFailed) for o in outcomes) == settings.confirmation_code_attempts - 1
    with refused(DomainError, "delivery.code_exhausted"):
        delivery.confirm(uow=uow(), contract_id=contract.id, consent_id=pending.consent_id, code=right)
    with uow() as u:
        assert u.session.get(DeliveryConsent, pending.consent_id).code_attempts == settings.confirmation_code_attempts
        assert u.session.get(Contract, contract.id).e_invoice_email is None


def test_the_right_code_typed_twice_at_once_confirms_the_change_once(uow):
    contract = make_account(uow)
    pending = delivery.request_change(uow=uow(), contract_id=contract.id, channel="email", opt_in=True,
                                      address="maria.pop@example.com")
    right = _code_sent(uow)
    outcomes = at_once(4, lambda _n: delivery.confirm(uow=uow(), contract_id=contract.id,
                                                      consent_id=pending.consent_id, code=right))
    assert sum(isinstance(o, delivery.Confirmed) for o in outcomes) == 1
    assert [o.key for o in outcomes if isinstance(o, DomainError)] == ["delivery.already_confirmed"] * 3


def test_codes_requested_at_once_never_exceed_the_codes_allowed_per_window(uow):
    contract = make_account(uow)
    outcomes = at_once(10, lambda n: delivery.request_change(uow=uow(), contract_id=contract.id, channel="email",
                                                             opt_in=True, address=f"maria.pop{n}@example.com"))
    sent = [o for o in outcomes if isinstance(o, delivery.PendingCode)]
    assert len(sent) == settings.confirmation_codes_per_window
    assert {o.key for o in outcomes if not isinstance(o, delivery.PendingCode)} == {"delivery.too_many_codes"}
    assert count(uow, DeliveryConsent) == count(uow, OutboxMessage) == settings.confirmation_codes_per_window


def test_a_payment_reversed_twice_at_once_is_reversed_once(uow):
    contract = make_account(uow)
    payment = register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount="120.00")
    outcomes = at_once(4, lambda _n: reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=payment.id,
                                                     reason="Plată înregistrată de două ori"))
    assert sum(isinstance(o, Payment) for o in outcomes) == 1
    assert [o.key for o in outcomes if not isinstance(o, Payment)] == ["payment.already_reversed"] * 3
    assert count(uow, Payment, Payment.reverses_id == payment.id) == 1


def test_two_payments_at_once_from_two_channels_settle_an_invoice_once_and_the_rest_stays_credit(uow):
    contract = make_account(uow)
    invoice = invoice_for(uow, contract)

    def pay(n):  # e.g. the counter and a card notification, each numbered by its own channel
        with uow() as u:
            payment = billing.record_payment(u.session, actor=SYSTEM, contract=u.session.get(Contract, contract.id),
                                             amount=invoice.total, channel=("counter", "online")[n],
                                             reference=f"P-{n}", invoice_id=invoice.id)
            u.commit()
            return payment

    assert all(isinstance(o, Payment) for o in at_once(2, pay))
    with uow() as u:
        assert allocation.open_amounts(u.session, contract.id) == {invoice.id: Decimal("0.00")}
        assert allocation.unallocated(u.session, contract.id) == invoice.total


def _one_case_and_the_rest_refused(outcomes, field: str, key: str) -> None:
    assert sum(isinstance(o, Case) for o in outcomes) == 1
    refusals = [o for o in outcomes if not isinstance(o, Case)]
    assert all(isinstance(o, ValidationFailed) and o.errors[field][0] == key for o in refusals), refusals


def test_the_same_holder_change_registered_twice_at_once_opens_one_case(uow):
    contract = make_account(uow)
    outcomes = at_once(3, lambda _n: register_case(uow, contract, documents=()))
    _one_case_and_the_rest_refused(outcomes, "payment_code", "intake.open_case_exists")
    assert count(uow, Case) == 1


def test_a_new_contract_requested_twice_at_once_for_a_vacant_place_opens_one_case(uow):
    vacant_place(uow)
    outcomes = at_once(3, lambda _n: register_new_contract_at_counter(uow, documents=()))
    _one_case_and_the_rest_refused(outcomes, "pod", "contracting.open_case_exists_staff")
    assert count(uow, Case) == 1


def test_an_invoice_disputed_twice_at_once_gets_one_dispute(uow):
    invoice = invoice_for(uow, make_account(uow))
    outcomes = at_once(3, lambda _n: dispute(uow, invoice))
    _one_case_and_the_rest_refused(outcomes, "invoice", "dispute.already_open")
    assert count(uow, Case) == 1


def test_uploads_sent_at_once_through_the_link_never_exceed_the_files_allowed_per_case(uow, monkeypatch):
    case, token = online_case(uow)
    monkeypatch.setattr(settings, "upload_max_files_per_case", 2)
    outcomes = at_once(4, lambda n: upload_for_token(  # four devices of the family, each its own visitor
        uow=uow(), token=token, doc_type=PERSON_DOCS[n], file_name=f"{PERSON_DOCS[n]}.pdf",
        data=sample_pdf(PERSON_DOCS[n], ["Ionescu Maria"]), who=access.client(f"203.0.113.{n}", f"device-{n}")))
    assert [o.key for o in outcomes if isinstance(o, DomainError)] == ["online.upload.too_many"] * 2
    assert count(uow, CaseDocument, CaseDocument.case_id == case.id) == 2
