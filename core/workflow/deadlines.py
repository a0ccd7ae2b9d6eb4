"""Deadline bookkeeping: a transition's deadline events start, pause, resume or stop the case's clock
(working days, DESIGN.md §3); a pause waiting for the customer moves the due date by the days it lasted."""

from core.models import Case, SlaStatus, utcnow
from core.platform.config import settings
from core.platform.workdays import add_working_days, extend_by_pause, local_time
from core.workflow.events import DeadlinePaused, DeadlineResumed, DeadlineStarted, DeadlineStopped, subscribe
from core.workflow.registry import workflow_of
from core.workflow.spec import Sla, SlaAction, Workflow


def apply_sla(case: Case, wf: Workflow, sla: Sla) -> None:
    now = utcnow()
    today = local_time(now).date()
    if sla.action is SlaAction.START:
        days = getattr(settings, wf.deadlines[sla.deadline])
        case.deadline_name, case.due_date = sla.deadline, add_working_days(now, days)
        case.sla_status, case.sla_paused_on = SlaStatus.RUNNING, None
    elif sla.action is SlaAction.PAUSE:
        case.sla_status, case.sla_paused_on = SlaStatus.PAUSED, today
    elif sla.action is SlaAction.RESUME and case.sla_paused_on:
        case.due_date = extend_by_pause(case.due_date, case.sla_paused_on, today)
        case.sla_status, case.sla_paused_on = SlaStatus.RUNNING, None
    elif sla.action is SlaAction.STOP:
        case.sla_status = SlaStatus.STOPPED


_ACTIONS = {DeadlinePaused: SlaAction.PAUSE, DeadlineResumed: SlaAction.RESUME, DeadlineStopped: SlaAction.STOP}


@subscribe(DeadlineStarted, *_ACTIONS)
def _on_deadline_event(session, event) -> None:
    sla = Sla(SlaAction.START, event.deadline) if isinstance(event, DeadlineStarted) else Sla(_ACTIONS[type(event)])
    apply_sla(event.case, workflow_of(event.case), sla)
    session.add(event.case)
