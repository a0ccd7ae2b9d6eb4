"""The session routes over HTTP: a handoff code sets a signed, HttpOnly, SameSite=Strict cookie once
(Secure once the site is HTTPS); another origin or a form post is refused; sign-out revokes and clears."""

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from core.models import Role, User
from core.platform.config import settings
from core.services.users import create_user
from core.staff import staff_sessions
from core.staff.session_routes import SESSION_PATH, SESSION_ROUTES, SIGN_OUT_PATH
from tests.factories import ADMIN

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def client(uow, engine, monkeypatch):
    monkeypatch.setattr(settings, "database_url", engine.url.render_as_string(hide_password=False))
    return TestClient(Starlette(routes=SESSION_ROUTES), base_url="http://ghiseu.test")


def handoff(uow) -> str:
    create_user(uow=uow(), actor=ADMIN, username="ana", display_name="Ana", role=Role.CLERK, password="p" * 12)
    with uow() as work:
        code = staff_sessions.open_handoff(work.session, work.session.exec(select(User)).one())
        work.commit()
    return code


def test_a_handoff_code_sets_an_http_only_strict_cookie_once(client, uow):
    code = handoff(uow)
    first = client.post(SESSION_PATH, json={"code": code})
    assert first.status_code == 200
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie and "Path=/" in cookie
    token = staff_sessions.token_from_cookie(first.cookies[staff_sessions.COOKIE])
    assert staff_sessions.resume_session(uow=uow(), token=token).actor.username == "ana"
    assert client.post(SESSION_PATH, json={"code": code}).status_code == 403


def test_the_cookie_is_secure_when_the_site_is_https(client, uow, monkeypatch):
    monkeypatch.setattr(settings, "public_base_url", "https://ghiseu.example.ro")
    assert "Secure" in client.post(SESSION_PATH, json={"code": handoff(uow)}).headers["set-cookie"]


def test_another_origin_or_a_form_post_gets_no_cookie(client, uow):
    code = handoff(uow)
    other = client.post(SESSION_PATH, json={"code": code}, headers={"Origin": "https://evil.example"})
    form = client.post(SESSION_PATH, data={"code": code})
    assert (other.status_code, form.status_code) == (403, 403) and "set-cookie" not in other.headers
    assert client.post(SESSION_PATH, content=b"not json", headers=JSON).status_code == 403
    assert client.post(SESSION_PATH, json={"code": code}).status_code == 200  # still unused


def test_signing_out_revokes_the_session_and_clears_the_cookie(client, uow):
    client.post(SESSION_PATH, json={"code": handoff(uow)})
    token = staff_sessions.token_from_cookie(client.cookies[staff_sessions.COOKIE])
    out = client.post(SIGN_OUT_PATH, json={})
    assert out.status_code == 200 and 'ghiseu_staff=""' in out.headers["set-cookie"]
    assert staff_sessions.resume_session(uow=uow(), token=token).ended == "signed_out"


def test_a_body_over_the_route_limit_is_413_and_a_deeply_nested_one_is_refused_not_a_crash(client, uow):
    code = handoff(uow)
    huge = client.post(SESSION_PATH, content=b'{"code": "' + b"x" * (settings.http_max_body_bytes + 1) + b'"}',
                       headers=JSON)
    nested = client.post(SESSION_PATH, content=b'{"code": ' + b"[" * 5000 + b"]" * 5000 + b"}", headers=JSON)
    assert (huge.status_code, nested.status_code) == (413, 403)
    assert client.post(SESSION_PATH, json={"code": code}).status_code == 200  # the real code still works


def test_a_username_or_display_name_with_a_nul_is_a_field_message_not_a_crash(uow):
    from core.platform.errors import DomainError, ValidationFailed
    from core.staff.signin import check_password

    with pytest.raises(ValidationFailed) as refused:
        create_user(uow=uow(), actor=ADMIN, username="dan", display_name="Dan\x00 Vasile", role=Role.CLERK,
                    password="p" * 12)
    assert set(refused.value.errors) == {"display_name"}
    with pytest.raises(DomainError):
        check_password(uow=uow(), username="ana\x00", password="p" * 12, client_key="k")
