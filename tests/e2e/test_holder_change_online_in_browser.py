"""A customer asks for a holder change on the public site, uploads the documents through the link the
confirmation e-mail carries, and a clerk finds the case, now with every document, in the work queue."""

import re

from playwright.sync_api import Page, expect
from sqlmodel import col, select

from core.models import Case, ConsumptionPlace, Contract, ContractStatus, Customer, OutboxMessage
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from seed_data.sample_documents import sample_document
from tests.e2e.steps import click, find_in_queue, settle, upload
from tests.factories import NEW_HOLDER_CNP, PERSON_DOCS

LINK = re.compile(r"http://\S+/upload\?token=[\w-]+(?:&lang=\w+)?")  # the link carries the language


def free_contract(db_url: str) -> tuple[Contract, ConsumptionPlace]:
    """A seeded active contract whose place has no open request, held by someone else than our applicant."""
    with UnitOfWork(get_engine(db_url)) as uow:
        busy = select(Case.place_id).where(col(Case.closed_at).is_(None), col(Case.place_id).is_not(None))
        return uow.session.exec(
            select(Contract, ConsumptionPlace).join(ConsumptionPlace, Contract.place_id == ConsumptionPlace.id)
            .join(Customer, Contract.customer_id == Customer.id)
            .where(Contract.status == ContractStatus.ACTIVE, col(Contract.place_id).not_in(busy),
                   Customer.national_id != NEW_HOLDER_CNP).order_by(Contract.id)).first()


def emailed_link(db_url: str, number: str) -> str:
    with UnitOfWork(get_engine(db_url)) as uow:
        body = uow.session.exec(select(OutboxMessage.body).join(Case, OutboxMessage.case_id == Case.id)
                                .where(Case.registration_number == number)).one()
    return LINK.search(body).group()


def fill(page: Page, **fields: str) -> None:
    for key, value in fields.items():
        page.get_by_label(t(f"ui.intake.{key}"), exact=True).fill(value)


def test_a_customer_requests_a_holder_change_uploads_by_the_emailed_link_and_a_clerk_finds_it(
        page, app_server, tmp_path):
    base, db_url = app_server
    contract, place = free_contract(db_url)

    page.goto(f"{base}/holder_change_online")
    settle(page)
    fill(page, pod=place.pod, payment_code=contract.payment_code, client_code=contract.client_code,
         last_name="Ionescu", first_name="Maria", national_id=NEW_HOLDER_CNP, email="maria.ionescu@example.com",
         phone="0722 111 222", handover_index=str(place.last_index + 25))
    click(page, t("ui.holder_online.submit"))
    done = page.get_by_text(re.compile(r"SCT-\d{4}-\d+"))
    expect(done).to_be_visible()
    number = re.search(r"SCT-\d{4}-\d+", done.inner_text()).group()

    link = emailed_link(db_url, number)
    button = page.get_by_role("link", name=t("ui.holder_online.upload"))
    expect(button).to_have_attribute("href", link)  # the page shows the very link the e-mail carries

    page.goto(link)
    settle(page)
    expect(page.get_by_role("heading", name=t("ui.upload.case", number=number))).to_be_visible()
    for variant, doc_type in enumerate(PERSON_DOCS):
        name, data = sample_document(doc_type, ["Ionescu Maria"], variant)
        scan = tmp_path / name
        scan.write_bytes(data)
        document = t(f"document.{doc_type}")
        upload(page, t("ui.upload.choose", document=document), [scan])
        click(page, t("ui.upload.submit"))
        expect(page.get_by_text(t("ui.upload.uploaded", document=document))).to_be_visible()
        settle(page)  # the message shows on the rerun that follows the upload; let it finish
    expect(page.get_by_text(t("ui.upload.all_sent"))).to_be_visible()
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)

    find_in_queue(page, base, number)
    with UnitOfWork(get_engine(db_url)) as uow:
        case = uow.session.exec(select(Case).where(Case.registration_number == number)).one()
    assert (case.channel, case.state) == ("online", "documents_received")
