"""The handover index checked before a holder change closes the old contract: the last billed and the last
read index, and the final invoice the handover index implies, computed by the same line rules that will
issue it (core.accounts.billing.invoice_lines), so the clerk sees a credit coming before it is issued."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from core.accounts import billing
from core.accounts.invoice_lines import Line, totals
from core.models import Case, Contract, ContractStatus, Invoice, InvoiceKind, Role, utcnow
from core.platform.errors import NotFound
from core.platform.workdays import local_time
from core.staff.auth import Actor, require_role

STAFF = (Role.CLERK, Role.SUPERVISOR)


@dataclass(frozen=True)
class HandoverPreview:
    last_billed_index: int
    last_read_index: int
    handover_index: int
    kwh: int  # what the final invoice bills: negative when the estimates billed beyond the handover index
    total: Decimal | None  # the final invoice's total; None when the index is refused
    lines: tuple[Line, ...]

    @property
    def below_last_reading(self) -> bool:
        """Refused: the meter was read higher than this (the guard handover_index_not_below_meter)."""
        return self.handover_index < self.last_read_index

    @property
    def is_credit(self) -> bool:
        """Allowed, but the final invoice gives back what the estimates billed beyond the handover index."""
        return not self.below_last_reading and self.handover_index < self.last_billed_index


def final_period(session: Session, contract: Contract, on: date) -> tuple[date, date]:
    """A final invoice bills from the day after the last billed period (the contract's start if none) to `on`."""
    last_end = session.exec(select(Invoice.period_end).where(Invoice.contract_id == contract.id)
                            .order_by(Invoice.period_end.desc()).limit(1)).first()
    return (last_end + timedelta(days=1) if last_end else contract.start_date), on


def preview_final(session: Session, contract: Contract, index: int, on: date) -> HandoverPreview:
    history = billing.meter_history(session, contract)
    if index < history.last_read_index:
        return HandoverPreview(history.last_billed_index, history.last_read_index, index,
                               index - history.last_billed_index, None, ())
    start, end = final_period(session, contract, on)
    lines = billing.invoice_lines(history, kind=InvoiceKind.FINAL, new_index=index, period_start=start,
                                  period_end=end, issue_date=on)
    sums = totals(lines)
    return HandoverPreview(history.last_billed_index, history.last_read_index, index, sums.kwh, sums.total,
                           tuple(lines))


def handover_preview(*, uow, case_id: int, actor: Actor) -> HandoverPreview | None:
    """The preview for an open holder-change case whose old contract is still active, else None (a new
    contract closes nothing; an issued one has its final invoice)."""
    require_role(actor, STAFF)
    with uow:
        s = uow.session
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound()
        old = s.get(Contract, case.old_contract_id) if case.old_contract_id else None
        index = case.data.get("handover_index")
        if case.closed_at is not None or old is None or old.status != ContractStatus.ACTIVE or index is None:
            return None
        return preview_final(s, old, index, local_time(utcnow()).date())
