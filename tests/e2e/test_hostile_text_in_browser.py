"""In a real browser, the case page of a case whose every user-typed field holds an attacker's markdown
loads nothing from another host (an image would leak the clerk's address) and shows no link to one."""

from urllib.parse import urlparse

from playwright.sync_api import expect
from sqlmodel import select

from core.models import Case, CaseComment
from core.platform.db import UnitOfWork, get_engine
from tests.e2e.steps import settle, sign_in
from tests.ui.markup_scan import EVIL, poison_case


def poisoned_case(db_url: str) -> tuple[int, str]:
    """The last seeded case that has a comment and a rejected document or reason (no other browser test
    picks it), with its user-typed values replaced by hostile ones."""
    with UnitOfWork(get_engine(db_url)) as uow:
        s = uow.session
        commented = select(CaseComment.case_id)
        case = s.exec(select(Case).where(Case.id.in_(commented)).order_by(Case.id.desc())).first() or s.exec(
            select(Case).order_by(Case.id.desc())).first()
        poison_case(s, case.id)
        uow.commit()
        return case.id, case.registration_number


def test_a_hostile_case_page_loads_nothing_from_another_host_and_links_nowhere_else(page, app_server):
    base, db_url = app_server
    case_id, number = poisoned_case(db_url)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    sign_in(page, base, "clerk", "clerk-demo", f"case_detail?case={case_id}")
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    for tab in page.get_by_role("tab").all():  # every tab, and in it every panel: documents, timeline
        tab.click()
        settle(page)
        for expander in page.get_by_test_id("stExpander").all():
            summary = expander.locator("summary")
            if summary.is_visible() and expander.locator("details:not([open])").count():
                summary.click()
        settle(page)
    page.get_by_role("tab").first.click()
    settle(page)

    ours = urlparse(base).netloc
    assert [url for url in requested if urlparse(url).netloc not in (ours, "")] == []
    assert page.locator(f"img[src*='{EVIL}'], a[href*='{EVIL}'], a[href^='mailto:']").count() == 0
    foreign = [href for href in page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
               if urlparse(href).netloc not in (ours, "")]
    assert foreign == []
    expect(page.get_by_text("**bold**").first).to_be_visible()  # the hostile text is there, as typed
