"""Issue 9, item 6: public lookups by payment code are limited per targeted code, per browser session and per
client address, counted before the answer so parallel requests cannot slip past the count; past the limit
a visitor solves a proof-of-work challenge instead of being blocked, so a guesser pays for each guess and a
customer behind a shared address still gets through."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from core.models import Customer
from core.online import access, challenges, payments
from core.online.access import NOT_FOUND
from core.platform.config import settings
from core.platform.errors import DomainError
from core.staff.auth import customer_actor
from tests.factories import OLD_HOLDER_CNP, make_account, valid_cnp

WRONG_CNPS = [valid_cnp(f"1800101{n:05d}") for n in range(300)]


@pytest.fixture
def contract(uow):
    return make_account(uow)


def copy_lookup(uow, who, code, national_id, solution=None):
    def matches(session, contract):
        return session.get(Customer, contract.customer_id).national_id == national_id
    return access.find_contract(uow=uow(), who=who, service="invoice_copy", payment_code=code, matches=matches,
                                solution=solution)


def answered(lookup, *args) -> bool:
    """True when `lookup(*args)` was answered (found, or the neutral "not found"), False when the visitor was
    asked to solve a challenge first (or refused in any other way)."""
    try:
        lookup(*args)
    except DomainError as refusal:
        return refusal.key == NOT_FOUND
    return True


def pay(uow, who, code, solution=None):
    return payments.amounts_due(uow=uow(), actor=customer_actor(), who=who, payment_code=code,
                                email="plata@example.com", solution=solution)


def challenge_for(lookup, *args) -> dict:
    """The challenge `lookup(*args)` asks for (failing when it asks for none)."""
    with pytest.raises(access.ChallengeRequired) as needed:
        lookup(*args)
    return needed.value.challenge


def test_guessing_the_holder_id_of_one_payment_code_from_ever_new_sessions_and_addresses_is_answered_at_most_the_limit(
        uow, contract):
    answers = [answered(copy_lookup, uow, access.client(f"10.2.{n // 250}.{n % 250}", f"guess-{n}"),
                                            contract.payment_code, cnp)
               for n, cnp in enumerate(WRONG_CNPS)]
    assert answers.count(True) <= settings.lookup_challenge_after
    assert answers[-1] is False  # still asked for a challenge at the 300th guess


def test_without_a_known_address_a_reload_does_not_reset_the_count(uow, contract):
    answers = [answered(copy_lookup, uow, access.client(None, f"reloaded-{n}"), "999999999", OLD_HOLDER_CNP)
               for n in range(20)]
    assert answers.count(True) <= settings.lookup_challenge_after


def test_forty_parallel_guesses_each_from_its_own_session_and_address_admit_at_most_the_limit(uow, contract):
    def guess(n: int) -> bool:
        return answered(copy_lookup, uow, access.client(f"10.3.0.{n}", f"parallel-{n}"),
                                            contract.payment_code, WRONG_CNPS[n])
    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(guess, range(40)))
    assert answers.count(True) <= settings.lookup_challenge_after


def test_a_customer_with_no_failures_pays_in_one_step(uow, contract):
    due = pay(uow, access.client("10.4.0.1", "first-visit"), contract.payment_code)
    assert due.contract_id == contract.id


def test_a_customer_behind_an_address_that_failed_ten_times_still_pays_by_solving_one_challenge(uow, contract):
    shared = "100.64.0.1"  # a mobile carrier's address, shared by many customers
    for n in range(10):  # one customer's typos, each answered or challenged
        answered(pay, uow, access.client(shared, "typist"), f"99999999{n}")
    customer = access.client(shared, "customer-tab")
    challenge = challenge_for(pay, uow, customer, contract.payment_code)
    due = pay(uow, customer, contract.payment_code, solution=challenges.solve(challenge))
    assert due.contract_id == contract.id


def test_a_solved_challenge_admits_exactly_one_attempt(uow, contract):
    who = access.client("10.5.0.1", "replayer")
    for n in range(settings.lookup_challenge_after):
        answered(copy_lookup, uow, who, contract.payment_code, WRONG_CNPS[n])
    solution = challenges.solve(challenge_for(copy_lookup, uow, who, contract.payment_code, WRONG_CNPS[9]))
    assert answered(copy_lookup, uow, who, contract.payment_code, WRONG_CNPS[10], solution)
    challenge_for(copy_lookup, uow, who, contract.payment_code, OLD_HOLDER_CNP, solution)  # replayed


def test_the_same_solution_sent_twice_at_once_admits_one_of_them(uow, contract, monkeypatch):
    monkeypatch.setattr(settings, "lookup_challenge_max_difficulty", settings.lookup_challenge_difficulty)
    who = access.client("10.5.0.2", "parallel-replayer")  # the requests in flight do not raise the difficulty
    for _ in range(settings.lookup_challenge_after):
        answered(copy_lookup, uow, who, "999999999", OLD_HOLDER_CNP)
    solution = challenges.solve(challenge_for(copy_lookup, uow, who, "999999999", OLD_HOLDER_CNP))
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: answered(copy_lookup, uow, who, "999999999", OLD_HOLDER_CNP, solution),
                                range(8)))
    assert answers.count(True) == 1


def test_a_forged_or_tampered_solution_is_refused(uow, contract):
    who = access.client("10.5.0.3", "forger")
    for _ in range(settings.lookup_challenge_after):
        answered(copy_lookup, uow, who, "999999999", OLD_HOLDER_CNP)
    challenge = challenge_for(copy_lookup, uow, who, "999999999", OLD_HOLDER_CNP)
    wrong_key = challenges.solve({**challenge, "signature": "0" * 64})
    for bad in ["", "not base64 at all", "e30=", wrong_key, "A" * 5000]:
        challenge_for(copy_lookup, uow, who, contract.payment_code, OLD_HOLDER_CNP, bad)


def test_the_challenge_grows_harder_with_each_further_failure_up_to_the_cap(uow, contract, monkeypatch):
    monkeypatch.setattr(settings, "lookup_challenge_max_difficulty", settings.lookup_challenge_difficulty * 4)
    who = access.client("10.6.0.1", "persistent")
    for _ in range(settings.lookup_challenge_after):
        answered(copy_lookup, uow, who, "999999999", OLD_HOLDER_CNP)
    difficulties = []
    for _ in range(4):
        challenge = challenge_for(copy_lookup, uow, who, "999999999", OLD_HOLDER_CNP)
        difficulties.append(challenge["maxNumber"])
        with pytest.raises(DomainError, match="Nu am găsit"):  # admitted, and one more failure
            copy_lookup(uow, who, "999999999", OLD_HOLDER_CNP, challenges.solve(challenge))
    base = settings.lookup_challenge_difficulty
    assert difficulties == [base, base * 2, base * 4, base * 4]


def test_a_challenge_solved_at_an_easier_level_does_not_admit_a_harder_attempt(uow, contract):
    easy = access.client("10.7.0.1", "easy")
    for _ in range(settings.lookup_challenge_after):
        answered(copy_lookup, uow, easy, "999999998", OLD_HOLDER_CNP)
    cheap = challenges.solve(challenge_for(copy_lookup, uow, easy, "999999998", OLD_HOLDER_CNP))
    hard = access.client("10.7.0.2", "hard")
    for _ in range(settings.lookup_challenge_after):
        answered(copy_lookup, uow, hard, "999999997", OLD_HOLDER_CNP)
    for _ in range(2):  # two more failures, each paid for with a solved challenge
        solution = challenges.solve(challenge_for(copy_lookup, uow, hard, "999999997", OLD_HOLDER_CNP))
        assert answered(copy_lookup, uow, hard, "999999997", OLD_HOLDER_CNP, solution)
    harder = challenge_for(copy_lookup, uow, hard, "999999997", OLD_HOLDER_CNP, cheap)
    assert harder["maxNumber"] > settings.lookup_challenge_difficulty


def test_many_failures_across_all_visitors_ask_everyone_for_a_challenge(uow, contract, monkeypatch):
    monkeypatch.setattr(settings, "lookup_service_challenge_after", 5)
    for n in range(5):  # an enumeration of payment codes, one code and one address per guess
        answered(pay, uow, access.client(f"10.8.0.{n}", f"enumerator-{n}"), f"88888888{n}")
    newcomer = access.client("10.8.1.1", "newcomer")
    challenge = challenge_for(pay, uow, newcomer, contract.payment_code)
    assert pay(uow, newcomer, contract.payment_code, challenges.solve(challenge)).contract_id == contract.id
