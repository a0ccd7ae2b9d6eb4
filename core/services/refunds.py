"""Refund cases end to end: registering a request (online or at the counter) with the IBAN checked first,
the refund desk's lists, the payment order file that takes every approved refund once, and the refund as
one role may see it (the IBAN masked for roles that do not handle it)."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.accounts import iban
from core.accounts.money import format_lei, money
from core.accounts.payment_order import Transfer, pain001, payment_csv
from core.accounts.refunds import refund_of, refundable
from core.cases.queries import READERS
from core.models import Case, ConsumptionPlace, Contract, Customer, Payment, Refund, RefundExport, Role, utcnow
from core.platform import audit, numbers, validation
from core.platform.errors import DomainError, NotFound, ValidationFailed
from core.platform.i18n import t
from core.platform.row_lock import lock_row
from core.platform.search import fold
from core.platform.workdays import local_time
from core.services.intake import optional_email
from core.staff.auth import Actor, require_role
from core.staff.masking import mask_iban, mask_name, sees_personal_data
from core.workflow import engine, registry
from workflows import refund as refund_workflow
from workflows.refund import State

DESK = (Role.CLERK, Role.SUPERVISOR)  # who handles refunds (and so sees the IBAN)
RULES = {"iban": iban.romanian_iban, "holder_name": iban.holder_name}
RECENT_EXPORTS = 20


def open_refund_number(session: Session, contract_id: int) -> str | None:
    """The contract's refund case still in progress, if any: one at a time, so proposals never add up
    beyond the credit."""
    return session.exec(select(Case.registration_number).where(
        Case.case_type == refund_workflow.WORKFLOW.name, Case.old_contract_id == contract_id,
        col(Case.closed_at).is_(None))).first()


def request_refund(*, uow, actor: Actor, contract_id: int, form: dict, channel: str = "online",
                   language: str = "ro") -> Case:
    """Registers a refund of a closed contract's credit to the IBAN given; every field is checked before
    anything is written, and the contract is held while the credit and the open cases are read."""
    wf = registry.latest(refund_workflow.WORKFLOW.name)  # new cases run the latest version
    require_role(actor, wf.transition("register").roles)
    clean = validation.collect(form, RULES)
    email = optional_email(form.get("email"))
    with uow:
        s = uow.session
        contract = lock_row(s, Contract, contract_id)
        if contract is None:
            raise NotFound()
        available = refundable(s, contract.id)
        if available <= 0:
            raise DomainError("refund.nothing_to_refund")
        if number := open_refund_number(s, contract.id):
            raise DomainError("refund.already_open", number=number)
        holder = s.get(Customer, contract.customer_id)
        contact = email or holder.email
        if not contact:
            raise ValidationFailed({"email": ("validation.required", {})})
        place = s.get(ConsumptionPlace, contract.place_id)
        case = Case(
            registration_number=numbers.registration_number(s, wf.registration_prefix, local_time(utcnow()).year),
            case_type=wf.name, workflow_version=wf.version, state=str(wf.initial), created_by=actor.username,
            channel=channel, applicant_name=holder.name, search_name=fold(holder.name),
            payment_code=contract.payment_code, client_code=contract.client_code, pod=place.pod,
            old_contract_id=contract.id,
            data={"applicant_kind": holder.kind, "applicant_name": holder.name, "email": contact, "language": language,
                  "message_params": {"contract_number": contract.number, "credit": format_lei(available),
                                     "iban": mask_iban(clean["iban"])}},
        )
        engine.start(s, case, actor)
        s.add(Refund(case_id=case.id, contract_id=contract.id, iban=clean["iban"], holder_name=clean["holder_name"]))
        uow.commit()
        return case


@dataclass(frozen=True)
class RefundLine:
    """A refund as one role may see it: the IBAN and the account holder's name masked unless the role handles it."""

    case_id: int
    registration_number: str
    version: int
    state: str
    applicant_name: str
    contract_number: str
    credit: Decimal  # what the contract may still give back now
    amount: Decimal | None  # proposed, then approved
    proposed_by: str | None
    iban: str
    holder_name: str
    export_message_id: str | None
    payment_reference: str | None


def _line(session: Session, case: Case, refund: Refund, role: Role) -> RefundLine:
    personal = sees_personal_data(role)
    contract = session.get(Contract, refund.contract_id)
    export = session.get(RefundExport, refund.export_id) if refund.export_id else None
    payment = session.get(Payment, refund.payment_id) if refund.payment_id else None
    return RefundLine(
        case.id, case.registration_number, case.version, case.state,
        case.applicant_name if personal else mask_name(case.applicant_name), contract.number,
        refundable(session, contract.id), case.credit_amount, case.credit_proposed_by,
        refund.iban if personal else mask_iban(refund.iban),
        refund.holder_name if personal else mask_name(refund.holder_name),
        export.message_id if export else None, payment.reference if payment else None)


def refund_line(*, uow, actor: Actor, case_id: int) -> RefundLine:
    """The refund side of one refund case, for the case page (any back-office reader)."""
    require_role(actor, READERS)
    with uow:
        case = uow.session.get(Case, case_id)
        if case is None or case.case_type != refund_workflow.WORKFLOW.name:
            raise NotFound()
        return _line(uow.session, case, refund_of(uow.session, case.id), actor.role)


@dataclass(frozen=True)
class ExportLine:
    export_id: int
    message_id: str
    created_at: datetime
    created_by: str
    transfers: int
    total: Decimal


@dataclass(frozen=True)
class RefundDesk:
    approved: list[RefundLine]  # waiting for the next payment order file
    exported: list[RefundLine]  # sent to the bank, waiting for its confirmation
    exports: list[ExportLine]  # the latest files, newest first


def refund_desk(*, uow, actor: Actor) -> RefundDesk:
    """What the refund desk works on: approved and exported refunds (few at a time), and recent files."""
    require_role(actor, DESK)
    with uow:
        s = uow.session
        rows = s.exec(select(Case, Refund).join(Refund, Refund.case_id == Case.id).where(
            Case.case_type == refund_workflow.WORKFLOW.name, col(Case.state).in_([State.APPROVED, State.EXPORTED]))
            .order_by(Case.registered_at, Case.id)).all()
        lines = [_line(s, case, refund, actor.role) for case, refund in rows]
        exports = [ExportLine(e.id, e.message_id, e.created_at, e.created_by, e.transfers, money(e.total))
                   for e in s.exec(select(RefundExport).order_by(RefundExport.id.desc()).limit(RECENT_EXPORTS))]
    return RefundDesk([r for r in lines if r.state == State.APPROVED], [r for r in lines if r.state == State.EXPORTED],
                      exports)


def export_payment_order(*, uow, actor: Actor) -> RefundExport:
    """Puts every approved refund not yet exported into one payment order file and marks them exported, in one
    transaction. Each refund is taken by one conditional UPDATE, so two exports at once never carry the same
    refund: the second waits for the first, then finds it taken."""
    require_role(actor, (Role.SUPERVISOR,))
    now = utcnow()
    with uow:
        s = uow.session
        export = RefundExport(message_id=f"GHS-{local_time(now):%Y%m%d%H%M%S}-{secrets.token_hex(4).upper()}",
                              created_at=now, created_by=actor.username, transfers=0, total=Decimal("0.00"),
                              xml=b"", csv=b"")
        s.add(export)
        s.flush()
        approved = select(Case.id).where(Case.case_type == refund_workflow.WORKFLOW.name, Case.state == State.APPROVED)
        taken = s.execute(update(Refund).where(col(Refund.export_id).is_(None), col(Refund.case_id).in_(approved))
                          .values(export_id=export.id).returning(Refund.id)).scalars().all()
        if not taken:
            raise DomainError("refund.nothing_to_export")
        transfers = []
        for refund in s.exec(select(Refund).where(col(Refund.id).in_(taken)).order_by(Refund.id)
                             .execution_options(populate_existing=True)):
            case = s.get(Case, refund.case_id)
            engine.fire(s, case, "export_refund", actor)
            contract = s.get(Contract, refund.contract_id)
            transfers.append(Transfer(case.registration_number, refund.holder_name, refund.iban, case.credit_amount,
                                      t("refund.remittance", lang="ro", number=case.registration_number,
                                        contract_number=contract.number)))
        export.transfers, export.total = len(transfers), sum((tr.amount for tr in transfers), Decimal("0.00"))
        export.xml = pain001(export.message_id, local_time(now).replace(tzinfo=None), local_time(now).date(), transfers)
        export.csv = payment_csv(transfers)
        s.add(export)
        audit.record_action(s, actor=actor.username, role=actor.role, action="export_refunds",
                            subject=f"refundexport:{export.id}",
                            details={"message_id": export.message_id, "transfers": export.transfers,
                                     "total": str(export.total), "cases": [tr.end_to_end_id for tr in transfers]})
        uow.commit()
        return export


def payment_order_file(*, uow, actor: Actor, export_id: int, kind: str) -> tuple[str, bytes]:
    """One stored file again ("xml" or "csv"), with the name to save it under."""
    require_role(actor, (Role.SUPERVISOR,))
    with uow:
        export = uow.session.get(RefundExport, export_id)
        if export is None or kind not in ("xml", "csv"):
            raise NotFound()
        return f"{export.message_id}.{kind}", export.xml if kind == "xml" else export.csv
