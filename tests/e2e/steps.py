"""What a user does in the browser, shared by the real-browser tests: sign in through a deep link, click,
fill a popover form, pick from a select box, upload files, and wait for each rerun to settle."""

import time
from pathlib import Path

from playwright.sync_api import Page, expect

from core.models import utcnow
from core.platform.i18n import t, t_plural
from core.services.users import DEMO_TOTP_SECRET
from core.staff import totp
from tests.app_processes import READY

_last_step: dict[str, int] = {}  # the TOTP step each user last signed in with (a code works once)


def settle(page: Page) -> None:
    """Waits for the rerun an action started to finish, then checks nothing blew up on screen."""
    page.wait_for_timeout(400)
    page.wait_for_selector(READY)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def sign_in(page: Page, base: str, username: str, password: str, path: str, secret: str | None = None) -> None:
    """Opens `path` (e.g. "case_detail?case=7") in a new session and signs in on it (with a TOTP code from
    `secret` when the form asks for one; the demo secret by default): the page trades the one-time code
    for the session cookie and reloads, and the same address then shows that page."""
    page.goto(f"{base}/{path}")
    settle(page)
    page.get_by_label(t("ui.signin.username")).fill(username)
    page.get_by_label(t("ui.signin.password")).fill(password)
    page.get_by_role("button", name=t("ui.signin.submit")).click()
    code_field = page.get_by_label(t("access.totp_code"))
    # the password check (argon2) may take a while on a busy machine: wait for what follows it
    expect(code_field.or_(page.get_by_role("link", name=t("ui.nav.sign_out")))).to_be_visible(timeout=30_000)
    settle(page)
    if code_field.count():
        type_totp_code(page, username, secret or DEMO_TOTP_SECRET)
    signed_in(page)


def type_totp_code(page: Page, username: str, secret: str) -> None:
    """Types the current code; waits for the next one when this user already used the current one."""
    while int(utcnow().timestamp()) // totp.STEP_SECONDS <= _last_step.get(username, -1):
        time.sleep(1)
    now = utcnow()
    _last_step[username] = int(now.timestamp()) // totp.STEP_SECONDS
    page.get_by_label(t("access.totp_code")).fill(totp.current_code(secret, now))
    page.get_by_role("button", name=t("access.totp_submit")).click()
    settle(page)


def signed_in(page: Page) -> None:
    """Waits for the reload that follows the hand-over, until the sidebar offers the sign-out."""
    expect(page.get_by_role("link", name=t("ui.nav.sign_out"))).to_be_visible(timeout=30_000)
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
    expect(page.get_by_text(t_plural("ui.queue.count", 1, page=1, pages=1))).to_be_visible()
