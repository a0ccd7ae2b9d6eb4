"""Registering a new-contract request (online contracting, or at the counter): the applicant's fields
checked with the holder-change rules, the consumption place found by POD or address and confirmed
vacant, then case, documents, audit and confirmation e-mail in one transaction."""

from sqlmodel import Session, col, select

from core.models import Case, ConsumptionPlace, Role
from core.online import access
from core.platform import validation
from core.platform.errors import ValidationFailed
from core.platform.row_lock import lock_row
from core.services import intake
from core.services.intake import COMMON_RULES, check_uploads
from core.staff.auth import Actor, require_role
from core.workflow import registry
from core.workflow.guards import place_is_contracted
from workflows import new_contract

SERVICE = "new_contract"  # as the lookup limits count it
APPLICANT_RULES = {name: COMMON_RULES[name] for name in ("applicant_kind", "email", "phone", "handover_index",
                                                         "right_of_use")}


class PlaceRefused(ValidationFailed):
    """The place named cannot take a new contract; `outcome` is what the lookup limits record."""

    def __init__(self, outcome: str, key: str, field: str = "pod", **params):
        self.outcome = outcome
        super().__init__({field: (key, params)})


def clean_form(form: dict) -> dict:
    return intake.clean_form(form, APPLICANT_RULES)


def _find_place(session: Session, clean: dict) -> ConsumptionPlace:
    """The place by its POD, else by its address as written on the invoice (an indexed exact match; a
    near miss asks for the POD). Locked until commit: a second request for the same place waits, then
    sees this one's case."""
    query = select(ConsumptionPlace.id)
    if clean["pod"]:
        query = query.where(ConsumptionPlace.pod == clean["pod"])
    else:
        query = query.where(ConsumptionPlace.address == clean["address"])
    found = session.exec(query.limit(2)).all()
    if not found:
        raise PlaceRefused("unknown", "contracting.place_unknown")
    if len(found) > 1:
        raise PlaceRefused("ambiguous", "contracting.place_ambiguous")
    return lock_row(session, ConsumptionPlace, found[0])


def _vacant_place(session: Session, clean: dict, actor: Actor) -> ConsumptionPlace:
    place = _find_place(session, clean)
    if place_is_contracted(session, place.id):
        raise PlaceRefused("contracted", "contracting.place_has_contract")
    open_case = session.exec(select(Case.registration_number).where(
        Case.place_id == place.id, col(Case.closed_at).is_(None))).first()
    if open_case:  # the number of someone else's request is only told to staff
        if actor.role == Role.CUSTOMER:
            raise PlaceRefused("open_case", "online.open_case_exists")
        raise PlaceRefused("open_case", "contracting.open_case_exists_staff", number=open_case)
    if kind := validation.index_refusal(clean["handover_index"], place.last_index):
        key, params = intake.index_message(clean["handover_index"], place.last_index, actor.role == Role.CUSTOMER,
                                           "contracting.index_below_meter")  # the meter's reading: staff only
        raise PlaceRefused(f"index_{kind}", key, field="handover_index", **params)
    return place


def register_new_contract(*, uow, actor: Actor, form: dict, uploads: list[tuple[str, str, bytes]] = (),
                          channel: str = "counter", language: str = "ro", who: access.Client | None = None,
                          solution: str | None = None) -> Case:
    """Validates everything first, then writes the case with its registration number, documents, audit
    events and confirmation e-mail in one transaction. Given `who` (a public visitor), the place lookup
    counts as a lookup attempt: past the limits it needs `solution`, a solved challenge (core.online.access)."""
    wf = registry.latest(new_contract.WORKFLOW.name)  # new cases run the latest version
    require_role(actor, wf.transition("register").roles)
    clean = clean_form(form)
    checked = check_uploads(list(uploads), set(wf.required_documents(clean["applicant_kind"])))
    attempt_id = access.begin(uow=uow, who=who, service=SERVICE, solution=solution) if who else None
    try:
        with uow:
            place = _vacant_place(uow.session, clean, actor)
            case = intake.open_request(uow.session, wf, clean, place, checked, actor, channel, language)
            if attempt_id:
                access.settle(uow.session, attempt_id, access.FOUND)
            uow.commit()
            return case
    except PlaceRefused as refused:
        if attempt_id:
            with uow:
                access.settle(uow.session, attempt_id, refused.outcome)
                uow.commit()
        raise

