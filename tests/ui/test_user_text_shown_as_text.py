"""Stored user text is shown as typed on every page that shows it: an attacker's markdown in a name,
address, e-mail, reason, comment, dispute description, file name, outbox message or staff name draws
no link, image, emphasis, colour, icon or formula (tests/ui/markup_scan.py looks at every element)."""

from datetime import date

import pytest
from sqlmodel import select

from core.models import (
    Case,
    CaseDocument,
    ConsumptionPlace,
    Contract,
    Customer,
    Invoice,
    OutboxMessage,
    User,
)
from core.online import access
from core.online.links import issue_upload_link
from core.services import cases, documents
from core.services.disputes import open_dispute
from tests.factories import CLERK, current_version, fire, invoice_for, make_account, register_case
from tests.ui.markup_scan import HOSTILE, markup_from_user_text, poison_case, shows_hostile_text

CASE, QUEUE, OUTBOX = "pages/case_detail.py", "pages/queue.py", "pages/outbox.py"
LEDGER, INVOICE, DASHBOARD, UPLOAD = "pages/ledger.py", "pages/invoice.py", "pages/dashboard.py", "pages/upload.py"


@pytest.fixture(autouse=True)
def _visitor(monkeypatch):
    """AppTest's session client has no real address (st.context.ip_address is a mock there)."""
    monkeypatch.setattr("ui.public.visitor", lambda: access.client("203.0.113.9", "hostile-text-session"))


def _poison(uow, case_id: int) -> None:
    """Every user-typed value the case's pages show, as an attacker would type it: the case's own rows,
    its holders and place, its outbox mail and every staff name."""
    with uow() as u:
        s = u.session
        case = poison_case(s, case_id)
        contract_ids = [case.old_contract_id, case.new_contract_id]
        if case.invoice_id:
            contract_ids.append(s.get(Invoice, case.invoice_id).contract_id)
        customers = [s.get(Customer, s.get(Contract, i).customer_id) for i in contract_ids if i]
        for customer in customers:
            customer.name, customer.email, customer.correspondence_address = HOSTILE, HOSTILE, HOSTILE
        for place in s.exec(select(ConsumptionPlace)):
            place.address = HOSTILE
        for message in s.exec(select(OutboxMessage)):
            message.subject, message.body, message.last_error = HOSTILE, HOSTILE, HOSTILE
        for user in s.exec(select(User)):
            user.display_name = HOSTILE
        s.add_all(customers)
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
        token = issue_upload_link(u.session, u.session.get(Case, holder_change.id)).split("token=")[1].split("&")[0]
        u.commit()
    at = open_app(page=UPLOAD)
    at.query_params["token"] = token
    _clean(at.run())
