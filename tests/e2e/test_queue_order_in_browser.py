"""A clerk sorts the work queue by applicant in a real browser: the database orders every case (closed
ones included, so there are two pages) and page 2 starts where page 1 ended."""

import re

from playwright.sync_api import expect

from core.cases.queries import QueueFilter, QueueSort, SortKey, list_queue
from core.models import Role
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from core.staff.auth import Actor
from tests.e2e.steps import choose, settle, sign_in

CLERK = Actor("clerk", Role.CLERK)


def test_sorting_by_applicant_orders_every_case_across_pages(page, app_server):
    base, db_url = app_server
    pages = [list_queue(uow=UnitOfWork(get_engine(db_url)), actor=CLERK, filters=QueueFilter(open_only=False),
                        sort=QueueSort(SortKey.APPLICANT), page=number).rows for number in (1, 2)]
    assert pages[1], "the seeded demo data fills two pages once closed cases are included"
    assert pages[0][-1].applicant_name <= pages[1][0].applicant_name
    sign_in(page, base, "clerk", "clerk-demo", "queue?all=1")
    choose(page, t("ui.queue_sort.label"), t("ui.queue_sort.applicant"))
    assert "sort=applicant" in page.url
    cells = page.get_by_test_id(re.compile("glide-cell"))
    expect(cells.filter(has_text=pages[0][0].registration_number).first).to_be_attached()
    page.screenshot(path="/tmp/queue-sorted.png", full_page=True)
    page.get_by_test_id("stPaginationNext").click()
    settle(page)
    expect(cells.filter(has_text=pages[1][0].registration_number).first).to_be_attached()
    expect(cells.filter(has_text=pages[0][0].registration_number)).to_have_count(0)
