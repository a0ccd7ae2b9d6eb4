"""The staff e-Factura list's filters as an address (`efactura?state=invalid`, `efactura?due_soon=1`): what the
dashboard's figures link to, and what a typed or shared address is read back into, as hostile input."""

from collections.abc import Mapping

from core.efactura.listing import STATE_CHOICES, SubmissionFilter
from core.models import EfacturaSubmission
from core.platform import validation
from ui.queue_widgets import days_param, parse_days

PARAMS = ("state", "due_soon", "late", "issued", "number")


def from_params(params: Mapping[str, str]) -> SubmissionFilter:
    """The filters an address carries, each through the one text boundary; anything malformed is left out."""
    state = validation.text_or_none(params.get("state"), 16)
    return SubmissionFilter(state=state if state in STATE_CHOICES else None, due_soon=params.get("due_soon") == "1",
                            late=params.get("late") == "1", issued=parse_days(params.get("issued")),
                            number=validation.text_or_none(params.get("number"),
                                                           validation.length_of(EfacturaSubmission.number)))


def to_params(filters: SubmissionFilter) -> dict[str, str]:
    """The filters as query parameters (only those set): `efactura?state=invalid`, `efactura?due_soon=1`."""
    params = {"state": filters.state, "due_soon": "1" if filters.due_soon else None,
              "late": "1" if filters.late else None, "issued": days_param(filters.issued) if filters.issued else None,
              "number": filters.number}
    return {name: value for name, value in params.items() if value}
