"""A customer asks online for a contract on a vacant consumption place and reads the registration number
on screen; a clerk then finds the request in the work queue."""

import re

from playwright.sync_api import Page, expect
from sqlmodel import col, select

from core.models import Case, ConsumptionPlace, Contract, ContractStatus
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from tests.e2e.steps import click, find_in_queue, settle
from tests.factories import NEW_HOLDER_CNP


def vacant_place(db_url: str) -> ConsumptionPlace:
    """A seeded place with no active contract and no open request."""
    with UnitOfWork(get_engine(db_url)) as uow:
        contracted = select(Contract.place_id).where(Contract.status == ContractStatus.ACTIVE)
        busy = select(Case.place_id).where(col(Case.closed_at).is_(None), col(Case.place_id).is_not(None))
        return uow.session.exec(select(ConsumptionPlace).where(
            col(ConsumptionPlace.id).not_in(contracted), col(ConsumptionPlace.id).not_in(busy))
            .order_by(ConsumptionPlace.id)).first()


def fill(page: Page, **fields: str) -> None:
    for key, value in fields.items():
        page.get_by_label(t(f"ui.contract.{key}"), exact=True).fill(value)


def test_a_customer_asks_for_a_new_contract_online_and_a_clerk_finds_it_in_the_queue(page, app_server):
    base, db_url = app_server
    place = vacant_place(db_url)

    page.goto(f"{base}/new_contract_online")
    settle(page)
    fill(page, pod="RO000E000000000", last_name="Ionescu", first_name="Maria", national_id=NEW_HOLDER_CNP,
         email="maria.ionescu@example.com", phone="0722 111 222", handover_index=str(place.last_index + 3))
    click(page, t("ui.contract.submit"))
    expect(page.get_by_text(t("contracting.place_unknown"))).to_be_visible()  # under the POD field

    fill(page, pod=place.pod)
    click(page, t("ui.contract.submit"))
    done = page.get_by_text(re.compile(r"CTR-\d{4}-\d+"))
    expect(done).to_be_visible()
    number = re.search(r"CTR-\d{4}-\d+", done.inner_text()).group()
    expect(page.get_by_text(t("document.supply_offer"))).to_be_visible()

    find_in_queue(page, base, number)
    with UnitOfWork(get_engine(db_url)) as uow:
        case = uow.session.exec(select(Case).where(Case.registration_number == number)).one()
    assert (case.case_type, case.channel, case.state, case.place_id) == ("new_contract", "online", "submitted",
                                                                        place.id)
