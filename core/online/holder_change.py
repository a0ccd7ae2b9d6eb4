"""A change of holder asked for on the public site. The codes from the invoice are checked like every
public lookup (recorded before the answer, one neutral answer, a challenge past the limits); the request is then
registered exactly as at the counter, and the applicant gets on screen the upload link the e-mail carries."""

from core.models import Case, ContractStatus
from core.online import access
from core.online.links import links_issued
from core.platform.errors import DomainError, ValidationFailed
from core.services import intake
from core.staff.auth import customer_actor

SERVICE = "holder_change"


def request_holder_change(*, uow, who: access.Client, form: dict, language: str,
                          solution: str | None = None) -> tuple[Case, str | None]:
    """Registers the request; returns the case and its private upload link (None when nothing is missing).
    Field format errors come first and are not lookups; a wrong payment/client code pair is the neutral
    refusal; a consumption place, CNP/CUI or index that does not fit the contract also counts as a failure.
    The attempt stays pending (a failure) until the request is registered, so parallel guesses count."""
    clean = intake.clean_form(form)
    attempt_id = access.begin(uow=uow, who=who, service=SERVICE, payment_code=clean["payment_code"],
                              solution=solution)
    outcome = "mismatch"
    try:
        with uow:
            contract_id, outcome = access.match(
                uow.session, clean["payment_code"], lambda _session, contract:
                contract.status == ContractStatus.ACTIVE and contract.client_code == clean["client_code"])
        if contract_id is None:
            raise DomainError(access.NOT_FOUND)
        with links_issued() as links:
            case = intake.register_holder_change(uow=uow, actor=customer_actor(), form=form, channel="online",
                                                 language=language)
        return case, links.get(case.id)
    except ValidationFailed as failed:
        if any(not key.startswith("validation.") for key, _params in failed.errors.values()):  # not a typo
            outcome = "mismatch"
        raise
    finally:
        with uow:
            access.settle(uow.session, attempt_id, outcome)
            uow.commit()
