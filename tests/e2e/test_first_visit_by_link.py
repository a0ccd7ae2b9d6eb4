"""After a restart, the first visitor may arrive by an e-mailed link rather than the home page: the page
must still come under the app's own menu (public services only), not Streamlit's automatic menu of
every file in pages/."""

from playwright.sync_api import expect

from core.platform.i18n import t
from tests.app_processes import READY, serve


def test_the_first_visitor_after_a_restart_arriving_by_an_upload_link_sees_only_the_public_menu(
        browser, tmp_path):
    with serve(tmp_path, SEED_ON_FIRST_START="false") as base:
        context = browser.new_context(locale="ro-RO")
        page = context.new_page()
        page.goto(f"{base}/upload?token=no-such-link")
        page.wait_for_selector(READY, timeout=120_000)
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_role("link", name=t("ui.nav.pay"))).to_be_visible()
        expect(nav.get_by_role("link", name=t("ui.nav.sign_in"))).to_be_visible()
        expect(nav.get_by_role("link", name="queue")).to_have_count(0)
        expect(nav.get_by_role("link", name="outbox")).to_have_count(0)
        expect(page.get_by_text(t("online.upload.invalid_link"))).to_be_visible()
        context.close()
