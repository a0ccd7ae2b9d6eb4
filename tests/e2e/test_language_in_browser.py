"""The language a visitor reads, in a real browser: the upload link e-mailed to an applicant opens in
the applicant's language, Streamlit's own uploader texts follow it, and a language chosen in the sidebar
survives a reload (it travels in the address as ?lang=)."""

import re

from playwright.sync_api import Page, expect
from sqlmodel import select

from core.models import OutboxMessage
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from core.services import intake
from core.staff.auth import customer_actor
from tests.app_processes import serve
from tests.e2e.steps import settle
from tests.factories import holder_change_form, make_account

LINK = re.compile(r"http://\S+(/upload\?token=\S+)")


def emailed_link(db_url: str, language: str, pod: str, **account) -> str:
    """Registers an online holder change by an applicant reading `language`; the path of the link its
    e-mail carries (this process's settings name another host than the server under test)."""
    engine = get_engine(db_url)
    def uow(): return UnitOfWork(engine)
    contract = make_account(uow, pod=pod, **account)
    case = intake.register_holder_change(uow=uow(), actor=customer_actor(), form=holder_change_form(
        contract, pod=pod), uploads=[], channel="online", language=language)
    with uow() as u:
        body = u.session.exec(select(OutboxMessage.body).where(OutboxMessage.case_id == case.id)).one()
    return LINK.search(body).group(1)


def drawn(page: Page, selector: str) -> str:
    """What the reader sees in an element: its own text if it shows, else the text our stylesheet draws."""
    return page.locator(selector).first.evaluate(
        """e => getComputedStyle(e).fontSize === '0px'
              ? JSON.parse(getComputedStyle(e, '::after').content) : e.innerText""")


UPLOAD = '[data-testid="stFileUploaderDropzone"] button p'
LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] span'


def test_upload_links_open_in_the_applicants_language_with_the_uploader_in_it_and_a_reload_keeps_it(
        browser, tmp_path):
    with serve(tmp_path, SEED_ON_FIRST_START="false") as base:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ro-RO")
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(base)
        settle(page)  # the first page load creates the schema
        db_url = f"sqlite:///{tmp_path / 'ghiseu.db'}"
        romanian = emailed_link(db_url, "ro", "RO005E512345678")
        english = emailed_link(db_url, "en", "RO005E512345679", national_id="1800101221152")

        page.goto(base + romanian)
        settle(page)
        assert drawn(page, UPLOAD) == "Încarcă"
        assert drawn(page, LIMIT) == "Cel mult 10 MB pe fișier • PDF, JPG, PNG"

        page.goto(base + english)
        settle(page)
        expect(page.get_by_role("heading", name=t("ui.upload.title", lang="en"))).to_be_visible()
        assert (drawn(page, UPLOAD), drawn(page, LIMIT)) == ("Upload", "Up to 10 MB per file • PDF, JPG, PNG")

        page.goto(base + romanian)
        settle(page)
        page.get_by_test_id("stSidebar").get_by_text("EN", exact=True).click()
        settle(page)
        expect(page).to_have_url(re.compile(r"[?&]lang=en"))
        page.reload()
        settle(page)
        expect(page.get_by_role("heading", name=t("ui.upload.title", lang="en"))).to_be_visible()
        page.screenshot(path=str(tmp_path / "upload_en.png"))
        context.close()
