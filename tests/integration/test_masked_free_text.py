"""Personal data typed into free text (a reason, a message, a delivery error) stays hidden from the roles
that do not see personal data: the analyst's case timeline and audit report, the admin's outbox."""

import io
from datetime import timedelta

import openpyxl
from sqlmodel import select

from core.cases.queries import case_view, list_outbox, today
from core.models import OutboxMessage
from core.reports import Filters, Period, run_report
from tests.factories import (
    ADMIN,
    ANALYST,
    CLERK,
    NEW_HOLDER_CNP,
    SUPERVISOR,
    fire,
    make_account,
    register_case,
    review_all,
)

# the new holder (Ionescu Maria) quoted by a clerk, with her CNP and a landline
REASON = f"Dna Ionescu Maria (CNP {NEW_HOLDER_CNP}, tel. 0264 595 123) renunță; factura 20250000123"
HIDDEN = (NEW_HOLDER_CNP, "595 123", "Ionescu")


def _rejected_case(uow):
    case = register_case(uow, make_account(uow))
    fire(uow, case.id, "reject", CLERK, reason=REASON)
    return case


def _reasons(view) -> str:
    return " ".join(e.text or "" for e in view.timeline)


def test_a_cnp_phone_and_name_in_a_reason_are_masked_in_the_analysts_timeline_and_kept_for_the_clerk(uow):
    case = _rejected_case(uow)
    analyst = _reasons(case_view(uow=uow(), case_id=case.id, actor=ANALYST))
    assert not [part for part in HIDDEN if part in analyst]
    assert "2*********014" in analyst and "20250000123" in analyst  # masked CNP; the invoice id is no CNP
    assert REASON in _reasons(case_view(uow=uow(), case_id=case.id, actor=CLERK))


def test_a_rejected_documents_reason_is_masked_for_the_analyst(uow):
    case = register_case(uow, make_account(uow))
    review_all(uow, case.id, approve=False, reason=REASON)
    analyst = " ".join(d.review_reason or "" for d in case_view(uow=uow(), case_id=case.id, actor=ANALYST).documents)
    assert "2*********014" in analyst and not [part for part in HIDDEN if part in analyst]


def _audit_reasons(uow, actor) -> str:
    out = io.BytesIO()
    period = Period(today() - timedelta(days=1), today() + timedelta(days=1))
    run_report(uow=uow(), actor=actor, name="audit", period=period, filters=Filters(), out=out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[1]
    header, *rows = list(sheet.iter_rows(values_only=True))
    return " ".join(str(row[header.index("Motiv / observații")] or "") for row in rows)


def test_the_analysts_audit_report_masks_a_cnp_typed_into_a_reason_and_the_supervisors_keeps_it(uow):
    _rejected_case(uow)
    analyst = _audit_reasons(uow, ANALYST)
    assert "2*********014" in analyst and not [part for part in HIDDEN if part in analyst]
    assert REASON in _audit_reasons(uow, SUPERVISOR)


def test_the_admins_outbox_masks_a_cnp_and_a_landline_in_subject_body_and_last_error(uow):
    register_case(uow, make_account(uow), documents=())
    with uow() as u:
        message = u.session.exec(select(OutboxMessage)).one()
        message.subject += f" {NEW_HOLDER_CNP}"
        message.body += f"\nCNP: {NEW_HOLDER_CNP}, telefon fix 021 312 34 56"
        message.last_error = f"550 rejected: {NEW_HOLDER_CNP} / +40 21 312 3456"
        u.session.add(message)
        u.commit()
    [row] = list_outbox(uow=uow(), actor=ADMIN).rows
    shown = f"{row.subject} {row.body} {row.last_error}"
    assert NEW_HOLDER_CNP not in shown and "312 34 56" not in shown and "312 3456" not in shown
    assert shown.count("2*********014") == 3
