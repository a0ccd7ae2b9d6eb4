"""The reports page: analysts, supervisors and admins choose a report and a period, see the first rows
(masked for the analyst) and download the workbook; clerks do not have the page."""

import pytest

from tests.factories import make_account, register_case
from tests.ui.conftest import texts

PAGE = "pages/reports.py"


def test_an_analyst_sees_the_reports_page_with_masked_rows_and_the_download_button(uow, open_app):
    register_case(uow, make_account(uow))  # the applicant: Ionescu Maria, registered today
    at = open_app("analyst", PAGE)
    assert at.title[0].value == "Rapoarte"
    frame = at.dataframe[0].value
    assert "I. M." in frame.to_numpy().tolist()[0] and "Ionescu Maria" not in frame.to_numpy().tolist()[0]
    assert at.download_button(key="reports_download").label == "Descarcă raportul Excel"
    assert "butonul arată un cerc" in texts(at, "caption")  # the wait is told before the click, in words


def test_the_case_type_filter_is_offered_only_for_reports_about_cases(uow, open_app):
    at = open_app("supervisor", PAGE)
    assert at.selectbox(key="reports_case_type")
    at.selectbox(key="reports_name").set_value("aging").run()
    assert not at.exception and not [s for s in at.selectbox if s.key == "reports_case_type"]
    assert "Niciun rând" in texts(at, "caption")


def test_a_clerk_has_no_reports_page(uow, open_app):
    at = open_app("clerk")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)
