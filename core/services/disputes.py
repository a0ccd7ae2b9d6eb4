"""Opening a payment dispute on one invoice: every field and rule checked before anything is written,
then the case, its evidence, audit event and acknowledgement e-mail in one transaction."""

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from core.accounts import allocation
from core.accounts.money import money
from core.cases.documents import check_upload
from core.models import Case, ConsumptionPlace, Contract, Customer, Invoice, utcnow
from core.platform import numbers, validation
from core.platform.config import settings
from core.platform.errors import NotFound, ValidationFailed
from core.platform.row_lock import lock_row
from core.platform.search import fold
from core.platform.validation import FieldError
from core.platform.workdays import local_time
from core.services.intake import attach_document, optional_email
from core.staff.auth import Actor, require_role
from core.workflow import engine, registry
from workflows import payment_dispute

CATEGORIES = ("wrong_reading", "estimated_consumption", "payment_not_recorded", "double_billing", "wrong_tariff",
              "other")
RULES = {
    "category": validation.one_of(CATEGORIES),
    "amount": validation.amount,
    "description": validation.text_rule(validation.DESCRIPTION_MAX, multiline=True),
}


def open_amount(session: Session, invoice: Invoice) -> Decimal:
    return allocation.open_amounts(session, invoice.contract_id)[invoice.id]


def _check_invoice(session: Session, invoice: Invoice, amount: Decimal, today: date) -> None:
    """The rules of a dispute against this invoice, each reported on the field it concerns."""
    age = (today - invoice.issue_date).days
    if age > settings.dispute_filing_calendar_days:
        raise ValidationFailed({"invoice": ("dispute.too_late", {
            "days": settings.dispute_filing_calendar_days, "issued": invoice.issue_date.strftime("%d.%m.%Y")})})
    other = session.exec(select(Case.registration_number).where(
        Case.invoice_id == invoice.id, col(Case.closed_at).is_(None))).first()
    if other:
        raise ValidationFailed({"invoice": ("dispute.already_open", {"number": other})})
    still_open = open_amount(session, invoice)
    if still_open <= 0:
        raise ValidationFailed({"invoice": ("dispute.invoice_paid", {})})
    if amount > still_open:
        raise ValidationFailed({"amount": ("dispute.amount_above_open", {"open": f"{still_open:.2f}"})})


def open_dispute(*, uow, actor: Actor, invoice_id: int, form: dict, uploads: list[tuple[str, bytes]] = (),
                 channel: str = "counter", language: str = "ro") -> Case:
    """A dispute by a clerk for a customer (and later by the customer online) against one invoice."""
    wf = registry.latest(payment_dispute.WORKFLOW.name)  # new cases run the latest version
    require_role(actor, wf.transition("register").roles)
    clean = validation.collect(form, RULES)
    email = optional_email(form.get("email"))
    files, errors = [], {}
    for n, (file_name, data) in enumerate(uploads):
        try:
            files.append(check_upload(file_name, data))
        except FieldError as err:
            errors[f"doc_{n}"] = (err.key, err.params)
    if errors:
        raise ValidationFailed(errors)
    with uow:
        s = uow.session
        invoice = lock_row(s, Invoice, invoice_id)  # a second dispute at once waits, then sees this one
        if invoice is None:
            raise NotFound()
        _check_invoice(s, invoice, clean["amount"], local_time(utcnow()).date())
        contract = s.get(Contract, invoice.contract_id)
        holder = s.get(Customer, invoice.customer_id)
        place = s.get(ConsumptionPlace, invoice.place_id)
        contact = email or holder.email
        if not contact:
            raise ValidationFailed({"email": ("validation.required", {})})
        case = Case(
            registration_number=numbers.registration_number(s, wf.registration_prefix, local_time(utcnow()).year),
            case_type=wf.name, workflow_version=wf.version, state=str(wf.initial), created_by=actor.username,
            channel=channel, applicant_name=holder.name, search_name=fold(holder.name),
            payment_code=contract.payment_code, client_code=contract.client_code, pod=place.pod,
            old_contract_id=contract.id, invoice_id=invoice.id, disputed_amount=money(clean["amount"]),
            data={"applicant_kind": holder.kind, "applicant_name": holder.name, "email": contact,
                  "category": clean["category"], "description": clean["description"], "language": language,
                  "message_params": {"invoice_number": invoice.invoice_number}},
        )
        engine.start(s, case, actor)
        for file in files:
            attach_document(s, case, "evidence", file, actor)
        uow.commit()
        return case


