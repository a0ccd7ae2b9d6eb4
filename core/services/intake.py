"""Registering a change-of-holder request, at the counter or online: every field checked, the
current contract matched, then case, documents, audit and confirmation e-mail in one transaction."""

from sqlmodel import Session, col, select

from core.cases.documents import CheckedFile, check_upload, store
from core.models import (
    Case,
    CaseDocument,
    ConsumptionPlace,
    Contract,
    ContractStatus,
    Customer,
    CustomerKind,
    Role,
    utcnow,
)
from core.platform import numbers, validation
from core.platform.config import settings
from core.platform.errors import ValidationFailed
from core.platform.row_lock import lock_row
from core.platform.search import address_matches, fold
from core.platform.validation import FieldError
from core.platform.workdays import local_time
from core.staff.auth import Actor, require_role
from core.workflow import engine, registry
from core.workflow.spec import Workflow
from workflows import holder_change

RIGHT_OF_USE = ("owner", "co_owner", "heir", "spouse", "tenant", "other")
COMMON_RULES = {
    "payment_code": validation.payment_code,
    "client_code": validation.client_code,
    "applicant_kind": validation.one_of(tuple(CustomerKind)),
    "email": validation.email,
    "phone": validation.phone,
    "handover_index": validation.meter_index,
    "right_of_use": validation.one_of(RIGHT_OF_USE),
}
PERSON_RULES = {"first_name": validation.name, "last_name": validation.name, "national_id": validation.person_id}
COMPANY_RULES = {"company_name": validation.name, "national_id": validation.company_id}


def applicant_name(clean: dict) -> str:
    """The name cases and holders are stored (and searched) under."""
    return clean.get("company_name") or f"{clean['last_name']} {clean['first_name']}"


def clean_form(form: dict, common_rules: dict = COMMON_RULES) -> dict:
    """All field rules at once; the applicant's kind decides between CNP and CUI rules. A new-contract
    request passes its own common rules (it has no current contract to name)."""
    rules = dict(common_rules)
    rules.update(COMPANY_RULES if form.get("applicant_kind") == CustomerKind.COMPANY else PERSON_RULES)
    rules.update(pod=validation.optional(validation.pod, ""), address=validation.optional(validation.address, ""),
                 correspondence_address=validation.optional(validation.address, ""))
    errors = {}
    try:
        clean = validation.collect(form, rules)
        name = applicant_name(clean)
        if len(name) > validation.NAME_MAX or len(fold(name)) > validation.NAME_MAX:  # first + last together
            errors["last_name"] = ("bounds.name_too_long", {"max": validation.NAME_MAX - 1})
    except ValidationFailed as failed:
        errors, clean = failed.errors, {}
    if validation.blank(form.get("pod")) and validation.blank(form.get("address")):
        errors["pod"] = ("validation.pod_or_address", {})
    if errors:
        raise ValidationFailed(errors)
    return clean


def optional_email(value: str | None) -> str | None:
    """A contact e-mail the applicant may leave empty; refused with its field's message when malformed."""
    if validation.blank(value):
        return None
    try:
        return validation.email(value)
    except FieldError as err:
        raise ValidationFailed({"email": (err.key, err.params)}) from None


def check_uploads(uploads: list[tuple[str, str, bytes]], allowed_types: set[str]) -> list[tuple[str, CheckedFile]]:
    checked, errors = [], {}
    for doc_type, file_name, data in uploads:
        try:
            if doc_type not in allowed_types:
                raise FieldError("upload.doc_type")
            if any(seen == doc_type for seen, _ in checked):
                raise FieldError("upload.duplicate")
            checked.append((doc_type, check_upload(file_name, data)))
        except FieldError as err:
            errors[f"doc_{doc_type}"] = (err.key, err.params)
    if errors:
        raise ValidationFailed(errors)
    return checked


def _match_contract(session: Session, clean: dict, public: bool) -> tuple[Contract, ConsumptionPlace]:
    """The active contract the request is about; each mismatch is reported on its own field."""
    # locked until commit (on SQLite too): a second registration for the same contract waits, then sees
    # this one's case
    found = session.exec(select(Contract.id).where(
        Contract.payment_code == clean["payment_code"], Contract.status == ContractStatus.ACTIVE)).first()
    contract = lock_row(session, Contract, found) if found else None
    if contract is None or contract.status != ContractStatus.ACTIVE:
        raise ValidationFailed({"payment_code": ("intake.no_contract", {})})
    errors = {}
    if contract.client_code != clean["client_code"]:
        errors["client_code"] = ("intake.client_code_mismatch", {})
    place = session.get(ConsumptionPlace, contract.place_id)
    if clean["pod"] and clean["pod"] != place.pod:
        errors["pod"] = ("intake.pod_mismatch", {})
    if not clean["pod"] and not address_matches(clean["address"], place.address):
        errors["address"] = ("intake.address_mismatch", {})
    # the public is told neither the meter's last reading nor whether a CNP is the current holder's
    if refusal := index_message(clean["handover_index"], place.last_index, public, "intake.index_below_meter"):
        errors["handover_index"] = refusal
    holder = session.get(Customer, contract.customer_id)
    if holder.national_id == clean["national_id"]:
        errors["national_id"] = ("online.applicant_refused", {}) if public else ("intake.same_holder", {})
    open_case = session.exec(select(Case.registration_number).where(
        Case.place_id == place.id, col(Case.closed_at).is_(None))).first()
    if open_case:  # someone else's request number is told to staff, not to the public
        errors["payment_code"] = (("online.open_case_exists", {}) if public else
                                  ("intake.open_case_exists", {"number": open_case}))
    if errors:
        raise ValidationFailed(errors)
    return contract, place


def index_message(index: int, last_index: int, public: bool, below_key: str) -> tuple[str, dict] | None:
    """The field message for an index the meter cannot show: to the public one neutral "check the index"
    (too low and too high alike, so it never learns the last reading); to staff which bound and the figures."""
    refusal = validation.index_refusal(index, last_index)
    if refusal is None:
        return None
    if public:
        return "bounds.index_check", {}
    if refusal == "low":
        return below_key, {"last": last_index}
    return "bounds.index_above_meter", {"last": last_index, "max": settings.meter_max_kwh_since_reading}


def register_holder_change(*, uow, actor: Actor, form: dict, uploads: list[tuple[str, str, bytes]] = (),
                           channel: str = "counter", language: str = "ro") -> Case:
    """Validates everything first, then writes the case with its registration number, documents,
    audit events and confirmation e-mail in one transaction."""
    wf = registry.latest(holder_change.WORKFLOW.name)  # new cases run the latest version
    require_role(actor, wf.transition("register").roles)  # before any lookup can reveal account data
    clean = clean_form(form)
    checked = check_uploads(list(uploads), set(wf.required_documents(clean["applicant_kind"])))
    with uow:
        contract, place = _match_contract(uow.session, clean, public=actor.role == Role.CUSTOMER)
        case = open_request(uow.session, wf, clean, place, checked, actor, channel, language, contract=contract)
        uow.commit()
        return case


def open_request(session: Session, wf: Workflow, clean: dict, place: ConsumptionPlace,
                 checked: list[tuple[str, CheckedFile]], actor: Actor, channel: str, language: str,
                 contract: Contract | None = None) -> Case:
    """The case for a checked request on `place` (about `contract`, if one exists): registration number,
    initial state and its messages, the documents brought along, and on to `documents_received` if complete."""
    name = applicant_name(clean)
    case = Case(
        registration_number=numbers.registration_number(session, wf.registration_prefix, local_time(utcnow()).year),
        case_type=wf.name, workflow_version=wf.version, state=str(wf.initial), created_by=actor.username,
        channel=channel, applicant_name=name, search_name=fold(name), pod=place.pod, place_id=place.id,
        payment_code=contract.payment_code if contract else None,
        client_code=contract.client_code if contract else None, old_contract_id=contract.id if contract else None,
        data={**clean, "applicant_name": name, "language": language,
              "correspondence_address": clean["correspondence_address"] or place.address},
    )
    engine.start(session, case, actor)
    for doc_type, file in checked:
        attach_document(session, case, doc_type, file, actor)
    receive_if_complete(session, case, actor)
    return case


def attach_document(session: Session, case: Case, doc_type: str, file: CheckedFile, actor: Actor,
                    replaces: CaseDocument | None = None) -> CaseDocument:
    document = CaseDocument(
        case_id=case.id, doc_type=doc_type, file_name=file.file_name, content_type=file.content_type,
        size=file.size, sha256=file.sha256, content_id=store.put(session, file.data),
        uploaded_by=actor.username, replaces_id=replaces.id if replaces else None,
    )
    if replaces:
        replaces.is_current = False
        session.add(replaces)
    session.add(document)
    session.flush()
    engine.record_event(session, case, actor, "upload_document", doc_type=doc_type,
                        document_id=document.id, file_name=file.file_name)
    return document


def receive_if_complete(session: Session, case: Case, actor: Actor) -> None:
    """Moves an awaiting case on by itself once its last required document arrives."""
    if engine.can_fire(session, case, "receive_documents", actor):
        engine.fire(session, case, "receive_documents", actor)
