"""In a real browser, the public holder-change form refuses a NUL pasted into the address and a handover
index of two billion, each with its message right under its own field, and registers nothing."""

from playwright.sync_api import Page, expect
from sqlmodel import func, select

from core.models import Case
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from tests.e2e.steps import click, settle
from tests.e2e.test_holder_change_online_in_browser import fill, free_contract
from tests.factories import NEW_HOLDER_CNP


def cases(db_url: str) -> int:
    with UnitOfWork(get_engine(db_url)) as uow:
        return uow.session.exec(select(func.count()).select_from(Case)).one()


def assert_under(page: Page, field: str, message: str) -> None:
    """The message is shown, in the field's column, just below the field."""
    box = page.get_by_label(t(f"ui.intake.{field}"), exact=True).bounding_box()
    alert = page.get_by_test_id("stAlert").filter(has_text=message)
    expect(alert).to_be_visible()
    shown = alert.bounding_box()
    assert box["y"] + box["height"] <= shown["y"] < box["y"] + box["height"] + 120
    assert shown["x"] < box["x"] + box["width"] and box["x"] < shown["x"] + shown["width"]


def test_a_nul_address_and_a_two_billion_index_are_refused_under_their_fields(page, app_server):
    base, db_url = app_server
    contract, place = free_contract(db_url)
    before = cases(db_url)

    page.goto(f"{base}/holder_change_online")
    settle(page)
    fill(page, address=place.address[:6] + "\x00" + place.address[6:], payment_code=contract.payment_code,
         client_code=contract.client_code, last_name="Ionescu", first_name="Maria", national_id=NEW_HOLDER_CNP,
         email="maria.ionescu@example.com", phone="0722 111 222", handover_index=str(place.last_index + 25))
    click(page, t("ui.holder_online.submit"))
    assert_under(page, "address", t("bounds.control_characters"))

    fill(page, address="", pod=place.pod, handover_index="2000000000")
    click(page, t("ui.holder_online.submit"))
    assert_under(page, "handover_index", t("bounds.index_check"))
    expect(page.get_by_text(str(place.last_index), exact=False)).to_have_count(0)  # the last reading is not told
    assert cases(db_url) == before
