"""Staff sign-in step by step: the throttle per username and per address (race-free), one-time
passwords changed at the first sign-in, the TOTP second factor (enrolment, one use per code), and the
identity provider's e-mail mapped to an active account."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import select

from core.models import Role, SignInAttempt, User, clock_at, utcnow
from core.platform.config import settings
from core.platform.errors import DomainError, ValidationFailed
from core.services.users import create_user, invite_user
from core.staff import auth, signin, staff_sessions, totp
from tests.factories import ADMIN, refused

PASSWORD = "o parolă lungă"


@pytest.fixture
def clerk(uow) -> User:
    return create_user(uow=uow(), actor=ADMIN, username="ana", display_name="Ana Popa", role=Role.CLERK,
                       password=PASSWORD)


@pytest.fixture
def supervisor(uow) -> User:
    return create_user(uow=uow(), actor=ADMIN, username="elena", display_name="Elena Dumitru",
                       role=Role.SUPERVISOR, password=PASSWORD)


def password_step(uow, username="ana", password=PASSWORD, client_key="office") -> signin.Pending:
    return signin.check_password(uow=uow(), username=username, password=password, client_key=client_key)


def wrong(uow, times: int, username="ana", client_key="office") -> None:
    for _ in range(times):
        with refused(DomainError, "auth.invalid"):
            password_step(uow, username, "not-the-password", client_key)


def test_twenty_wrong_passwords_lock_the_username_and_the_right_one_is_then_refused(uow, clerk):
    wrong(uow, settings.signin_lock_after)
    with refused(signin.SignInLocked, "access.locked"):
        password_step(uow)
    with refused(signin.SignInLocked, "access.locked"):
        password_step(uow, client_key="another-office")


def test_the_lock_ends_when_the_window_has_passed(uow, clerk):
    wrong(uow, settings.signin_lock_after)
    with clock_at(utcnow() + timedelta(minutes=settings.signin_window_minutes, seconds=1)):
        assert password_step(uow).next_step() == "done"


def test_refusals_while_locked_do_not_prolong_the_lock(uow, clerk):
    wrong(uow, settings.signin_lock_after)
    for _ in range(5):
        with refused(signin.SignInLocked, "access.locked"):
            password_step(uow)
    with uow() as work:
        outcomes = [a.outcome for a in work.session.exec(select(SignInAttempt))]
    assert outcomes.count("failed") == settings.signin_lock_after and outcomes.count("locked") == 5


def test_a_completed_sign_in_resets_the_count_for_that_username(uow, clerk):
    wrong(uow, settings.signin_lock_after - 1)
    signin.finish_sign_in(uow=uow(), pending=password_step(uow))
    wrong(uow, settings.signin_lock_after - 1)
    assert password_step(uow).next_step() == "done"


def test_one_address_guessing_many_usernames_is_locked(uow, clerk, monkeypatch):
    monkeypatch.setattr(settings, "signin_address_lock_after", 5)
    for name in ("a1", "a2", "a3", "a4", "a5"):
        wrong(uow, 1, username=name)
    with refused(signin.SignInLocked, "access.locked"):
        password_step(uow)
    assert password_step(uow, client_key="another-office").next_step() == "done"


def test_concurrent_guesses_never_check_more_passwords_than_the_limit(uow, clerk, monkeypatch):
    monkeypatch.setattr(settings, "signin_lock_after", 4)
    checked = []
    original = auth.verify_password
    monkeypatch.setattr(signin, "verify_password", lambda *a: checked.append(1) or original(*a))

    def guess(_):
        try:
            password_step(uow, password="not-the-password")
        except DomainError as err:
            return err.key

    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(guess, range(16)))
    assert len(checked) <= 4 and keys.count("access.locked") >= 12


def test_an_unknown_username_costs_the_same_password_check(uow, monkeypatch):
    calls = []

    class Spy:
        def verify(self, password_hash, password):
            calls.append(password_hash)
            return True

    monkeypatch.setattr(auth, "_hasher", Spy())
    with refused(DomainError, "auth.invalid"):
        password_step(uow, username="nobody")
    assert calls == [auth._DUMMY_HASH]


def test_a_deactivated_account_gets_the_neutral_message(uow, clerk):
    with uow() as work:
        user = work.session.get(User, clerk.id)
        user.active = False
        work.session.add(user)
        work.commit()
    with refused(DomainError, "auth.invalid"):
        password_step(uow)


def test_a_new_user_signs_in_with_the_one_time_password_and_must_choose_a_new_one(uow):
    _, one_time = invite_user(uow=uow(), actor=ADMIN, username="mihai", display_name="Mihai Stan", role=Role.CLERK)
    step = password_step(uow, "mihai", one_time)
    assert step.next_step() == "change_password"
    with refused(DomainError, "access.signin_expired"):
        signin.finish_sign_in(uow=uow(), pending=step)
    with pytest.raises(ValidationFailed) as failed:
        signin.change_password(uow=uow(), pending=step, new_password=one_time, repeated=one_time)
    assert failed.value.errors == {"new_password": ("access.password_same", {})}
    with pytest.raises(ValidationFailed) as failed:
        signin.change_password(uow=uow(), pending=step, new_password="parola mea nouă", repeated="alta")
    assert failed.value.errors == {"repeated": ("access.password_mismatch", {})}
    step = signin.change_password(uow=uow(), pending=step, new_password="parola mea nouă", repeated="parola mea nouă")
    assert signin.finish_sign_in(uow=uow(), pending=step)
    assert password_step(uow, "mihai", "parola mea nouă").next_step() == "done"
    with refused(DomainError, "auth.invalid"):
        password_step(uow, "mihai", one_time)


def test_a_pending_sign_in_left_too_long_must_start_again(uow, clerk):
    step = password_step(uow)
    with clock_at(utcnow() + timedelta(minutes=signin.PENDING_MINUTES + 1)), \
            refused(DomainError, "access.signin_expired"):
        signin.finish_sign_in(uow=uow(), pending=step)


def test_a_supervisor_enrols_totp_at_the_first_sign_in_and_the_secret_is_not_stored_in_clear(uow, supervisor):
    step = password_step(uow, "elena")
    assert step.next_step() == "enrol_totp"
    with refused(DomainError, "access.signin_expired"):
        signin.finish_sign_in(uow=uow(), pending=step)
    secret = totp.new_secret()
    with pytest.raises(ValidationFailed):
        signin.enrol_totp(uow=uow(), pending=step, secret=secret, code="123456" if totp.current_code(
            secret, utcnow()) != "123456" else "654321")
    step = signin.enrol_totp(uow=uow(), pending=step, secret=secret, code=totp.current_code(secret, utcnow()))
    assert signin.finish_sign_in(uow=uow(), pending=step)
    with uow() as work:
        stored = work.session.get(User, supervisor.id).totp_secret
    assert secret not in stored and totp.decrypt(stored) == secret
    assert password_step(uow, "elena").next_step() == "totp"


def test_a_totp_code_works_once_a_replay_in_its_window_is_refused(uow, supervisor):
    secret = totp.new_secret()
    moment = utcnow()
    with clock_at(moment):
        signin.enrol_totp(uow=uow(), pending=password_step(uow, "elena"), secret=secret,
                          code=totp.current_code(secret, moment))
    with clock_at(moment + timedelta(seconds=30)):
        code = totp.current_code(secret, moment + timedelta(seconds=30))
        step = signin.verify_totp(uow=uow(), pending=password_step(uow, "elena"), code=code)
        assert step.next_step() == "done"
        with pytest.raises(ValidationFailed) as failed:
            signin.verify_totp(uow=uow(), pending=password_step(uow, "elena"), code=code)
    assert failed.value.errors == {"code": ("access.totp_wrong", {})}


def test_wrong_totp_codes_count_towards_the_lock(uow, supervisor, monkeypatch):
    monkeypatch.setattr(settings, "signin_lock_after", 3)
    secret = totp.new_secret()
    step = signin.enrol_totp(uow=uow(), pending=password_step(uow, "elena"), secret=secret,
                             code=totp.current_code(secret, utcnow()))
    step = password_step(uow, "elena")
    for _ in range(3):
        with pytest.raises(ValidationFailed):
            signin.verify_totp(uow=uow(), pending=step, code="12345x")
    with refused(signin.SignInLocked, "access.locked"):
        signin.verify_totp(uow=uow(), pending=step, code=totp.current_code(secret, utcnow()))


def test_roles_outside_totp_roles_sign_in_without_a_code(uow, supervisor, monkeypatch):
    monkeypatch.setattr(settings, "totp_roles", "admin")
    assert password_step(uow, "elena").next_step() == "done"


def test_the_identity_providers_email_signs_in_the_matching_active_account(uow):
    invite_user(uow=uow(), actor=ADMIN, username="ioana", display_name="Ioana Marin", role=Role.ANALYST,
                email="Ioana.Marin@Furnizor.ro")
    step = signin.identity_sign_in(uow=uow(), email="ioana.marin@furnizor.ro", client_key="k")
    assert (step.username, step.next_step()) == ("ioana", "done")
    assert signin.identity_sign_in(uow=uow(), email="ioana@elsewhere.ro", client_key="k").username == "ioana"
    token = staff_sessions.redeem_handoff(uow=uow(), code=signin.finish_sign_in(uow=uow(), pending=step),
                                          user_agent="x", client_key="k")
    assert staff_sessions.resume_session(uow=uow(), token=token).actor.role == Role.ANALYST


def test_an_identity_unknown_to_us_is_refused(uow):
    for email in ("stranger@furnizor.ro", None, ""):
        with refused(DomainError, "access.oidc_unknown"):
            signin.identity_sign_in(uow=uow(), email=email, client_key="k")
