"""The robot check in a real browser: after a failed lookup (the limit is 1 on this server) the invoice copy
page says it is checking that the visitor is not a robot, the browser solves the proof-of-work challenge by
itself, and the visitor's lookup then goes through without a second click."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from core.models import LookupAttempt
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from tests.app_processes import READY, serve, wait_until_seeded
from tests.e2e.test_invoice_copy_in_browser import look_up, recently_billed

DIFFICULTY = 400_000  # a check of a second or so, long enough to be seen


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory, browser):
    """A server of its own: every browser here comes from 127.0.0.1, so they all share one address count."""
    data = tmp_path_factory.mktemp("robot-check")
    with serve(data, SEED_ACCOUNTS="12", SEED_CASES="4", LOOKUP_CHALLENGE_AFTER="1",
               LOOKUP_CHALLENGE_DIFFICULTY=str(DIFFICULTY), LOOKUP_CHALLENGE_MAX_DIFFICULTY=str(DIFFICULTY)) as base:
        wait_until_seeded(browser, base)  # the first start seeds in the background
        yield base, f"sqlite:///{data / 'ghiseu.db'}"


def test_after_a_miss_the_browser_passes_the_robot_check_and_the_lookup_goes_through(browser, strict_server):
    base, db_url = strict_server
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ro-RO")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(base)
    page.wait_for_selector(READY, timeout=180_000)  # the first visit seeds the demo data
    payment_code, cnp, newest = recently_billed(db_url)
    look_up(page, base, "invoice_copy", payment_code, "1800101221152")
    expect(page.get_by_text(t("online.not_found"))).to_be_visible()

    page.evaluate("""() => {  // remembers whether the check was ever on screen, however briefly
        window.sawCheck = false;
        new MutationObserver(() => { window.sawCheck ||= document.body.innerText.includes("Verificăm"); })
            .observe(document.body, { subtree: true, childList: true, characterData: true });
    }""")
    look_up_again(page, payment_code, cnp)
    expect(page.get_by_role("heading", name=t("ui.invoice_copy.latest"))).to_be_visible()
    expect(page.get_by_text(newest).first).to_be_visible()
    assert page.evaluate("window.sawCheck")
    with UnitOfWork(get_engine(db_url)) as uow:
        outcomes = uow.session.exec(select(LookupAttempt.outcome).where(LookupAttempt.payment_code == payment_code)
                                    .order_by(LookupAttempt.id)).all()
    assert outcomes == ["mismatch", "challenge", "found"]
    context.close()


def look_up_again(page, payment_code: str, national_id: str) -> None:
    """The same form, typed again in the same session (a new page load would be a new session)."""
    page.get_by_label(t("ui.lookup.payment_code"), exact=True).fill(payment_code)
    page.get_by_label(t("ui.lookup.national_id"), exact=True).fill(national_id)
    page.get_by_role("button", name=t("ui.lookup.submit"), exact=True).click()


@pytest.mark.browser
def test_while_the_check_runs_the_button_is_disabled_and_a_romanian_countdown_shows(browser, strict_server):
    """Every browser here shares the address that already failed, so this lookup is checked at once."""
    base, db_url = strict_server
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ro-RO")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{base}/invoice_copy")
    page.wait_for_selector(READY, timeout=180_000)
    payment_code, cnp, newest = recently_billed(db_url)
    page.evaluate("""() => {  // whether the countdown was ever on screen while the button was disabled
        window.sawWaiting = false;
        new MutationObserver(() => {
            const text = document.body.innerText;
            const button = [...document.querySelectorAll("button")].find((b) => b.innerText.includes("Caută"));
            window.sawWaiting ||= /mai durează cel mult \\d+ (de )?secund|aproape gata/.test(text)
                && !!button && button.disabled;
        }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    }""")
    look_up_again(page, payment_code, cnp)
    expect(page.get_by_role("heading", name=t("ui.invoice_copy.latest"))).to_be_visible()
    expect(page.get_by_text(newest).first).to_be_visible()
    assert page.evaluate("window.sawWaiting")
    context.close()
