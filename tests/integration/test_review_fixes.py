"""Concurrency, four-eyes, masking and billing rules that a real back office depends on."""

import io
from datetime import date

import pytest
from fpdf import FPDF
from PIL import Image
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.accounts import billing
from core.cases.documents import preview_pages
from core.cases.preview_sandbox import MAX_PREVIEW_PIXELS
from core.cases.queries import case_view, list_outbox
from core.models import Case, ConsumptionPlace, Contract, InvoiceKind, OutboxMessage
from core.platform import numbers
from core.platform.errors import StaleCase, TransitionRefused
from core.services import cases
from core.services.cases import load_case
from core.workflow import engine
from tests.factories import (
    ADMIN,
    ANALYST,
    CLERK,
    CLERK2,
    SUPERVISOR,
    SUPERVISOR2,
    current_version,
    fire,
    make_account,
    refused,
    register_case,
    review_all,
)


def test_a_colleague_committing_between_our_read_and_our_write_gets_the_stale_message(uow):
    case = register_case(uow, make_account(uow))
    with pytest.raises(StaleCase), uow() as mine:
        ours = load_case(mine.session, case.id, current_version(uow, case.id))
        cases.add_comment(uow=uow(), case_id=case.id, body="x", actor=CLERK2)
        cases.claim_case(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id), actor=CLERK2)
        engine.fire(mine.session, ours, "cancel", CLERK, reason="Clientul a renunțat")
        mine.commit()
    assert load_case_state(uow, case.id) == "documents_received"


def load_case_state(uow, case_id):
    with uow() as u:
        return u.session.get(Case, case_id).state


def test_the_database_refuses_a_second_open_request_for_a_place_even_past_the_service_check(uow):
    case = register_case(uow, make_account(uow))
    with uow() as u:
        u.session.add(Case(registration_number="SCT-TWIN", case_type=case.case_type, workflow_version=1,
                           state="submitted", created_by="clerk2", channel="counter", applicant_name="Twin",
                           search_name="twin", place_id=case.place_id, data=case.data))
        with pytest.raises(IntegrityError):
            u.session.flush()


def test_a_new_counter_starts_at_its_start_value_and_then_counts_up(uow):
    with uow() as u:
        assert [numbers.next_number(u.session, "test-2031", start=7) for _ in range(3)] == [7, 8, 9]
        u.commit()
    with uow() as u:
        assert numbers.next_number(u.session, "test-2031", start=7) == 10


def test_a_supervisor_who_approved_the_documents_cannot_issue_even_if_a_clerk_verified(uow):
    case = register_case(uow, make_account(uow))
    review_all(uow, case.id, actor=SUPERVISOR)
    fire(uow, case.id, "verify_documents", CLERK)
    with refused(TransitionRefused, "guard.four_eyes"):
        fire(uow, case.id, "issue_contract", SUPERVISOR)
    assert fire(uow, case.id, "issue_contract", SUPERVISOR2).state == "contract_issued"


def test_a_cancelled_request_is_not_reopened_beside_a_newer_one_for_the_same_place(uow):
    contract = make_account(uow)
    first = register_case(uow, contract, documents=())
    fire(uow, first.id, "cancel", CLERK, reason="Clientul a renunțat")
    register_case(uow, contract, documents=())
    with refused(TransitionRefused, "guard.other_open_case"):
        fire(uow, first.id, "reopen", SUPERVISOR, reason="Greșeală")


def emails(uow, case_id):
    with uow() as u:
        messages = u.session.exec(select(OutboxMessage).where(OutboxMessage.case_id == case_id))
        return {m.template: m.body for m in messages}


def test_the_confirmation_lists_only_the_documents_still_missing(uow):
    partial = register_case(uow, make_account(uow), documents=("id_card", "right_of_use", "contract_request"))
    body = emails(uow, partial.id)["holder_change.registered"]
    assert "Oferta de furnizare aleasă" in body and "Actul de identitate" not in body


def test_a_request_registered_with_every_document_is_not_asked_for_them(uow):
    complete = register_case(uow, make_account(uow))
    body = emails(uow, complete.id)["holder_change.registered"]
    assert "Am primit toate documentele necesare" in body and "trimiteți" not in body


def test_the_admin_reads_the_outbox_without_the_customers_personal_data(uow):
    case = register_case(uow, make_account(uow), documents=())
    with uow() as u:
        message = u.session.exec(select(OutboxMessage)).one()
        message.last_error = "SMTPRecipientsRefused: {'maria.ionescu@example.com': (550, 'no such user')}"
        u.session.add(message)
        u.commit()
    [row] = list_outbox(uow=uow(), actor=ADMIN).rows
    assert "maria.ionescu@example.com" not in row.last_error + row.body + row.recipient
    assert "Ionescu Maria" not in row.body and case.registration_number in row.subject


def test_an_analyst_sees_neither_file_names_nor_comment_texts(uow):
    case = register_case(uow, make_account(uow), documents=("id_card",))
    cases.add_comment(uow=uow(), case_id=case.id, body="Doamna Ionescu a sunat de pe 0722111222", actor=CLERK)
    view = case_view(uow=uow(), case_id=case.id, actor=ANALYST)
    assert [d.file_name for d in view.documents] == ["document.pdf"]
    assert all("Ionescu" not in (e.text or "") for e in view.timeline)


def test_estimates_do_not_move_the_meter_and_the_final_invoice_credits_an_over_estimate(uow):
    contract = make_account(uow, start_index=1000)
    with uow() as u:
        live = u.session.get(Contract, contract.id)
        billing.issue_invoice(u.session, issued_by="billing",
                              contract=live, period_start=date(2026, 9, 1), period_end=date(2026, 9, 30),
                              new_index=1400, kind=InvoiceKind.ESTIMATE, issue_date=date(2026, 10, 2))
        place = u.session.get(ConsumptionPlace, live.place_id)
        assert place.last_index == 1000
        final = billing.issue_invoice(u.session, issued_by="billing", contract=live, period_start=date(2026, 10, 1),
                                      period_end=date(2026, 10, 20), new_index=1300, kind=InvoiceKind.FINAL,
                                      issue_date=date(2026, 10, 20))
        assert (final.kwh, final.total < 0, place.last_index) == (-100, True, 1300)


def test_a_pdf_with_an_absurd_page_size_previews_as_a_bounded_image():
    pdf = FPDF(unit="pt", format=(1, 14400))
    pdf.add_page()
    [png] = preview_pages("application/pdf", bytes(pdf.output()))
    with Image.open(io.BytesIO(png)) as image:
        assert image.width * image.height <= MAX_PREVIEW_PIXELS * 1.05  # pixel rounding
