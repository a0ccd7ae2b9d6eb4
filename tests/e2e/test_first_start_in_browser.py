"""A fresh clone's first start in a real browser: the public home opens at once while the demo data is
seeded in the background; the staff sign-in shows the seed's bar meanwhile and works once it is done."""

import time

import pytest
from playwright.sync_api import expect

from core.platform.i18n import t
from tests.e2e.conftest import serve
from tests.e2e.steps import sign_in

pytestmark = pytest.mark.browser


def test_the_public_home_opens_within_20_s_while_seeding_and_staff_sign_in_works_after(browser, tmp_path):
    # more accounts than the e2e server's, so the seed certainly still runs when the home page is checked
    with serve(tmp_path, SEED_ACCOUNTS="4000", SEED_CASES="300") as base:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ro-RO")
        home = context.new_page()
        started = time.monotonic()
        home.goto(base)
        expect(home.get_by_role("heading", name=t("ui.public.home.title"))).to_be_visible(timeout=20_000)
        assert time.monotonic() - started < 20

        staff = context.new_page()  # meanwhile the sign-in is refused: the bar instead of the form
        staff.goto(f"{base}/sign_in")
        expect(staff.get_by_text(t("ui.bootstrap.staff_wait"))).to_be_visible(timeout=20_000)
        expect(staff.get_by_test_id("stProgress")).to_be_visible()
        expect(staff.get_by_label(t("ui.signin.username"))).to_have_count(0)
        expect(home.get_by_role("heading", name=t("ui.public.home.title"))).to_be_visible()  # still there

        # the waiting page opens the form by itself when the seed is done
        expect(staff.get_by_label(t("ui.signin.username"))).to_be_visible(timeout=300_000)
        staff.set_default_timeout(60_000)
        sign_in(staff, base, "clerk", "clerk-demo", "queue")
        expect(staff.get_by_role("heading", name=t("ui.queue.title"))).to_be_visible()
        context.close()
