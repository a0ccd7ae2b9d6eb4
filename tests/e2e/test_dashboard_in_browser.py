"""A supervisor reads the dashboard of the seeded demo data in a real browser and clicks through from
the overdue figure to the work queue, which opens with the "overdue only" filter on and the same count."""

from playwright.sync_api import expect

from core import dashboard
from core.auth import Actor
from core.db import UnitOfWork, get_engine
from core.i18n import t
from core.models import Role
from core.queries import today
from tests.e2e.steps import click, sign_in


def overdue_total(db_url: str) -> int:
    """Overdue is a figure of now: the period does not change it."""
    return dashboard.overdue_cases(uow=UnitOfWork(get_engine(db_url)), actor=Actor("supervisor", Role.SUPERVISOR),
                                   filters=dashboard.DashboardFilter(today(), today())).total


def test_a_supervisor_reads_the_dashboard_and_opens_the_overdue_cases_in_the_queue(page, app_server):
    base, db_url = app_server
    sign_in(page, base, "supervisor", "supervisor-demo", "dashboard")
    expect(page.get_by_role("heading", name=t("ui.dashboard.title"))).to_be_visible()
    expect(page.get_by_text(t("ui.dashboard.as_of", time="", seconds=60)[:8]).first).to_be_visible()

    total = overdue_total(db_url)
    tile = page.get_by_test_id("stMetric").filter(has_text=t("ui.dashboard.overdue"))
    expect(tile.get_by_test_id("stMetricValue")).to_have_text(str(total))

    click(page, t("ui.dashboard.see_in_queue"))  # the first one sits under the overdue tile
    expect(page.get_by_role("heading", name=t("ui.queue.title"))).to_be_visible()
    toggle = page.get_by_test_id("stCheckbox").filter(has_text=t("ui.queue.overdue_only"))
    expect(toggle.locator("input")).to_be_checked()
    if total:
        count = t("ui.queue.count", total=total, page=1, pages=-(-total // 25))
        expect(page.get_by_text(count)).to_be_visible()
    else:
        expect(page.get_by_text(t("ui.queue.empty_title"))).to_be_visible()
