"""Every public page on a phone (390×844), in a real browser: nothing runs off the right edge, the form's
main button is on the screen, a title takes at most two lines, the invoice table shows each value under its
column's label, the upload page's state sits beside its label and the card page uses the phone's width."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from core.platform.i18n import t
from tests.e2e.conftest import opened_page
from tests.e2e.steps import settle
from tests.e2e.test_invoice_copy_in_browser import look_up, recently_billed
from tests.e2e.test_language_in_browser import emailed_link
from tests.e2e.test_pay_in_browser import owing_contracts

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 390, 844
COLUMN = '[data-testid="stColumn"]'


@pytest.fixture
def phone(browser, app_server):
    yield from opened_page(browser, app_server[0], viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True,
                           has_touch=True)


def fits(page: Page, main_button: Locator) -> None:
    """No sideways scrolling, no visible element past the right edge, the main button wholly on screen,
    and every title in at most two lines."""
    assert page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]") == [WIDTH, WIDTH]
    past_edge = page.evaluate(f"""() => [...document.querySelectorAll('body *')].filter(e => {{
        const box = e.getBoundingClientRect(); return box.width > 0 && box.right > {WIDTH} + 0.5 }})
        .map(e => e.getAttribute('data-testid') || e.tagName)""")
    assert past_edge == []
    box = main_button.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    lines = page.evaluate("""() => [...document.querySelectorAll('h1')].map(h => {
        const text = document.createRange(); text.selectNodeContents(h);  // one box per line of text
        return new Set([...text.getClientRects()].map(box => Math.round(box.bottom))).size })""")
    assert lines and max(lines) <= 2, lines


def cell_label(cell: Locator) -> str:
    """The label a phone draws above a table cell (CSS generated text), "" when there is none."""
    content = cell.evaluate("e => getComputedStyle(e, '::before').content")
    return "" if content in ("none", "normal") else re.sub(r'^"|"$', "", content)


def same_line(first: Locator, second: Locator) -> bool:
    return abs(first.bounding_box()["y"] - second.bounding_box()["y"]) < 4


def test_every_public_page_fits_a_phone(phone, app_server):
    page, (base, db_url) = phone, app_server
    page.goto(base)
    settle(page)
    fits(page, page.get_by_role("link", name=t("ui.public.home.open")).first)
    forms = (("holder_change_online", "ui.holder_online.submit"), ("new_contract_online", "ui.contract.submit"),
             ("e_invoice", "ui.lookup.submit"), ("invoice_copy", "ui.lookup.submit"))
    for path, button in forms:
        page.goto(f"{base}/{path}")
        settle(page)
        fits(page, page.get_by_role("button", name=t(button)))

    payment_code, cnp, newest = recently_billed(db_url)
    look_up(page, base, "e_invoice", payment_code, cnp)
    fits(page, page.get_by_role("button", name=t("ui.e_invoice.send_code")).first)
    look_up(page, base, "invoice_copy", payment_code, cnp)
    row = page.locator(f'[class*="st-key-phone_table_row_invoice_copy_{newest}"]')
    expect(row).to_be_visible()
    fits(page, row.get_by_role("button", name=t("ui.invoice_copy.pdf")))
    cells = row.locator(COLUMN)
    assert [cell_label(cells.nth(i)) for i in range(6)] == [
        t(f"ui.invoice_copy.{key}") for key in ("invoice", "issue_date", "due_date", "kwh", "total", "status")]
    assert same_line(cells.nth(0), cells.nth(1))  # two values a line, not one under the other
    kwh_labels = page.get_by_text(t("ui.invoice_copy.kwh"), exact=True).filter(visible=True)
    expect(kwh_labels).to_have_count(1)  # the latest invoice's; the table's header row is hidden
    latest = page.locator('[class*="st-key-phone_pairs_latest"]').locator(COLUMN)
    assert same_line(latest.nth(0), latest.nth(1))

    _, code, due = owing_contracts(db_url)[0]
    page.goto(f"{base}/pay")
    settle(page)
    fits(page, page.get_by_role("button", name=t("ui.pay.lookup")))
    page.get_by_label(t("ui.pay.payment_code"), exact=True).fill(code)
    page.get_by_label(t("ui.pay.email"), exact=True).fill("client.telefon@example.com")
    page.get_by_role("button", name=t("ui.pay.lookup")).click()
    settle(page)
    pay = page.get_by_role("button", name=re.compile(re.escape(t("ui.pay.pay", amount="§")).replace("§", ".+")))
    fits(page, pay)
    pay.click()
    page.wait_for_url(re.compile(r"/api/sandbox/checkout/"))
    fits(page, page.get_by_role("button", name=t("sandbox.confirm")))
    assert page.get_by_label(t("sandbox.card_number")).bounding_box()["width"] >= 0.8 * WIDTH

    page.goto(base + emailed_link(db_url, "ro", "RO005E590000390"))
    settle(page)
    fits(page, page.get_by_test_id("stFileUploaderDropzone").first.get_by_test_id("stBaseButton-secondary"))
    state = page.locator('[class*="st-key-phone_inline"]').locator(COLUMN)
    assert same_line(state.nth(0), state.nth(1))  # "Stadiul cererii" beside its badge
