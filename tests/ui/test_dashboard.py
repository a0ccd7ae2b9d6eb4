"""The dashboard page: a supervisor reads the figures and when they were read, and each "Vezi în coadă"
opens the work queue already filtered to the cases the figure counts."""

from datetime import UTC, datetime, timedelta

import pytest

from core.models import clock_at
from tests.factories import make_account, register_case
from tests.ui.conftest import numbers, table, texts

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
    assert numbers(table(at)) == [late.registration_number]


def test_a_state_chip_opens_the_queue_on_as_many_cases_as_it_counts(uow, open_app):
    late_and_fresh(uow)
    at = open_app("supervisor", DASHBOARD)
    chip = at.pills(key="dashboard_go_state")
    assert list(chip.options) == ["Schimbare titular · Depusă, așteaptă documente: 2"]
    chip.set_value(0).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Coada de lucru"
    assert (at.selectbox(key="queue_type").value, at.selectbox(key="queue_state").value) == (
        "holder_change", "submitted")
    assert len(table(at)) == 2
    assert (at.query_params["type"], at.query_params["state"]) == ("holder_change", "submitted")


def test_an_age_chip_opens_the_queue_with_that_age_shown_as_a_chip_and_in_the_address(uow, open_app):
    late, _ = late_and_fresh(uow)
    at = open_app("supervisor", DASHBOARD)
    chips = at.pills(key="dashboard_go_age")
    assert list(chips.options) == ["0-2 zile: 1", "21+ zile: 1"]
    chips.set_value(1).run()
    assert numbers(table(at)) == [late.registration_number]
    assert at.query_params["age"] == "21-"
    assert at.button(key="queue_clear_age").label == "Vechime de cel puțin 21 zile lucrătoare"
    at.switch_page("pages/queue.py").run()  # AppTest's own page stays the dashboard until told otherwise
    at.button(key="queue_clear_age").click().run()
    assert len(table(at)) == 2 and "age" not in at.query_params


def test_the_intake_tile_opens_the_queue_with_closed_cases_included(uow, open_app):
    late_and_fresh(uow)
    at = open_app("supervisor", DASHBOARD)
    assert metric(at, "Intrate") == "1"  # the late one was registered before the period
    at.button(key="dashboard_go_intake").click().run()
    assert at.toggle(key="queue_closed").value is True
    assert len(table(at)) == 1
    assert at.toggle(key="queue_overdue").value is False  # nothing left behind by an earlier visit


def test_a_person_chip_opens_the_queue_on_their_cases(uow, open_app):
    late_and_fresh(uow)
    at = open_app("supervisor", DASHBOARD)
    at.pills(key="dashboard_go_assignee").set_value(0).run()
    assert at.selectbox(key="queue_assignee").value == "__none__"
    assert len(table(at)) == 2


def test_an_analyst_reads_the_dashboard_with_applicant_names_masked(uow, open_app):
    late_and_fresh(uow)
    at = open_app("analyst", DASHBOARD)
    assert list(overdue_list(at)["Solicitant"]) == ["I. M."]


def test_a_clerk_has_no_dashboard(open_app):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app("clerk").switch_page(DASHBOARD)
