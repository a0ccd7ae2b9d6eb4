"""An analyst downloads a report in a real browser: the workbook opens in openpyxl with its summary sheet
first and the cases sheet's Romanian header row, and names in it are initials."""

import re

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from core.platform.i18n import t
from tests.e2e.steps import settle, sign_in

pytestmark = pytest.mark.browser


def test_an_analyst_downloads_the_cases_report_and_it_opens_in_openpyxl(page: Page, app_server, tmp_path):
    sign_in(page, app_server[0], "analyst", "analyst-demo", "reports")
    expect(page.get_by_role("heading", name=t("ui.reports.title"))).to_be_visible()
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=t("ui.reports.download")).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert re.fullmatch(r"raport-cases-\d{8}-\d{8}\.xlsx", saved.name)
    book = openpyxl.load_workbook(saved)
    assert book.sheetnames == [t("reports.sheet.summary"), t("reports.sheet.cases")]
    header = [cell.value for cell in book.worksheets[1][1]]
    assert header[:6] == [t(f"reports.col.{key}") for key in (
        "registration_number", "case_type", "state", "applicant", "phone", "registered_at")]
    applicants = [row[3] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True) if row[3]]
    assert all(re.fullmatch(r"(\S\.\s?)+", name) for name in applicants)
