"""Hostile values into every form service and route (tests/hostile.py): each one is either taken or refused
with a DomainError/ValidationFailed, a refusal writes nothing (row counts of every table unchanged, bar the
lookup records kept on purpose), and nothing crashes; on SQLite and PostgreSQL alike."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from core.models import Case, ConsumptionPlace, Customer, Payment
from core.online.routes import routes
from core.platform.config import settings as app_settings
from tests.database import empty_tables
from tests.hostile import CATALOGUE, attempt, drivers, hostile_values

SERVICES = sorted(drivers(client=object()))


@pytest.fixture
def client(engine, uow, monkeypatch):
    """The routes as server.py mounts them, on the test database (the endpoint opens its own unit of work)."""
    monkeypatch.setattr(app_settings, "database_url", engine.url.render_as_string(hide_password=False))
    with TestClient(Starlette(routes=routes()), raise_server_exceptions=True) as test_client:
        yield test_client


@pytest.fixture
def world(request, uow, client):
    driver = drivers(client)[request.param]
    return driver, driver.setup(uow)


@pytest.mark.parametrize("world", SERVICES, indirect=True)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_a_hostile_value_in_any_field_is_taken_or_refused_never_a_crash_nor_a_partial_write(engine, uow, world,
                                                                                              data):
    driver, built = world
    slot = data.draw(st.sampled_from(driver.slots), label="slot")
    value = data.draw(hostile_values, label="value")
    attempt(engine, driver.call(uow, built, slot, value))


def stored_texts(uow) -> list[str]:
    with uow() as u:
        return [*u.session.exec(select(Case.applicant_name)), *u.session.exec(select(Customer.name)),
                *u.session.exec(select(Customer.correspondence_address)),
                *u.session.exec(select(ConsumptionPlace.address)), *u.session.exec(select(Payment.reference))]


def hides_something(text: str) -> bool:
    return any(ord(c) < 32 or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 or 0xD800 <= ord(c) <= 0xDFFF
               for c in text)


def test_every_catalogued_value_is_taken_or_refused_by_every_service_and_nothing_stored_hides_text(engine, uow,
                                                                                                    client):
    """The whole catalogue, twice, across the slots of every service (no crash, no partial write), and what was
    accepted along the way is clean: the names, addresses and references stored."""
    stored = []
    for driver in drivers(client).values():
        built = driver.setup(uow)
        for n, value in enumerate(CATALOGUE * 2):  # each value twice, in two different slots
            attempt(engine, driver.call(uow, built, driver.slots[n % len(driver.slots)], value))
        stored += stored_texts(uow)
        empty_tables(engine)
    assert stored and not [text for text in stored if hides_something(text)]
