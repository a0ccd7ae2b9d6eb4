"""Server-side staff sessions: a one-time handoff code becomes a session once, the session lives until
sign-out, inactivity or its absolute lifetime, and ends as soon as its user is deactivated or demoted."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import select

from core.models import Role, StaffSession, User, clock_at, utcnow
from core.platform.config import settings
from core.platform.errors import DomainError, PermissionDenied
from core.services.users import change_role, create_user, deactivate_user
from core.staff import staff_sessions
from core.staff.auth import Actor
from tests.factories import ADMIN, CLERK


@pytest.fixture
def clerk(uow) -> User:
    return create_user(uow=uow(), actor=ADMIN, username="ana", display_name="Ana Popa", role=Role.CLERK,
                       password="o parolă lungă")


def handoff(uow, user: User) -> str:
    with uow() as work:
        code = staff_sessions.open_handoff(work.session, work.session.get(User, user.id))
        work.commit()
    return code


def signed_in(uow, user: User) -> str:
    return staff_sessions.redeem_handoff(uow=uow(), code=handoff(uow, user), user_agent="Firefox", client_key="k")


def test_a_handoff_code_opens_one_session_and_cannot_be_used_again(uow, clerk):
    code = handoff(uow, clerk)
    token = staff_sessions.redeem_handoff(uow=uow(), code=code, user_agent="Firefox", client_key="k")
    assert staff_sessions.resume_session(uow=uow(), token=token).actor.username == "ana"
    assert staff_sessions.redeem_handoff(uow=uow(), code=code, user_agent="Firefox", client_key="k") is None


def test_two_requests_racing_with_one_handoff_code_open_one_session(uow, clerk):
    code = handoff(uow, clerk)
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda _: staff_sessions.redeem_handoff(uow=uow(), code=code, user_agent="x",
                                                                        client_key="k"), range(8)))
    assert len([token for token in tokens if token]) == 1


def test_a_handoff_code_older_than_its_validity_opens_nothing(uow, clerk):
    code = handoff(uow, clerk)
    with clock_at(utcnow() + timedelta(seconds=settings.session_handoff_seconds + 1)):
        assert staff_sessions.redeem_handoff(uow=uow(), code=code, user_agent="x", client_key="k") is None


def test_only_a_hash_of_the_token_is_stored_with_the_browser_and_a_keyed_address(uow, clerk):
    token = signed_in(uow, clerk)
    with uow() as work:
        row = work.session.exec(select(StaffSession)).one()
    assert token not in (row.token_hash, row.handoff_hash) and row.handoff_hash is None
    assert (row.user_agent, row.client_key) == ("Firefox", "k")


def test_a_forged_or_tampered_cookie_names_no_session(uow, clerk):
    value = staff_sessions.cookie_value(signed_in(uow, clerk))
    assert staff_sessions.token_from_cookie(value) is not None
    assert staff_sessions.token_from_cookie(value[:-1] + ("0" if value[-1] != "0" else "1")) is None
    assert staff_sessions.token_from_cookie("just-a-token") is None


def test_a_session_ends_after_the_idle_timeout_but_not_while_used(uow, clerk):
    token = signed_in(uow, clerk)
    for minutes in (20, 40, 60):  # a click every 20 minutes keeps it open
        with clock_at(utcnow() + timedelta(minutes=minutes)):
            assert staff_sessions.resume_session(uow=uow(), token=token).actor is not None
    with clock_at(utcnow() + timedelta(minutes=60 + settings.session_idle_minutes + 1)):
        assert staff_sessions.resume_session(uow=uow(), token=token) == staff_sessions.Resumed(None, "idle")
    assert staff_sessions.resume_session(uow=uow(), token=token).actor is None


def test_a_session_ends_at_its_absolute_lifetime_however_active(uow, clerk):
    token = signed_in(uow, clerk)
    step = timedelta(minutes=settings.session_idle_minutes - 1)
    moment = utcnow()
    while moment < utcnow() + timedelta(hours=settings.session_absolute_hours) - step:
        moment += step
        with clock_at(moment):
            assert staff_sessions.resume_session(uow=uow(), token=token).actor is not None
    with clock_at(moment + step):
        assert staff_sessions.resume_session(uow=uow(), token=token).ended == "expired"


def test_deactivating_a_user_ends_their_open_sessions_at_the_next_click(uow, clerk):
    token = signed_in(uow, clerk)
    deactivate_user(uow=uow(), actor=ADMIN, user_id=clerk.id)
    assert staff_sessions.resume_session(uow=uow(), token=token).actor is None


def test_a_role_change_ends_the_session_opened_with_the_old_role(uow, clerk):
    token = signed_in(uow, clerk)
    change_role(uow=uow(), actor=ADMIN, user_id=clerk.id, role=Role.ANALYST)
    assert staff_sessions.resume_session(uow=uow(), token=token).ended == "role_changed"
    assert staff_sessions.resume_session(uow=uow(), token=signed_in(uow, clerk)).actor.role == Role.ANALYST


def test_a_role_changed_behind_the_services_back_still_ends_the_session(uow, clerk):
    token = signed_in(uow, clerk)
    with uow() as work:
        user = work.session.get(User, clerk.id)
        user.role = Role.SUPERVISOR
        work.session.add(user)
        work.commit()
    assert staff_sessions.resume_session(uow=uow(), token=token).ended == "role_changed"


def test_signing_out_ends_only_that_browsers_session(uow, clerk):
    first, second = signed_in(uow, clerk), signed_in(uow, clerk)
    staff_sessions.end_session(uow=uow(), token=first)
    assert staff_sessions.resume_session(uow=uow(), token=first).ended == "signed_out"
    assert staff_sessions.resume_session(uow=uow(), token=second).actor is not None


def test_an_admin_sees_a_users_open_sessions_and_closes_one(uow, clerk):
    token = signed_in(uow, clerk)
    signed_in(uow, clerk)
    sessions = staff_sessions.live_sessions(uow=uow(), actor=ADMIN, user_id=clerk.id)
    assert [s.user_agent for s in sessions] == ["Firefox", "Firefox"]
    mine = next(s for s in sessions if s.token_hash == staff_sessions._digest(token))
    staff_sessions.revoke_session(uow=uow(), actor=ADMIN, session_id=mine.id)
    assert staff_sessions.resume_session(uow=uow(), token=token).ended == "revoked_by_admin"
    assert len(staff_sessions.live_sessions(uow=uow(), actor=ADMIN, user_id=clerk.id)) == 1


def test_only_an_admin_sees_or_closes_sessions(uow, clerk):
    with pytest.raises(PermissionDenied):
        staff_sessions.live_sessions(uow=uow(), actor=CLERK, user_id=clerk.id)
    with pytest.raises(PermissionDenied):
        staff_sessions.revoke_session(uow=uow(), actor=Actor("x", Role.SUPERVISOR), session_id=1)


def test_the_worker_forgets_sessions_and_sign_in_attempts_past_their_retention_and_keeps_the_rest(uow, clerk):
    from core.models import SignInAttempt
    from core.platform.worker import housekeeping
    from core.staff import signin

    long_ago = utcnow() - timedelta(days=settings.staff_access_retention_days + 1)
    with clock_at(long_ago):
        staff_sessions.end_session(uow=uow(), token=signed_in(uow, clerk))
        with pytest.raises(DomainError):  # a wrong password then: only its record matters here
            signin.check_password(uow=uow(), username="ana", password="greșită", client_key="k")
    live = signed_in(uow, clerk)
    done = housekeeping(uow=uow())
    with uow() as u:
        kept = u.session.exec(select(StaffSession)).all()
        attempts = u.session.exec(select(SignInAttempt)).all()
    assert (done["ended staff sessions"], done["old staff sign-in attempts"]) == (1, 1)
    assert len(kept) == 1 and staff_sessions.resume_session(uow=uow(), token=live).actor.username == "ana"
    assert attempts == []
