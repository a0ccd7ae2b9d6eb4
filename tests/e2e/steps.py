"""What a user does in the browser, shared by the real-browser tests: sign in through a deep link, click,
fill a popover form, pick from a select box, upload files, and wait for each rerun to settle."""

from pathlib import Path

from playwright.sync_api import Page, expect

from core.i18n import t
from tests.e2e.conftest import READY


def settle(page: Page) -> None:
    """Waits for the rerun an action started to finish, then checks nothing blew up on screen."""
    page.wait_for_timeout(400)
    page.wait_for_selector(READY)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def sign_in(page: Page, base: str, username: str, password: str, path: str) -> None:
    """Opens `path` (e.g. "case_detail?case=7") in a new session and signs in on it: the same address
    then shows that page."""
    page.goto(f"{base}/{path}")
    settle(page)
    page.get_by_label(t("ui.signin.username")).fill(username)
    page.get_by_label(t("ui.signin.password")).fill(password)
    page.get_by_role("button", name=t("ui.signin.submit")).click()
    settle(page)


def click(page: Page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).first.click()
    settle(page)


def choose(page: Page, label: str, option: str) -> None:
    """Picks `option` in the select box labelled `label`."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def upload(page: Page, label: str, files: list[Path]) -> None:
    slot = page.get_by_test_id("stFileUploader").filter(has_text=label).first
    slot.locator("input[type=file]").set_input_files(files)
    settle(page)


def in_popover(page: Page, action: str, **fields: str) -> None:
    """Opens the action's popover, fills its fields (label -> text) and confirms."""
    body = page.get_by_test_id("stPopoverBody")
    if not body.get_by_role("button", name=t("ui.case.confirm", action=action)).is_visible():
        page.get_by_test_id("stPopover").filter(has_text=action).get_by_role("button").first.click()
    for label, text in fields.items():
        body.get_by_label(label, exact=True).fill(text)
    body.get_by_role("button", name=t("ui.case.confirm", action=action)).click()
    settle(page)


def find_in_queue(page: Page, base: str, number: str) -> None:
    """Signs in as the clerk in a fresh session and searches the work queue for one registration number."""
    page.context.clear_cookies()
    sign_in(page, base, "clerk", "clerk-demo", "queue")
    search = page.get_by_label(t("ui.queue.search"), exact=True)
    search.fill(number)
    search.press("Enter")
    settle(page)
    expect(page.get_by_text(t("ui.queue.count", total=1, page=1, pages=1))).to_be_visible()
