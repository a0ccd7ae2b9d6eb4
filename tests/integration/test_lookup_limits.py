"""Public lookups by payment code: one neutral answer for every kind of miss, every attempt on
record, and past the limit a challenge (never a block) that ends with the window. The limits themselves
are in test_lookup_challenges.py."""

from datetime import timedelta

import pytest

from core.models import Customer, clock_at, utcnow
from core.online import access, challenges
from core.platform.config import settings
from core.platform.errors import DomainError
from core.platform.worker import housekeeping
from tests.factories import OLD_HOLDER_CNP, make_account


@pytest.fixture
def contract(uow):
    return make_account(uow)


def lookup(uow, who, code, national_id=OLD_HOLDER_CNP, solution=None):
    def matches(session, contract):
        return session.get(Customer, contract.customer_id).national_id == national_id
    return access.find_contract(uow=uow(), who=who, service="invoice_copy", payment_code=code, matches=matches,
                                solution=solution)


def fail_up_to_the_limit(uow, who):
    for _ in range(settings.lookup_challenge_after):
        with pytest.raises(DomainError, match="Nu am găsit"):
            lookup(uow, who, "999999999")


def refusal(uow, who, code, national_id=OLD_HOLDER_CNP) -> str:
    with pytest.raises(DomainError) as refused:
        lookup(uow, who, code, national_id)
    return str(refused.value)


def test_a_matching_code_and_holder_id_finds_the_contract_and_is_recorded(uow, contract):
    who = access.client("10.0.0.1", "session-a")
    assert lookup(uow, who, contract.payment_code) == contract.id
    with uow() as u:
        [attempt] = access.attempts_for(u.session, who)
    assert (attempt.success, attempt.outcome, attempt.payment_code) == (True, "found", contract.payment_code)
    assert "10.0.0.1" not in attempt.client_key  # the address is stored only as a keyed hash


def test_wrong_pair_unknown_code_and_malformed_code_get_the_same_words(uow, contract):
    who = access.client("10.0.0.2", "session-b")
    answers = {refusal(uow, who, contract.payment_code, national_id="2850505400014"),
               refusal(uow, who, "999999999"), refusal(uow, who, "12ab")}
    assert answers == {"Nu am găsit un cont cu aceste date. Verificați-le pe prima pagină a facturii și încercați "
                       "din nou."}
    with uow() as u:
        outcomes = [a.outcome for a in access.attempts_for(u.session, who)]
    assert sorted(outcomes) == ["malformed", "mismatch", "unknown"]


def test_past_the_limit_even_the_right_pair_needs_a_solved_challenge_and_the_page_says_why(uow, contract):
    who = access.client("10.0.0.3", "session-c")
    fail_up_to_the_limit(uow, who)
    with pytest.raises(access.ChallengeRequired) as needed:
        lookup(uow, who, contract.payment_code)
    assert str(needed.value).startswith("Verificăm că nu sunteți un robot")
    assert lookup(uow, who, contract.payment_code, solution=challenges.solve(needed.value.challenge)) == contract.id
    with uow() as u:
        assert [a.outcome for a in access.attempts_for(u.session, who)][:2] == ["found", "challenge"]


def test_a_new_browser_session_from_a_failing_address_is_asked_for_a_challenge(uow, contract):
    fail_up_to_the_limit(uow, access.client("10.0.0.4", "first-tab"))
    with pytest.raises(access.ChallengeRequired):
        lookup(uow, access.client("10.0.0.4", "new-tab"), contract.payment_code)


def test_other_visitors_are_not_affected_and_the_challenge_ends_with_the_window(uow, contract):
    who = access.client("10.0.0.5", "session-e")
    with clock_at(utcnow() - timedelta(minutes=settings.lookup_window_minutes + 1)):
        fail_up_to_the_limit(uow, who)
    assert lookup(uow, who, contract.payment_code) == contract.id  # the failures are out of the window
    assert lookup(uow, access.client("10.0.0.6", "session-f"), contract.payment_code) == contract.id


def test_the_worker_forgets_lookup_records_past_their_retention_and_spent_challenges_once_expired(uow, contract):
    who = access.client("10.0.0.7", "session-g")
    with clock_at(utcnow() - timedelta(days=settings.lookup_retention_days + 1)):
        fail_up_to_the_limit(uow, who)
        with pytest.raises(access.ChallengeRequired) as needed:
            lookup(uow, who, contract.payment_code)
        lookup(uow, who, contract.payment_code, solution=challenges.solve(needed.value.challenge))
    lookup(uow, who, contract.payment_code)
    removed = settings.lookup_challenge_after + 2 + 1  # the attempts, and the spent challenge
    assert housekeeping(uow=uow())["expired lookup records"] == removed
    with uow() as u:
        assert len(access.attempts_for(u.session, who)) == 1


def test_retrying_without_solving_does_not_make_the_challenge_harder_or_last_longer(uow, contract):
    who = access.client("10.0.0.8", "session-h")
    start = utcnow()
    with clock_at(start):
        fail_up_to_the_limit(uow, who)
    with clock_at(start + timedelta(minutes=settings.lookup_window_minutes - 1)):
        for _ in range(10):  # each refusal is recorded but not counted as a failure
            with pytest.raises(access.ChallengeRequired) as needed:
                lookup(uow, who, contract.payment_code)
            assert needed.value.challenge["maxNumber"] == settings.lookup_challenge_difficulty
    with clock_at(start + timedelta(minutes=settings.lookup_window_minutes + 1)):
        assert lookup(uow, who, contract.payment_code) == contract.id
