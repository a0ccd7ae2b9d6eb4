"""Invoice delivery by e-mail or SMS: a code goes through the outbox to the address, and only the right code,
in time and within the attempts allowed, changes the contract and records the consent with its time; a
withdrawal is confirmed through the address in use."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from core.models import Contract, DeliveryConsent, OutboxMessage, clock_at, utcnow
from core.online.delivery import confirm, delivery_status, request_change
from core.platform.config import settings
from core.platform.errors import DomainError, ValidationFailed
from core.platform.worker import deliver_due
from tests.factories import make_account, refused


@pytest.fixture
def contract(uow):
    return make_account(uow)


def last_message(uow) -> OutboxMessage:
    with uow() as u:
        return u.session.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


def code_in(message: OutboxMessage) -> str:
    return re.search(r"\b\d{6}\b", message.body).group()


def ask(uow, contract, channel="email", opt_in=True, address="maria.pop@example.com"):
    return request_change(uow=uow(), contract_id=contract.id, channel=channel, opt_in=opt_in, address=address)


def reload(uow, model, row_id):
    with uow() as u:
        return u.session.get(model, row_id)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** 6:06d}"


def test_opting_in_sends_a_code_to_the_new_address_and_changes_nothing_until_it_is_typed(uow, contract):
    pending = ask(uow, contract)
    message = last_message(uow)
    assert (message.channel, message.recipient, message.template) == ("email", "maria.pop@example.com",
                                                                      "delivery.email_on")
    assert f"valabil {settings.confirmation_code_minutes} minute" in message.body
    consent = reload(uow, DeliveryConsent, pending.consent_id)
    assert code_in(message) not in consent.code_hash and consent.confirmed_at is None
    assert pending.address == "m***@example.com"
    assert reload(uow, Contract, contract.id).e_invoice_email is None

    done = confirm(uow=uow(), contract_id=contract.id, consent_id=pending.consent_id, code=code_in(message))

    assert (done.opt_in, done.address) == (True, "m***@example.com")
    assert reload(uow, Contract, contract.id).e_invoice_email == "maria.pop@example.com"
    assert reload(uow, DeliveryConsent, pending.consent_id).confirmed_at is not None
    email, sms = delivery_status(uow=uow(), contract_id=contract.id)
    assert (email.address, email.pending, sms.address) == ("m***@example.com", None, None)
    assert abs(email.since - done.confirmed_at) < timedelta(seconds=1)


def test_sms_codes_go_to_the_phone_as_e164_through_the_outbox_and_the_worker_sends_only_sms_there(uow, contract):
    pending = ask(uow, contract, channel="sms", address="0722 111 222")
    message = last_message(uow)
    assert (message.channel, message.recipient, message.template) == ("sms", "+40722111222", "delivery.sms_on")
    sent = []
    assert deliver_due(uow=uow(), send=sent.append, channel="sms")["sent"] == 1
    assert deliver_due(uow=uow(), send=sent.append)["sent"] == 0  # the e-mail pass leaves SMS alone
    assert [m.recipient for m in sent] == ["+40722111222"]
    confirm(uow=uow(), contract_id=contract.id, consent_id=pending.consent_id, code=code_in(message))
    assert reload(uow, Contract, contract.id).sms_phone == "+40722111222"


def test_a_wrong_code_counts_an_attempt_and_says_how_many_are_left(uow, contract):
    pending = ask(uow, contract)
    code = code_in(last_message(uow))
    with pytest.raises(ValidationFailed) as refusal:
        confirm(uow=uow(), contract_id=contract.id, consent_id=pending.consent_id, code=wrong(code))
    assert refusal.value.messages() == {"code": "Codul nu este corect. Mai aveți 4 încercări."}
    assert reload(uow, DeliveryConsent, pending.consent_id).code_attempts == 1
    assert reload(uow, Contract, contract.id).e_invoice_email is None
    with pytest.raises(ValidationFailed):
        confirm(uow=uow(), contract_id=contract.id, consent_id=pending.consent_id, code="12 34")  # not 6 digits
    with pytest.raises(ValidationFailed):  # digits to Python, not to a person typing a code
        confirm(uow=uow(), contract_id=contract.id, consent_id=pending.consent_id, code="²³¹٣٤٥")
    assert reload(uow, DeliveryConsent, pending.consent_id).code_attempts == 1


def test_once_the_attempts_are_used_up_even_the_right_code_is_refused(uow, contract):
    pending = ask(uow, contract)
    code = code_in(last_message(uow))
    for _ in range(settings.confirmation_code_attempts - 1):
        with pytest.raises(ValidationFailed) as refusal:
            confirm(uow=uow(), contract_id=contract.id, consent_id=pending.consent_id, code=wrong(code))
    assert refusal.value.messages() == {"code": "Codul nu este corect. Mai aveți o singură încercare."}
    with refused(DomainError, "delivery.code_exhausted"):
        confirm(uow=uow(), contract_id=contract.id, consent_id=pending.consent_id, code=wrong(code))
    with refused(DomainError, "delivery.code_exhausted"):
        confirm(uow=uow(), contract_id=contract.id, consent_id=pending.consent_id, code=code)
    assert reload(uow, Contract, contract.id).e_invoice_email is None
    assert delivery_status(uow=uow(), contract_id=contract.id)[0].pending is None


def test_an_expired_code_and_a_code_replaced_by_a_newer_one_are_refused(uow, contract):
    with clock_at(utcnow() - timedelta(minutes=settings.confirmation_code_minutes + 1)):
        old = ask(uow, contract)
    with refused(DomainError, "delivery.code_expired"):
        confirm(uow=uow(), contract_id=contract.id, consent_id=old.consent_id, code=code_in(last_message(uow)))
    first = ask(uow, contract)
    first_code = code_in(last_message(uow))
    ask(uow, contract, address="alta.adresa@example.com")
    with refused(DomainError, "delivery.code_expired"):
        confirm(uow=uow(), contract_id=contract.id, consent_id=first.consent_id, code=first_code)
    assert reload(uow, Contract, contract.id).e_invoice_email is None


def test_a_code_cannot_confirm_a_change_of_another_contract(uow, contract):
    other = make_account(uow, pod="RO005E512345679", national_id="1800101221152")
    pending = ask(uow, contract)
    with pytest.raises(DomainError):
        confirm(uow=uow(), contract_id=other.id, consent_id=pending.consent_id, code=code_in(last_message(uow)))
    assert reload(uow, Contract, other.id).e_invoice_email is None


def test_a_withdrawal_is_confirmed_through_the_address_in_use_and_recorded_with_its_time(uow, contract):
    with refused(DomainError, "delivery.not_active"):
        ask(uow, contract, opt_in=False, address=None)
    opt_in = ask(uow, contract)
    confirm(uow=uow(), contract_id=contract.id, consent_id=opt_in.consent_id, code=code_in(last_message(uow)))

    withdrawal = ask(uow, contract, opt_in=False, address="ignored@example.com")
    message = last_message(uow)
    assert (message.recipient, message.template) == ("maria.pop@example.com", "delivery.email_off")
    done = confirm(uow=uow(), contract_id=contract.id, consent_id=withdrawal.consent_id, code=code_in(message))

    assert done.opt_in is False
    assert reload(uow, Contract, contract.id).e_invoice_email is None
    with uow() as u:
        history = u.session.exec(select(DeliveryConsent).where(DeliveryConsent.contract_id == contract.id)
                                 .order_by(DeliveryConsent.id)).all()
    assert [(c.opt_in, c.confirmed_at is not None) for c in history] == [(True, True), (False, True)]
    email = delivery_status(uow=uow(), contract_id=contract.id)[0]
    assert email.address is None and abs(email.since - done.confirmed_at) < timedelta(seconds=1)


def test_addresses_are_checked_and_codes_are_not_sent_without_limit(uow, contract):
    with pytest.raises(ValidationFailed) as bad:
        ask(uow, contract, address="maria@")
    assert bad.value.messages().keys() == {"address"}
    with pytest.raises(ValidationFailed):
        ask(uow, contract, channel="sms", address="12")
    for _ in range(settings.confirmation_codes_per_window):
        ask(uow, contract)
    with refused(DomainError, "delivery.too_many_codes"):
        ask(uow, contract)
    with uow() as u:
        assert len(u.session.exec(select(OutboxMessage)).all()) == settings.confirmation_codes_per_window


@pytest.mark.parametrize("landline", ["021 315 0000", "+40 264 123 456", "0371 234 567", "0800 800 800"])
def test_a_number_that_cannot_receive_an_sms_is_refused_next_to_the_field_and_no_code_is_sent(uow, contract,
                                                                                              landline):
    with pytest.raises(ValidationFailed) as bad:
        ask(uow, contract, channel="sms", address=landline)
    assert bad.value.messages("ro") == {"address": "Factura prin SMS se trimite doar pe un număr de mobil "
                                                   "(ex. 0721 234 567); acesta este un număr fix sau special."}
    assert bad.value.messages("en") == {"address": "The invoice SMS can only go to a mobile number "
                                                   "(e.g. 0721 234 567); this one is a landline or a special number."}
    with uow() as u:
        assert u.session.exec(select(OutboxMessage)).all() == []


def test_an_active_address_is_not_replaced_without_the_current_one_agreeing(uow, contract):
    opt_in = ask(uow, contract)
    confirm(uow=uow(), contract_id=contract.id, consent_id=opt_in.consent_id, code=code_in(last_message(uow)))
    with pytest.raises(ValidationFailed) as failed:
        ask(uow, contract, address="altcineva@example.com")
    assert failed.value.errors == {"address": ("delivery.replace_after_withdrawal", {})}
    assert last_message(uow).recipient == "maria.pop@example.com"  # no code went to the new address
