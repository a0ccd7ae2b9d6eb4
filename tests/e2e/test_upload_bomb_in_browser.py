"""A clerk opens the preview of a PDF bomb (a page that takes minutes of CPU to draw) in a real browser:
the sandbox gives up within its limits and the clerk reads why, while a colleague's page is served in the
meantime; opening it again answers at once from the cache."""

import time

from playwright.sync_api import expect

from core.platform.i18n import t
from tests import bombs
from tests.e2e.steps import click, settle, sign_in, upload
from tests.e2e.test_holder_change_in_browser import awaiting_case


def test_a_clerk_opening_a_bombs_preview_is_told_why_there_is_none_while_the_app_stays_usable(
        page, app_server, tmp_path):
    base, db_url = app_server
    case_id, number, missing = awaiting_case(db_url)
    bomb = tmp_path / "scan.pdf"
    bomb.write_bytes(bombs.pdf_with_slow_page())
    sign_in(page, base, "clerk", "clerk-demo", f"case_detail?case={case_id}")
    upload(page, t("document." + missing[0]), [bomb])
    click(page, t("ui.case.upload_submit"))
    expect(page.get_by_text(t("ui.doc_received." + missing[0]))).to_be_visible()

    no_preview = page.get_by_text(t("files.no_preview", reason=t("files.no_preview_reason.too_slow")))
    started = time.monotonic()
    page.get_by_test_id("stExpander").filter(has_text="scan.pdf").locator("summary").click()
    expect(page.get_by_text(t("files.preview_wait"))).to_be_visible()

    colleague = page.context.browser.new_context(locale="ro-RO").new_page()  # another clerk, meanwhile
    sign_in(colleague, base, "clerk2", "clerk-demo", "queue")
    expect(colleague.get_by_label(t("ui.queue.search"), exact=True)).to_be_visible()
    assert no_preview.count() == 0  # the colleague was served while the bomb was still being drawn
    colleague.context.close()

    expect(no_preview).to_be_visible(timeout=30_000)
    drawn_in = time.monotonic() - started
    expect(page.get_by_role("button", name=t("files.download"))).to_be_visible()
    expect(page.get_by_role("button", name=t("ui.case.reject"), exact=True).first).to_be_enabled()

    page.reload()  # a new session (still signed in): the failure comes from the database cache, not drawn again
    settle(page)
    started = time.monotonic()
    page.get_by_test_id("stExpander").filter(has_text="scan.pdf").locator("summary").click()
    expect(no_preview).to_be_visible()
    assert time.monotonic() - started < drawn_in
