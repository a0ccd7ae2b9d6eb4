"""Staff access in a real browser: an admin creates a clerk and a supervisor; the clerk signs in with the
one-time password and must choose a new one; the supervisor enrols a TOTP code and signs in with it; a
reload and a new tab keep the session; the admin deactivates the clerk and the clerk's open tab is signed
out on its next click; every step is in the audit chain."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select

from core.models import AuditEvent
from core.platform.audit import verify
from core.platform.i18n import t
from tests.e2e.steps import choose, click, settle, sign_in, signed_in, type_totp_code

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)  # each step waits for an argon2 check on a busy 2-core machine
NEW_PASSWORD = "parola-mea-noua-2026"


def create_user(page, username: str, name: str, role: str) -> str:
    """Fills the admin's create form; returns the one-time password the page shows once."""
    if not page.get_by_label(t("access.users.username"), exact=True).is_visible():
        page.get_by_text(t("access.users.create")).first.click()  # opens the expander
    page.get_by_label(t("access.users.username"), exact=True).fill(username)
    page.get_by_label(t("access.users.display_name"), exact=True).fill(name)
    page.locator(".st-key-users_new_role").get_by_text(t(f"ui.role.{role}"), exact=True).click()
    page.get_by_role("button", name=t("access.users.create")).click()
    settle(page)
    expect(page.get_by_text(t("access.users.created", username=username)[:30])).to_be_visible()
    return page.get_by_test_id("stCode").first.inner_text().strip()


def first_sign_in(browser, base: str, path: str, username: str, one_time: str):
    """A new user's own browser: the one-time password, then the new password the form asks for."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{base}/{path}")
    settle(page)
    page.get_by_label(t("ui.signin.username")).fill(username)
    page.get_by_label(t("ui.signin.password")).fill(one_time)
    page.get_by_role("button", name=t("ui.signin.submit")).click()
    settle(page)
    page.get_by_label(t("access.new_password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_label(t("access.repeat_password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name=t("access.save_password")).click()
    settle(page)
    return page


def test_staff_accounts_sessions_and_totp_from_creation_to_deactivation(page, browser, app_server):
    base, database_url = app_server
    admin = page  # the fixture's page waited for the first start's seeding
    sign_in(admin, base, "admin", "admin-demo", "users")
    clerk_password = create_user(admin, "irina", "Irina Pop", "clerk")
    supervisor_password = create_user(admin, "sorin", "Sorin Lazăr", "supervisor")

    clerk = first_sign_in(browser, base, "queue", "irina", clerk_password)
    signed_in(clerk)
    expect(clerk.get_by_role("heading", name=t("ui.queue.title"))).to_be_visible()
    clerk.reload()
    signed_in(clerk)
    second_tab = clerk.context.new_page()
    second_tab.goto(f"{base}/queue")
    signed_in(second_tab)

    supervisor = first_sign_in(browser, base, "dashboard", "sorin", supervisor_password)
    secret = supervisor.get_by_test_id("stCode").first.inner_text().strip()
    type_totp_code(supervisor, "sorin", secret)  # enrolment: the first code from the new secret
    signed_in(supervisor)
    supervisor.context.clear_cookies()
    sign_in(supervisor, base, "sorin", NEW_PASSWORD, "dashboard", secret=secret)  # the code at each sign-in

    admin.reload()  # the admin comes back to the page later: it shows the accounts as they are now
    signed_in(admin)
    choose(admin, t("access.users.pick"), "irina · Irina Pop")
    click(admin, t("access.users.deactivate"))
    clerk.get_by_role("link", name=t("ui.nav.queue")).first.click()  # the clerk's next click
    settle(clerk)
    expect(clerk.get_by_text(t("access.ended.deactivated"))).to_be_visible()
    expect(clerk.get_by_role("link", name=t("ui.nav.sign_out"))).to_have_count(0)

    with create_engine(database_url).connect() as connection:
        actions = [row.trigger for row in connection.execute(select(AuditEvent).order_by(AuditEvent.seq))]
        assert verify(connection).ok
    for action in ("user.create", "password.change", "totp.enrol", "signin.success", "user.deactivate",
                   "session.revoke"):
        assert action in actions, action
