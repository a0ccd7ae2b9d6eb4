"""Staff accounts: created by an admin or the operator command, signed in with argon2-checked passwords."""

import pytest

from core import manage
from core.models import Role
from core.platform.errors import DomainError, PermissionDenied, ValidationFailed
from core.services.users import create_user
from tests.factories import ADMIN, CLERK, authenticate, refused


def test_an_admin_creates_a_clerk_who_can_then_sign_in(uow):
    create_user(uow=uow(), actor=ADMIN, username="Ana.Popa", display_name="Ana Popa", role=Role.CLERK,
                password="o parolă lungă")
    actor = authenticate(uow=uow(), username="ana.popa", password="o parolă lungă")
    assert (actor.username, actor.role, actor.display_name) == ("ana.popa", Role.CLERK, "Ana Popa")


def test_a_clerk_cannot_create_users(uow):
    with pytest.raises(PermissionDenied):
        create_user(uow=uow(), actor=CLERK, username="x", display_name="X", role=Role.ADMIN, password="p" * 12)


def test_a_short_password_and_a_taken_username_are_refused(uow):
    with pytest.raises(ValidationFailed) as failed:
        create_user(uow=uow(), actor=ADMIN, username="ana", display_name="Ana", role=Role.CLERK, password="scurtă")
    assert failed.value.messages("ro") == {"password": "Parola are cel puțin 10 caractere."}
    create_user(uow=uow(), actor=ADMIN, username="ana", display_name="Ana", role=Role.CLERK, password="p" * 12)
    with refused(DomainError, "users.exists"):
        create_user(uow=uow(), actor=ADMIN, username="ANA", display_name="Ana", role=Role.CLERK, password="p" * 12)


def test_the_operator_command_creates_the_first_admin(uow, engine, monkeypatch, capsys):
    monkeypatch.setattr("core.manage.get_engine", lambda: engine)
    monkeypatch.setattr("core.manage.UnitOfWork", lambda: uow())
    monkeypatch.setattr("getpass.getpass", lambda prompt: "parola-admin-2026")
    assert manage.main(["create-user", "--username", "dan", "--name", "Dan Vasile", "--role", "admin"]) == 0
    assert "dan (admin) created" in capsys.readouterr().out
    assert authenticate(uow=uow(), username="dan", password="parola-admin-2026").role == Role.ADMIN
