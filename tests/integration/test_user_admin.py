"""User administration by an admin: accounts with a one-time password, deactivation, role changes and
password resets, each ending the user's sessions where it takes rights away, and each in the audit trail."""

import pytest
from sqlmodel import select

from core.models import AuditEvent, Role, User
from core.platform.audit import verify
from core.platform.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from core.services import users
from core.staff import signin, staff_sessions
from tests.factories import ADMIN, CLERK, refused


def invite(uow, username="mihai", role=Role.CLERK, email=None):
    return users.invite_user(uow=uow(), actor=ADMIN, username=username, display_name="Mihai Stan", role=role,
                             email=email)


def session_for(uow, username: str, password: str) -> str:
    step = signin.check_password(uow=uow(), username=username, password=password, client_key="k")
    if step.next_step() == "change_password":
        step = signin.change_password(uow=uow(), pending=step, new_password="parola mea nouă",
                                      repeated="parola mea nouă")
    return staff_sessions.redeem_handoff(uow=uow(), code=signin.finish_sign_in(uow=uow(), pending=step),
                                         user_agent="x", client_key="k")


def actions(uow) -> list[tuple[str, str, str | None]]:
    with uow() as work:
        rows = work.session.exec(select(AuditEvent).where(AuditEvent.case_id.is_(None)).order_by(AuditEvent.seq))
        return [(row.actor, row.trigger, row.subject) for row in rows]


def test_an_invited_user_gets_a_one_time_password_that_must_be_changed(uow):
    user, one_time = invite(uow)
    assert len(one_time) >= 16 and user.must_change_password
    step = signin.check_password(uow=uow(), username="mihai", password=one_time, client_key="k")
    assert step.next_step() == "change_password"


def test_a_bad_account_is_refused_with_one_message_per_field(uow):
    with pytest.raises(ValidationFailed) as failed:
        users.invite_user(uow=uow(), actor=ADMIN, username="ana popa!", display_name=" ", role=Role.SYSTEM,
                          email="not-an-email")
    assert set(failed.value.errors) == {"username", "display_name", "role", "email"}
    invite(uow, email="mihai@furnizor.ro")
    with pytest.raises(ValidationFailed) as failed:
        invite(uow, username="mihai2", email="MIHAI@furnizor.ro")
    assert failed.value.errors == {"email": ("access.email_taken", {})}


def test_deactivating_a_user_refuses_their_sign_in_and_ends_their_session(uow):
    user, one_time = invite(uow)
    token = session_for(uow, "mihai", one_time)
    users.deactivate_user(uow=uow(), actor=ADMIN, user_id=user.id)
    assert staff_sessions.resume_session(uow=uow(), token=token).ended == "deactivated"
    with refused(DomainError, "auth.invalid"):
        signin.check_password(uow=uow(), username="mihai", password="parola mea nouă", client_key="k")


def test_a_password_reset_gives_a_new_one_time_password_and_a_fresh_totp_enrolment(uow):
    user, one_time = invite(uow, role=Role.SUPERVISOR)
    with uow() as work:
        row = work.session.get(User, user.id)
        row.totp_secret = "enrolled"
        work.session.add(row)
        work.commit()
    again = users.reset_password(uow=uow(), actor=ADMIN, user_id=user.id)
    assert again != one_time
    step = signin.check_password(uow=uow(), username="mihai", password=again, client_key="k")
    assert (step.next_step(), step.totp_enrolled) == ("change_password", False)


def test_an_admin_cannot_change_their_own_account_and_nobody_else_can_change_any(uow):
    me, _ = invite(uow, username="dan", role=Role.ADMIN)
    other, _ = invite(uow)
    admin = ADMIN.__class__(me.username, Role.ADMIN, "Dan", me.id)
    with refused(DomainError, "access.not_yourself"):
        users.deactivate_user(uow=uow(), actor=admin, user_id=me.id)
    with refused(DomainError, "access.not_yourself"):
        users.change_role(uow=uow(), actor=admin, user_id=me.id, role=Role.CLERK)
    for action in (lambda: users.deactivate_user(uow=uow(), actor=CLERK, user_id=other.id),
                   lambda: users.reset_password(uow=uow(), actor=CLERK, user_id=other.id),
                   lambda: users.list_users(uow=uow(), actor=CLERK)):
        with pytest.raises(PermissionDenied):
            action()
    with pytest.raises(NotFound):
        users.deactivate_user(uow=uow(), actor=admin, user_id=9999)


def test_every_user_change_sign_in_and_revocation_is_in_the_audit_chain(uow, engine):
    user, one_time = invite(uow)
    with refused(DomainError, "auth.invalid"):
        signin.check_password(uow=uow(), username="mihai", password="greșit", client_key="k")
    session_for(uow, "mihai", one_time)
    users.change_role(uow=uow(), actor=ADMIN, user_id=user.id, role=Role.ANALYST)
    users.reset_password(uow=uow(), actor=ADMIN, user_id=user.id)
    users.deactivate_user(uow=uow(), actor=ADMIN, user_id=user.id)
    subject = f"user:{user.id}"
    assert actions(uow) == [
        ("admin", "user.create", subject), ("mihai", "signin.failed", subject),
        ("mihai", "password.change", subject), ("mihai", "signin.success", subject),
        ("admin", "session.revoke", subject), ("admin", "user.role", subject),
        ("admin", "user.password_reset", subject), ("admin", "user.deactivate", subject)]
    with engine.connect() as connection:
        assert verify(connection).ok
