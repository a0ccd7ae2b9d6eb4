"""Readable, fixed test data built through the real services."""

from contextlib import contextmanager
from datetime import date

import pytest
from sqlmodel import func, select
from stdnum.ro import cnp

from core.accounts import billing
from core.models import Case, CaseDocument, Contract, CustomerKind, DocumentStatus, Invoice, InvoiceKind, Role, User
from core.platform.errors import DomainError
from core.services import cases, documents, intake
from core.services.accounts import open_account
from core.staff.auth import SYSTEM, Actor, verify_password
from seed_data.sample_documents import sample_pdf

CLERK = Actor("clerk", Role.CLERK, "Ana Popa", None)
CLERK2 = Actor("clerk2", Role.CLERK, "Mihai Stan", None)
SUPERVISOR = Actor("supervisor", Role.SUPERVISOR, "Elena Dumitru", None)
SUPERVISOR2 = Actor("supervisor2", Role.SUPERVISOR, "Radu Georgescu", None)
ANALYST = Actor("analyst", Role.ANALYST, "Ioana Marin", None)
ADMIN = Actor("admin", Role.ADMIN, "Dan Vasile", None)

OLD_HOLDER_CNP = "1800101221144"
NEW_HOLDER_CNP = "2850505400014"
COMPANY_CUI = "18547290"
PERSON_DOCS = ("id_card", "right_of_use", "contract_request", "supply_offer", "meter_reading")


def valid_cnp(first_twelve: str) -> str:
    return first_twelve + cnp.calc_check_digit(first_twelve)


def make_account(uow, pod: str = "RO005E512345678", national_id: str = OLD_HOLDER_CNP,
                 start_index: int = 1000) -> Contract:
    return open_account(
        uow=uow(), actor=SYSTEM, kind=CustomerKind.PERSON, name="Popescu Ion", national_id=national_id,
        email="ion.popescu@example.com", phone="+40721234567", address="Str. Lalelelor 5, Iași", pod=pod,
        meter_serial="ZMD-0001", start_date=date(2024, 1, 1), start_index=start_index,
    )


def holder_change_form(contract: Contract, **overrides) -> dict:
    form = dict(
        pod="RO005E512345678", address="", payment_code=contract.payment_code, client_code=contract.client_code,
        applicant_kind="person", first_name="Maria", last_name="Ionescu", national_id=NEW_HOLDER_CNP,
        email="maria.ionescu@example.com", phone="0722 111 222", handover_index="1500", right_of_use="owner",
    )
    form.update(overrides)
    return form


def pdf_upload(doc_type: str) -> tuple[str, str, bytes]:
    return doc_type, f"{doc_type}.pdf", sample_pdf(doc_type, ["Ionescu Maria"])


def register_case(uow, contract: Contract, documents=PERSON_DOCS, actor: Actor = CLERK, **overrides):
    return intake.register_holder_change(
        uow=uow(), actor=actor, form=holder_change_form(contract, **overrides),
        uploads=[pdf_upload(d) for d in documents],
    )


def current_version(uow, case_id: int) -> int:
    with uow() as u:
        return u.session.get(Case, case_id).version


def reload(uow, case_id: int) -> Case:
    with uow() as u:
        return u.session.get(Case, case_id)


def review_all(uow, case_id: int, actor: Actor = CLERK, approve: bool = True, reason: str | None = None) -> None:
    """Reviews every pending current document of the case the same way."""
    with uow() as u:
        pending = [d.id for d in u.session.exec(select(CaseDocument).where(
            CaseDocument.case_id == case_id, CaseDocument.is_current, CaseDocument.status == DocumentStatus.PENDING))]
    for document_id in pending:
        documents.review_document(uow=uow(), document_id=document_id, approve=approve, actor=actor,
                                  expected_version=current_version(uow, case_id), reason=reason)


def fire(uow, case_id: int, trigger: str, actor: Actor, reason: str | None = None) -> Case:
    return cases.fire_trigger(uow=uow(), case_id=case_id, expected_version=current_version(uow, case_id),
                              trigger=trigger, actor=actor, reason=reason)


def verified_case(uow, verifier: Actor = SUPERVISOR) -> Case:
    case = register_case(uow, make_account(uow))
    review_all(uow, case.id)
    return fire(uow, case.id, "verify_documents", verifier)


def count(uow, model, *where) -> int:
    """Rows of `model` (matching `where`): what a refused action must leave unchanged."""
    with uow() as u:
        return u.session.exec(select(func.count()).select_from(model).where(*where)).one()


@contextmanager
def refused(error_type: type[DomainError], key: str):
    """Expects the block to raise `error_type` carrying the catalog key the user is shown."""
    with pytest.raises(error_type) as err:
        yield
    assert err.value.key == key


def invoice_for(uow, contract: Contract, total_kwh: int = 200, issue_date: date = date(2026, 11, 10)) -> Invoice:
    """One estimate on the contract, issued on `issue_date` (the clock is not moved)."""
    with uow() as u:
        live = u.session.get(Contract, contract.id)
        invoice = billing.issue_invoice(
            u.session, issued_by="billing",
contract=live, period_start=issue_date.replace(day=1), period_end=issue_date,
            new_index=live.start_index + total_kwh, kind=InvoiceKind.ESTIMATE, issue_date=issue_date)
        u.commit()
        return invoice


def authenticate(*, uow, username: str, password: str) -> Actor:
    """A staff actor from a username and password, as tests need one (the product signs in through
    core.staff.signin, throttled, with the second factor)."""
    with uow:
        user = uow.session.exec(select(User).where(User.username == username.strip().lower())).first()
        if not verify_password(user.password_hash if user else None, password) or not user.active:
            raise DomainError("auth.invalid")
        return Actor(user.username, user.role, user.display_name, user.id)
