"""What the worker's timed jobs leave behind: a marker per reminder sent (one per case and deadline) and the
compensation paid for a missed regulated deadline (one per case). Both are claimed by a unique key, so two
workers scanning at once can never send or pay twice."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.common import money_field, utcnow


# One reminder e-mail sent for one deadline of one case: the row is the "sent" marker the unique key guards.
class CaseReminder(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("case_id", "deadline_name", "due_date", name="ux_casereminder_deadline"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="service_case.id")
    deadline_name: str = Field(max_length=32)
    due_date: date
    sent_at: datetime = Field(default_factory=utcnow)


# The money a customer was credited for a regulated deadline missed by a case (ANRE performance standard,
# DESIGN.md §3): base + per day × working days late, as a credit note settled like any other.
class Compensation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="service_case.id", unique=True)  # exactly once per case
    deadline_kind: str = Field(max_length=64, index=True)  # "<workflow>.<deadline>", e.g. "payment_dispute.answer"
    due_date: date  # moved by any pause the case was closed in
    closed_on: date  # Bucharest day the case closed
    days_late: int  # working days
    amount: Decimal = money_field()
    contract_id: int = Field(foreign_key="contract.id", index=True)
    # written in the transaction that claims the row (the claim comes first: core.accounts.compensation.pay)
    credit_note_id: int | None = Field(default=None, foreign_key="creditnote.id", unique=True)
    paid_at: datetime = Field(default_factory=utcnow, index=True)
