"""Stored user text is shown as typed on every page that shows it: an attacker's markdown in a name,
address, e-mail, reason, comment, dispute description, file name, outbox message or staff name draws
no link, image, emphasis, colour, icon or formula (tests/ui/markup_scan.py looks at every element)."""

from datetime import date

import pytest
from sqlmodel import select, update

from core.models import (
    AuditEvent,
    Case,
    CaseComment,
    CaseDocument,
    ConsumptionPlace,
    Contract,
    Customer,
    OutboxMessage,
    User,
)
from core.online import access
from core.online.links import issue_upload_link
from core.services import cases, documents
from core.services.disputes import open_dispute
from tests.factories import CLERK, current_version, fire, invoice_for, make_account, register_case
from tests.ui.markup_scan import HOSTILE, markup_from_user_text, shows_hostile_text

CASE, QUEUE, OUTBOX = "pages/case_detail.py", "pages/queue.py", "pages/outbox.py"
LEDGER, INVOICE, DASHBOARD, UPLOAD = "pages/ledger.py", "pages/invoice.py", "pages/dashboard.py", "pages/upload.py"
SHORT = "[click](https://evil.example)"  # for the columns that hold a username (64 characters)


@pytest.fixture(autouse=True)
def _visitor(monkeypatch):
    """AppTest's session client has no real address (st.context.ip_address is a mock there)."""
    monkeypatch.setattr("ui.public.visitor", lambda: access.client("203.0.113.9", "hostile-text-session"))


def _poison(uow, case_id: int) -> None:
    """Every user-typed value the case shows, as an attacker would type it (written to the rows directly:
    what counts here is what the pages do with whatever is stored)."""
    with uow() as u:
        s = u.session
        case = s.get(Case, case_id)
        case.applicant_name = HOSTILE
        case.data = {**case.data, "applicant_name": HOSTILE, "email": f"{HOSTILE}@evil.example",
                     "correspondence_address": f"{HOSTILE}, {HOSTILE}", "description": HOSTILE}
        contract = s.get(Contract, case.old_contract_id or case.new_contract_id) if (
            case.old_contract_id or case.new_contract_id) else None
        customers = [s.get(Customer, contract.customer_id)] if contract else []
        if case.invoice_id:
            customers.append(s.get(Customer, s.exec(select(Contract).join(
                Case, Case.invoice_id == case.invoice_id)).first().customer_id))
        for customer in customers:
            customer.name, customer.email, customer.correspondence_address = HOSTILE, HOSTILE, HOSTILE
        for place in s.exec(select(ConsumptionPlace)):
            place.address = HOSTILE
        for doc in s.exec(select(CaseDocument).where(CaseDocument.case_id == case_id)):
            doc.file_name, doc.uploaded_by = f"{HOSTILE}.pdf", SHORT
            doc.review_reason = HOSTILE if doc.review_reason else None
        # audit rows are append-only for the ORM; a plain UPDATE stands for whatever an older version stored
        s.execute(update(AuditEvent).where(AuditEvent.case_id == case_id).values(reason=HOSTILE, actor=SHORT))
        s.execute(update(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.trigger == "assign")
                  .values(details={"assignee": SHORT}))
        for comment in s.exec(select(CaseComment).where(CaseComment.case_id == case_id)):
            comment.body = HOSTILE
        for message in s.exec(select(OutboxMessage)):
            message.subject, message.body, message.last_error = HOSTILE, HOSTILE, HOSTILE
        for user in s.exec(select(User)):
            user.display_name = HOSTILE
        s.add_all([case, *customers])
        u.commit()


@pytest.fixture
def holder_change(uow, staff):
    """A holder change with one document rejected, one missing, a comment, an assignee and outbox mail."""
    case = register_case(uow, make_account(uow), documents=("id_card", "right_of_use", "contract_request",
                                                            "supply_offer"))
    with uow() as u:
        rejected = u.session.exec(select(CaseDocument).where(CaseDocument.case_id == case.id)).first().id
    documents.review_document(uow=uow(), document_id=rejected, approve=False, actor=CLERK,
                              expected_version=current_version(uow, case.id), reason="Copie neclară")
    cases.add_comment(uow=uow(), case_id=case.id, body="Notă", actor=CLERK)
    cases.claim_case(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                     actor=staff("clerk"))  # with the clerk's user id: the case is assigned to them
    _poison(uow, case.id)
    return case


@pytest.fixture
def dispute(uow):
    invoice = invoice_for(uow, make_account(uow, pod="RO005E512345679"), issue_date=date.today())
    case = open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice.id,
                        form={"category": "wrong_reading", "amount": "10.00", "description": "Index greșit."})
    fire(uow, case.id, "start_review", CLERK)
    _poison(uow, case.id)
    return case, invoice


def _clean(at) -> None:
    assert not at.exception, at.exception
    assert shows_hostile_text(at), "the page showed none of the hostile values: nothing was checked"
    problems = markup_from_user_text(at)
    assert not problems, "\n".join(f"{where}: {what} {payload}" for where, what, payload in problems)


@pytest.mark.parametrize("username", ["clerk", "supervisor", "analyst", "admin"])
def test_the_case_page_shows_every_hostile_value_as_text_to_every_role(uow, open_app, holder_change, username):
    _clean(open_app(username, CASE, case_id=holder_change.id))


def test_a_dispute_description_and_its_invoice_holder_are_shown_as_text(open_app, dispute):
    _clean(open_app("clerk", CASE, case_id=dispute[0].id))


def test_the_queue_shows_names_as_text(open_app, holder_change):
    _clean(open_app("supervisor", QUEUE))


def test_the_ledger_shows_the_holder_and_addresses_as_text(open_app, dispute):
    case, invoice = dispute
    with_contract = open_app("clerk", LEDGER, ledger_contract_id=invoice.contract_id)
    _clean(with_contract)


def test_the_invoice_page_shows_the_holder_and_addresses_as_text(open_app, dispute):
    _clean(open_app("clerk", INVOICE, invoice_id=dispute[1].id))


def test_the_outbox_shows_subject_body_and_error_as_text(open_app, holder_change):
    _clean(open_app("admin", OUTBOX))


def test_the_dashboard_chips_show_staff_names_as_text(open_app, holder_change):
    _clean(open_app("supervisor", DASHBOARD))


def test_the_public_upload_page_shows_the_applicants_name_file_names_and_reasons_as_text(uow, open_app,
                                                                                        holder_change):
    with uow() as u:
        token = issue_upload_link(u.session, u.session.get(Case, holder_change.id)).split("token=")[1]
        u.commit()
    at = open_app(page=UPLOAD)
    at.query_params["token"] = token
    _clean(at.run())
