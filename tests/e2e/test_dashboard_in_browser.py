"""A supervisor reads the dashboard of the seeded demo data in a real browser and clicks through from
the overdue figure, and from an age bucket, to the work queue, which opens filtered and with the same count."""

from playwright.sync_api import expect

from core.cases import dashboard
from core.cases.queries import today
from core.models import Role
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t, t_plural
from core.staff.auth import Actor
from tests.e2e.steps import settle, sign_in

SUPERVISOR = Actor("supervisor", Role.SUPERVISOR)


def overdue_total(db_url: str) -> int:
    """Overdue is a figure of now: the period does not change it."""
    return dashboard.overdue_cases(uow=UnitOfWork(get_engine(db_url)), actor=SUPERVISOR,
                                   filters=dashboard.DashboardFilter(today(), today())).total


def queue_count(total: int) -> str:
    return t_plural("ui.queue.count", total, page=1, pages=-(-total // 25))


def test_a_supervisor_reads_the_dashboard_and_opens_the_overdue_cases_in_the_queue(page, app_server):
    base, db_url = app_server
    sign_in(page, base, "supervisor", "supervisor-demo", "dashboard")
    expect(page.get_by_role("heading", name=t("ui.dashboard.title"))).to_be_visible()
    expect(page.get_by_text(t("ui.dashboard.as_of", time="", seconds=60)[:8]).first).to_be_visible()

    total = overdue_total(db_url)
    tile = page.get_by_test_id("stMetric").filter(has_text=t("ui.dashboard.overdue"))
    expect(tile.get_by_test_id("stMetricValue")).to_have_text(str(total))

    page.locator(".st-key-dashboard_go_overdue").get_by_role("button").click()  # the one under the tile
    settle(page)
    expect(page.get_by_role("heading", name=t("ui.queue.title"))).to_be_visible()
    toggle = page.get_by_test_id("stCheckbox").filter(has_text=t("ui.queue.overdue_only"))
    expect(toggle.locator("input")).to_be_checked()
    if total:
        expect(page.get_by_text(queue_count(total))).to_be_visible()
    else:
        expect(page.get_by_text(t("ui.queue.empty_title"))).to_be_visible()


def test_an_age_bucket_opens_the_queue_on_as_many_cases_as_the_bucket_counts(page, app_server):
    base, db_url = app_server
    ages = dashboard.open_cases_by_age(uow=UnitOfWork(get_engine(db_url)), actor=SUPERVISOR,
                                       filters=dashboard.DashboardFilter(today(), today()))
    oldest = [a for a in ages if a.count][-1]  # the seed always leaves open cases
    sign_in(page, base, "supervisor", "supervisor-demo", "dashboard")
    chip = t("ui.dashboard_go.age", age=oldest.label, count=oldest.count)
    page.get_by_test_id("stButtonGroup").get_by_text(chip, exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name=t("ui.queue.title"))).to_be_visible()
    expect(page.get_by_text(queue_count(oldest.count))).to_be_visible()
    expect(page.get_by_role("button", name=t("ui.queue_filters.clear_all"))).to_be_visible()
    assert "age=" in page.url  # the address carries the filter, so the link can be shared
