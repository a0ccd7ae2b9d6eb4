"""The dashboard page: a supervisor reads the figures and when they were read, and each "Vezi în coadă"
opens the work queue already filtered to the cases the figure counts."""

from datetime import UTC, datetime, timedelta

import pytest

from core.models import clock_at
from tests.factories import make_account, register_case
from tests.ui.conftest import table, texts

DASHBOARD = "pages/dashboard.py"


def late_and_fresh(uow):
    """One case registered two months ago (its documents are long overdue) and one registered now."""
    with clock_at(datetime.now(UTC) - timedelta(days=60)):
        late = register_case(uow, make_account(uow), documents=())
    fresh = register_case(uow, make_account(uow, pod="RO005E512345679", national_id="1800101221152"),
                          documents=(), pod="RO005E512345679", last_name="Vasilescu", first_name="Dan")
    return late, fresh


def overdue_list(at):
    """The first list of cases on the page (past deadline comes before due soon)."""
    return next(frame.value for frame in at.dataframe if "Număr" in frame.value.columns)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_supervisor_sees_the_figures_and_when_they_were_read(uow, open_app):
    late, _ = late_and_fresh(uow)
    at = open_app("supervisor", DASHBOARD)
    assert at.title[0].value == "Panou"
    assert (metric(at, "Cazuri deschise"), metric(at, "Depășite")) == ("2", "1")
    assert "Date la " in texts(at, "caption")
    rows = overdue_list(at)
    assert list(rows["Număr"]) == [late.registration_number]
    assert list(rows["Solicitant"]) == ["Ionescu Maria"]


def test_see_in_queue_next_to_overdue_opens_the_queue_with_only_overdue_cases(uow, open_app):
    late, _ = late_and_fresh(uow)
    at = open_app("supervisor", DASHBOARD)
    at.button(key="dashboard_go_overdue").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Coada de lucru"
    assert at.toggle(key="queue_overdue").value is True
    assert list(table(at)["number"]) == [late.registration_number]


def test_see_in_queue_for_a_state_and_for_an_assignee_sets_those_filters(uow, open_app):
    late_and_fresh(uow)
    at = open_app("supervisor", DASHBOARD)
    at.selectbox(key="dashboard_state").set_value("holder_change:submitted").run()
    at.button(key="dashboard_go_state").click().run()
    assert (at.selectbox(key="queue_type").value, at.selectbox(key="queue_state").value) == (
        "holder_change", "submitted")
    assert len(table(at)) == 2

    at.switch_page(DASHBOARD).run()
    at.selectbox(key="dashboard_assignee").set_value(None).run()
    at.button(key="dashboard_go_assignee").click().run()
    assert at.selectbox(key="queue_assignee").value == "__none__"
    assert at.toggle(key="queue_overdue").value is False  # the earlier click-through left nothing behind


def test_an_analyst_reads_the_dashboard_with_applicant_names_masked(uow, open_app):
    late_and_fresh(uow)
    at = open_app("analyst", DASHBOARD)
    assert list(overdue_list(at)["Solicitant"]) == ["I. M."]


def test_a_clerk_has_no_dashboard(open_app):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app("clerk").switch_page(DASHBOARD)
