"""What the timed jobs have done and will do to one case, for its page: the reminder and cancellation ahead,
the missed deadline, the compensation credited. Read-only."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.accounts import compensation
from core.accounts.money import money
from core.cases.queries import READERS, today
from core.models import Case
from core.platform.errors import NotFound
from core.platform.workdays import local_time
from core.staff.auth import Actor, require_role
from core.workflow import timed_jobs
from core.workflow.timed_jobs import TimedEvent


@dataclass(frozen=True)
class CompensationLine:
    amount: Decimal
    days_late: int
    credit_note: str
    paid_on: date


@dataclass(frozen=True)
class CaseTimed:
    ahead: list[TimedEvent]
    deadline_missed_on: date | None
    compensation: CompensationLine | None


def case_timed(*, uow, actor: Actor, case_id: int) -> CaseTimed:
    require_role(actor, READERS)
    with uow:
        case = uow.session.get(Case, case_id)
        if case is None:
            raise NotFound()
        paid = compensation.compensation_of(uow.session, case_id)
        line = (CompensationLine(money(paid[0].amount), paid[0].days_late, paid[1], local_time(paid[0].paid_at).date())
                if paid else None)
        missed = local_time(case.deadline_missed_at).date() if case.deadline_missed_at else None
        return CaseTimed(timed_jobs.ahead(uow.session, case, today()), missed, line)
