"""A clerk takes a seeded case from `submitted` to `documents_verified` in a real browser, and a
supervisor issues the contract; every label is looked up in the catalog the user reads."""

import re

from playwright.sync_api import expect
from sqlmodel import select

from core.models import Case, CaseDocument, Contract, DocumentStatus
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from seed_data.sample_documents import sample_pdf
from tests.e2e.steps import click, settle, sign_in, upload


def awaiting_case(db_url: str) -> tuple[int, str, list[str]]:
    """A seeded case still waiting for some documents, none rejected: (id, number, missing types)."""
    with UnitOfWork(get_engine(db_url)) as uow:
        for case in uow.session.exec(select(Case).where(Case.state == "submitted", Case.assignee_id.is_(None))
                                     .order_by(Case.id)):
            docs = list(uow.session.exec(select(CaseDocument).where(CaseDocument.case_id == case.id)))
            if case.data["applicant_kind"] == "person" and docs and all(d.status == "pending" for d in docs):
                present = {d.doc_type for d in docs}
                required = ["id_card", "right_of_use", "contract_request", "supply_offer", "meter_reading"]
                if missing := [d for d in required if d not in present]:  # an earlier test may have sent the rest
                    return case.id, case.registration_number, missing
    raise AssertionError("the seed has no submitted case with some documents uploaded and some missing")


def test_a_clerk_verifies_a_seeded_case_and_a_supervisor_issues_the_contract(page, app_server, tmp_path):
    base, db_url = app_server
    case_id, number, missing = awaiting_case(db_url)
    assert missing

    sign_in(page, base, "clerk", "clerk-demo", f"case_detail?case={case_id}")
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    expect(page.get_by_text(t("state.submitted")).first).to_be_visible()

    for doc_type in missing:  # the customer brought the rest to the counter
        scan = tmp_path / f"{doc_type}.pdf"
        scan.write_bytes(sample_pdf(doc_type, ["Adus la ghiseu"]))
        upload(page, t("document." + doc_type), [scan])
        click(page, t("ui.case.upload_submit"))
        expect(page.get_by_text(t("ui.doc_received." + doc_type))).to_be_visible()
    expect(page.get_by_text(t("state.documents_received")).first).to_be_visible()

    approvals = page.get_by_role("button", name=t("ui.case.approve"), exact=True)
    expect(approvals).to_have_count(5)
    for remaining in range(4, -1, -1):  # each approval redraws the page with one button fewer
        approvals.first.click()
        expect(approvals).to_have_count(remaining, timeout=30_000)
        settle(page)

    click(page, t("trigger.verify_documents"))
    expect(page.get_by_text(t("ui.case.action_done", action=t("trigger.verify_documents")))).to_be_visible()
    expect(page.get_by_text(t("state.documents_verified")).first).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, base, "supervisor", "supervisor-demo", f"case_detail?case={case_id}")
    click(page, t("trigger.issue_contract"))
    expect(page.get_by_text(t("state.contract_issued")).first).to_be_visible()

    with UnitOfWork(get_engine(db_url)) as uow:
        case = uow.session.get(Case, case_id)
        new = uow.session.get(Contract, case.new_contract_id)
        approved = uow.session.exec(select(CaseDocument).where(
            CaseDocument.case_id == case_id, CaseDocument.is_current,
            CaseDocument.status == DocumentStatus.APPROVED)).all()
    assert (case.state, case.verified_by, len(approved)) == ("contract_issued", "clerk", 5)
    assert re.fullmatch(r"CF-\d{4}-\d{7}", new.number)
