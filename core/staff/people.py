"""Who did something, as a person reads it: rows and events store the username ("clerk", "customer"),
screens and reports show the staff member's full name, or the catalogue's word for a non-staff actor."""

from collections.abc import Iterable
from dataclasses import replace

from sqlmodel import select

from core.cases.queries import CaseView
from core.models import User
from core.platform.i18n import has_key, t


def display_names(*, uow, usernames: Iterable[str | None]) -> dict[str, str]:
    """Username -> what to show: a staff member's display name, "client" for the online customer and the
    other fixed actors (`people.<username>` in the catalogue), else the username itself."""
    wanted = {name for name in usernames if name}
    with uow:
        staff = dict(uow.session.exec(select(User.username, User.display_name).where(User.username.in_(wanted)))
                     .all()) if wanted else {}
    return {name: staff.get(name) or (t(f"people.{name}") if has_key(f"people.{name}") else name) for name in wanted}


def with_names(*, uow, view: CaseView) -> CaseView:
    """The case as a person reads it: every username in it (assignee, uploads, reviews, the timeline,
    the credit's proposer and approver) replaced by `display_names`."""
    dispute = view.dispute
    names = display_names(uow=uow, usernames=[
        view.assignee, view.verified_by, *(d.uploaded_by for d in view.documents),
        *(d.reviewed_by for d in view.documents), *(e.actor for e in view.timeline),
        *(e.details.get("assignee") for e in view.timeline),
        *((dispute.credit_proposed_by, dispute.credit_approved_by) if dispute else ())])

    def name(username: str | None) -> str | None:
        return names.get(username, username) if username else username

    timeline = [replace(e, actor=name(e.actor),
                        details={**e.details, "assignee": name(e.details["assignee"])} if "assignee" in e.details
                        else e.details) for e in view.timeline]
    documents = [replace(d, uploaded_by=name(d.uploaded_by), reviewed_by=name(d.reviewed_by)) for d in view.documents]
    if dispute:
        dispute = replace(dispute, credit_proposed_by=name(dispute.credit_proposed_by),
                          credit_approved_by=name(dispute.credit_approved_by))
    return replace(view, assignee=name(view.assignee), verified_by=name(view.verified_by), documents=documents,
                   timeline=timeline, dispute=dispute)
