"""A holder change asked for online: the same workflow as at the counter, the link on screen is the one
e-mailed, and wrong invoice codes are treated like any public lookup (neutral, recorded, limited)."""

import pytest
from sqlmodel import func, select

from core.models import AuditEvent, Case, OutboxMessage
from core.online import access
from core.online.access import NOT_FOUND, ChallengeRequired
from core.online.holder_change import request_holder_change
from core.platform.config import settings
from core.platform.errors import DomainError, ValidationFailed
from tests.factories import OLD_HOLDER_CNP, holder_change_form, make_account, refused, valid_cnp

VISITOR = access.client("198.51.100.4", "browser-session-2")


def request(uow, form: dict, language: str = "ro"):
    return request_holder_change(uow=uow(), who=VISITOR, form=form, language=language)


def attempts(uow) -> list[tuple[str, bool]]:
    with uow() as u:
        return [(a.outcome, a.success) for a in reversed(access.attempts_for(u.session, VISITOR))]


def cases(uow) -> int:
    with uow() as u:
        return u.session.exec(select(func.count()).select_from(Case)).one()


def test_an_online_request_joins_the_counter_workflow_and_shows_the_emailed_link(uow):
    contract = make_account(uow)
    case, link = request(uow, holder_change_form(contract), language="en")
    with uow() as u:
        email = u.session.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).one()
        event = u.session.exec(select(AuditEvent).where(AuditEvent.case_id == case.id)).one()
    assert (case.case_type, case.state, case.channel) == ("holder_change", "submitted", "online")
    assert case.registration_number.startswith("SCT-") and case.registration_number in email.subject
    assert link.startswith(f"{settings.public_base_url}/upload?token=") and link in email.body
    assert "upload them online" in email.body  # in the applicant's language
    assert (event.actor, event.role) == ("customer", "customer")
    assert attempts(uow) == [("found", True)]


def test_a_wrong_client_code_gets_the_neutral_answer_and_counts_as_a_failed_lookup(uow):
    contract = make_account(uow)
    with refused(DomainError, NOT_FOUND):
        request(uow, holder_change_form(contract, client_code="C999999999"))
    with refused(DomainError, NOT_FOUND):
        request(uow, holder_change_form(contract, payment_code="999999999"))
    assert attempts(uow) == [("mismatch", False), ("unknown", False)] and cases(uow) == 0


def test_a_place_that_does_not_fit_the_contract_is_shown_on_its_field_and_counts_as_a_failure(uow):
    contract = make_account(uow)
    with pytest.raises(ValidationFailed) as failed:
        request(uow, holder_change_form(contract, pod="RO005E599999999"))
    assert failed.value.messages("ro") == {"pod": "Codul POD nu corespunde locului de consum din contract."}
    assert attempts(uow) == [("mismatch", False)] and cases(uow) == 0


def test_a_second_request_on_the_place_is_refused_without_telling_the_first_ones_number(uow):
    contract = make_account(uow)
    first, _ = request(uow, holder_change_form(contract))
    with pytest.raises(ValidationFailed) as failed:
        request(uow, holder_change_form(contract, national_id=valid_cnp("185030512345")))
    message = failed.value.messages("ro")["payment_code"]
    assert message == "Pentru acest loc de consum există deja o cerere în lucru."
    assert first.registration_number not in message and cases(uow) == 1


def test_a_typing_mistake_is_explained_and_is_not_a_lookup(uow):
    contract = make_account(uow)
    with pytest.raises(ValidationFailed) as failed:
        request(uow, holder_change_form(contract, national_id="2850505400015", payment_code="12"))
    assert set(failed.value.errors) == {"national_id", "payment_code"}
    assert attempts(uow) == []


def test_a_visitor_who_keeps_guessing_codes_is_asked_for_a_challenge(uow, monkeypatch):
    monkeypatch.setattr(settings, "lookup_challenge_after", 3)
    contract = make_account(uow)
    for guess in ("C000000001", "C000000002", "C000000003"):
        with refused(DomainError, NOT_FOUND):
            request(uow, holder_change_form(contract, client_code=guess))
    with pytest.raises(ChallengeRequired):
        request(uow, holder_change_form(contract))
    assert cases(uow) == 0


def test_the_public_is_told_neither_the_meter_reading_nor_whether_a_cnp_is_the_holders(uow):
    contract = make_account(uow, start_index=1000)  # the holder's CNP is OLD_HOLDER_CNP
    with pytest.raises(ValidationFailed) as failed:
        request(uow, holder_change_form(contract, handover_index="10", national_id=OLD_HOLDER_CNP))
    messages = failed.value.messages("ro")
    assert "1000" not in messages["handover_index"] and "titular" not in messages["national_id"]
    assert cases(uow) == 0 and attempts(uow)[-1] == ("mismatch", False)


@pytest.mark.parametrize("address", ["a", "Lalelelor", "Iași"])
def test_a_fragment_of_the_address_does_not_name_the_place(uow, address):
    contract = make_account(uow)
    with pytest.raises(ValidationFailed) as failed:
        request(uow, holder_change_form(contract, pod="", address=address))
    assert set(failed.value.errors) == {"address"} and cases(uow) == 0
