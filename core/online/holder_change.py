"""A change of holder asked for on the public site. The codes from the invoice are checked like every
public lookup (recorded, one neutral answer, slowed then blocked when repeated); the request is then
registered exactly as at the counter, and the applicant gets on screen the upload link the e-mail carries."""

from core.auth import customer_actor
from core.errors import ValidationFailed
from core.models import Case, ContractStatus
from core.online import access
from core.online.links import links_issued
from core.services import intake

SERVICE = "holder_change"


def request_holder_change(*, uow, who: access.Client, form: dict, language: str) -> tuple[Case, str | None]:
    """Registers the request; returns the case and its private upload link (None when nothing is missing).
    Field format errors come first and are not lookups; a wrong payment/client code pair is the neutral
    refusal; a consumption place, CNP/CUI or index that does not fit the contract also counts as a failure."""
    clean = intake.clean_form(form)
    access.find_contract(uow=uow, who=who, service=SERVICE, payment_code=clean["payment_code"],
                         matches=lambda _session, contract: contract.status == ContractStatus.ACTIVE
                         and contract.client_code == clean["client_code"])
    try:
        with links_issued() as links:
            case = intake.register_holder_change(uow=uow, actor=customer_actor(), form=form, channel="online",
                                                 language=language)
    except ValidationFailed as failed:
        if any(not key.startswith("validation.") for key, _params in failed.errors.values()):  # not a typo
            with uow:
                access.record(uow.session, who, SERVICE, "mismatch", False, clean["payment_code"])
                uow.commit()
        raise
    return case, links.get(case.id)
