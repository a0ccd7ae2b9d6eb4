"""Public lookups by payment code: one neutral answer for every kind of miss, every attempt on
record, repeated failures slowed down and then blocked, per browser session and per client address."""

from datetime import timedelta

import pytest

from core.config import settings
from core.errors import DomainError
from core.models import Customer, clock_at, utcnow
from core.online import access
from core.worker import housekeeping
from tests.factories import OLD_HOLDER_CNP, make_account


@pytest.fixture
def contract(uow):
    return make_account(uow)


def lookup(uow, who, code, national_id=OLD_HOLDER_CNP, delays=None):
    def matches(session, contract):
        return session.get(Customer, contract.customer_id).national_id == national_id
    return access.find_contract(uow=uow(), who=who, service="invoice_copy", payment_code=code, matches=matches,
                                sleep=(delays.append if delays is not None else lambda _: None))


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


def test_repeated_failures_are_slowed_down_then_blocked_even_with_the_right_pair(uow, contract):
    who = access.client("10.0.0.3", "session-c")
    delays: list[float] = []
    for _ in range(settings.lookup_block_after):
        with pytest.raises(DomainError):
            lookup(uow, who, "999999999", delays=delays)
    assert delays == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0]  # none for the first three, then doubling, capped
    with pytest.raises(access.LookupBlocked) as blocked:
        lookup(uow, who, contract.payment_code)
    assert "15 minute" in str(blocked.value)
    with uow() as u:
        assert access.attempts_for(u.session, who)[0].outcome == "blocked"


def test_a_new_browser_session_from_a_blocked_address_is_still_blocked(uow, contract):
    for _ in range(settings.lookup_block_after):
        with pytest.raises(DomainError):
            lookup(uow, access.client("10.0.0.4", "first-tab"), "999999999")
    with pytest.raises(access.LookupBlocked):
        lookup(uow, access.client("10.0.0.4", "new-tab"), contract.payment_code)


def test_other_visitors_are_not_affected_and_the_block_lifts_after_the_window(uow, contract):
    who = access.client("10.0.0.5", "session-e")
    with clock_at(utcnow() - timedelta(minutes=settings.lookup_window_minutes + 1)):
        for _ in range(settings.lookup_block_after):
            with pytest.raises(DomainError):
                lookup(uow, who, "999999999")
    assert lookup(uow, who, contract.payment_code) == contract.id  # the failures are out of the window
    assert lookup(uow, access.client("10.0.0.6", "session-f"), contract.payment_code) == contract.id


def test_the_worker_forgets_lookup_records_past_their_retention(uow, contract):
    who = access.client("10.0.0.7", "session-g")
    with clock_at(utcnow() - timedelta(days=settings.lookup_retention_days + 1)):
        lookup(uow, who, contract.payment_code)
    lookup(uow, who, contract.payment_code)
    assert housekeeping(uow=uow())["expired lookup records"] == 1
    with uow() as u:
        assert len(access.attempts_for(u.session, who)) == 1


def test_without_a_known_address_one_blocked_session_does_not_block_the_others(uow, contract):
    for _ in range(settings.lookup_block_after):
        with pytest.raises(DomainError):
            lookup(uow, access.client(None, "abuser"), "999999999")
    with pytest.raises(access.LookupBlocked):
        lookup(uow, access.client(None, "abuser"), contract.payment_code)
    assert lookup(uow, access.client(None, "neighbour"), contract.payment_code) == contract.id


def test_retrying_while_blocked_does_not_make_the_block_last_longer(uow, contract):
    who = access.client("10.0.0.8", "session-h")
    start = utcnow()
    with clock_at(start):
        for _ in range(settings.lookup_block_after):
            with pytest.raises(DomainError):
                lookup(uow, who, "999999999")
    with clock_at(start + timedelta(minutes=settings.lookup_window_minutes - 1)):
        for _ in range(settings.lookup_block_after):  # each refusal is recorded but not counted as a failure
            with pytest.raises(access.LookupBlocked):
                lookup(uow, who, contract.payment_code)
    with clock_at(start + timedelta(minutes=settings.lookup_window_minutes + 1)):
        assert lookup(uow, who, contract.payment_code) == contract.id
