"""Opening supply accounts: holder, consumption place and contract with generated codes."""

from datetime import date

from sqlmodel import Session, select

from core.models import ConsumptionPlace, Contract, Customer, CustomerKind, Role
from core.platform import numbers, validation
from core.platform.errors import ValidationFailed
from core.platform.search import fold
from core.staff.auth import Actor, require_role


def create_account(session: Session, *, kind: CustomerKind, name: str, national_id: str, email: str | None,
                   phone: str | None, address: str, pod: str, meter_serial: str, start_date: date,
                   start_index: int = 0, correspondence_address: str | None = None) -> Contract:
    """Helper (no commit): a holder (reused by CNP/CUI), a place and an active contract on it."""
    customer = session.exec(select(Customer).where(Customer.national_id == national_id)).first()
    if customer is None:
        customer = Customer(kind=kind, name=name, search_name=fold(name), national_id=national_id, email=email,
                            phone=phone, correspondence_address=correspondence_address or address)
        session.add(customer)
        session.flush()
    place = ConsumptionPlace(pod=pod, address=address, meter_serial=meter_serial, last_index=start_index)
    session.add(place)
    session.flush()
    contract = Contract(
        number=numbers.contract_number(session, start_date.year), client_code=numbers.client_code(session),
        payment_code=numbers.payment_code(session), customer_id=customer.id, place_id=place.id,
        start_date=start_date, start_index=start_index,
    )
    session.add(contract)
    session.flush()
    return contract


def _start_date(value) -> date:
    if not isinstance(value, date):
        raise validation.FieldError("validation.choice")
    return value


def _national_id(value) -> str:
    """A CNP or CUI as digits within its column (the supplier's own records: their check digits are the
    source system's business, the digits and the length are ours)."""
    text = validation.clean_text(value, max_length=validation.length_of(Customer.national_id))
    if not (text.isascii() and text.isdigit()):
        raise validation.FieldError("validation.cnp_format")
    return text


ACCOUNT_RULES = {
    "name": validation.name, "email": validation.optional(validation.email),
    "phone": validation.optional(validation.phone),
    "address": validation.address, "pod": validation.pod, "start_date": _start_date,
    "meter_serial": validation.text_rule(validation.length_of(ConsumptionPlace.meter_serial)),
    "start_index": validation.meter_index, "correspondence_address": validation.optional(validation.address),
    "kind": validation.one_of(tuple(CustomerKind)), "national_id": _national_id,
}


def open_account(*, uow, actor: Actor, kind: CustomerKind, start_index: int = 0, **fields) -> Contract:
    """A holder, place and contract from checked fields (each refusal on its field, nothing written)."""
    require_role(actor, (Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM))
    clean = validation.collect({**fields, "kind": kind, "start_index": start_index}, ACCOUNT_RULES)
    with uow:
        if uow.session.exec(select(ConsumptionPlace.id).where(ConsumptionPlace.pod == clean["pod"])).first():
            raise ValidationFailed({"pod": ("bounds.pod_taken", {})})
        contract = create_account(uow.session, **clean)
        uow.commit()
        return contract
