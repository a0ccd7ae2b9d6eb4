"""Moving cases: workflow triggers, claiming and assigning work, internal comments."""

from sqlmodel import Session, select

from core.models import Case, CaseComment, Role, User
from core.online.links import revoke_links
from core.platform import validation
from core.platform.errors import DomainError, NotFound, StaleCase, ValidationFailed
from core.staff.auth import Actor, require_role
from core.workflow import engine, notifications

STAFF = (Role.CLERK, Role.SUPERVISOR)


def load_case(session: Session, case_id: int, expected_version: int | None = None) -> Case:
    """The case, refusing a stale copy: the page showed version N, the row moved on since."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound()
    if expected_version is not None and case.version != expected_version:
        raise StaleCase()
    return case


def fire_trigger(*, uow, case_id: int, expected_version: int, trigger: str, actor: Actor,
                 reason: str | None = None, amount: str | None = None) -> Case:
    """Fires one workflow trigger on a case as one transaction (`amount` for triggers that require one)."""
    with uow:
        case = load_case(uow.session, case_id, expected_version)
        engine.fire(uow.session, case, trigger, actor, reason=reason, amount=amount)
        uow.commit()
        return case


def claim_case(*, uow, case_id: int, expected_version: int, actor: Actor) -> Case:
    """Takes an unassigned (or own) open case into the actor's work."""
    require_role(actor, STAFF)
    with uow:
        case = load_case(uow.session, case_id, expected_version)
        if case.closed_at is not None:
            raise DomainError("assign.closed", number=case.registration_number)
        if case.assignee_id not in (None, actor.user_id):
            raise DomainError("assign.taken")
        _assign(uow.session, case, actor.user_id, actor)
        uow.commit()
        return case


def assign_cases(*, uow, case_ids: list[int], assignee: str, actor: Actor) -> int:
    """Supervisor's bulk assignment: every case or none (a closed one refuses the whole batch)."""
    require_role(actor, (Role.SUPERVISOR,))
    with uow:
        user = uow.session.exec(select(User).where(User.username == assignee, User.active)).first()
        if user is None or user.role not in STAFF:
            raise DomainError("assign.bad_assignee")
        cases = list(uow.session.exec(select(Case).where(Case.id.in_(case_ids))))
        if len(cases) != len(set(case_ids)):
            raise NotFound()
        closed = [c.registration_number for c in cases if c.closed_at is not None]
        if closed:
            raise DomainError("assign.closed", number=", ".join(closed))
        for case in cases:
            _assign(uow.session, case, user.id, actor, to=user.username)
        uow.commit()
        return len(cases)


def _assign(session: Session, case: Case, user_id: int, actor: Actor, to: str | None = None) -> None:
    case.assignee_id = user_id
    engine.record_event(session, case, actor, "assign", assignee=to or actor.username)


def resend_upload_link(*, uow, case_id: int, expected_version: int, actor: Actor) -> Case:
    """The customer lost the e-mail or forwarded it by mistake: earlier links stop working and a fresh
    one goes to the applicant with the documents still awaited."""
    require_role(actor, STAFF)
    with uow:
        case = load_case(uow.session, case_id, expected_version)
        if case.state not in engine.workflow_of(case).document_states or not engine.awaited_documents(
                uow.session, case):
            raise DomainError("upload_link.nothing_awaited")
        revoked = revoke_links(uow.session, case)
        engine.record_event(uow.session, case, actor, "resend_upload_link", revoked_links=revoked)
        notifications.notify(uow.session, case, "upload_link")
        uow.commit()
        return case


def add_comment(*, uow, case_id: int, body: str, actor: Actor) -> CaseComment:
    """An internal note; staff only, never sent to the customer."""
    require_role(actor, STAFF)
    try:
        text = validation.clean_text(body, max_length=validation.COMMENT_MAX, multiline=True)
    except validation.FieldError as err:
        if err.key == "validation.required":
            raise DomainError("comment.empty") from None
        raise ValidationFailed({"body": (err.key, err.params)}) from None
    with uow:
        load_case(uow.session, case_id)
        comment = CaseComment(case_id=case_id, author=actor.username, body=text)
        uow.session.add(comment)
        uow.commit()
        return comment
