"""Cases run by the workflow engine, their documents, comments and the append-only audit trail."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, LargeBinary, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from core.models.common import code_field, money_field, utcnow


class SlaStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


# A customer request moving through a workflow; `version` refuses stale writes.
class Case(SQLModel, table=True):
    __tablename__ = "service_case"
    __table_args__ = (
        Index("ix_case_state_due", "state", "due_date"),
        Index("ix_case_assignee_state", "assignee_id", "state"),
        Index("ix_case_type_state", "case_type", "state"),
        # the default queue: open cases by deadline
        Index("ix_case_open_due", "due_date", "registered_at", "id",
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
        # queues that include closed cases, in the same order (migration 0015)
        Index("ix_case_due_order", "due_date", "registered_at", "id"),
        # the dashboard's stays still running, entered in a period (migration 0021)
        Index("ix_case_state_entered", "state_entered_at", "case_type", "state"),
        # name search (LIKE '%…%'): pg_trgm GIN on PostgreSQL, a plain index on SQLite (migration 0015)
        Index("ix_service_case_search_name", "search_name", postgresql_using="gin",
              postgresql_ops={"search_name": "gin_trgm_ops"}),
        # at most one open request per consumption place, even when two counters register at once
        # at most one open dispute per invoice
        Index("ux_case_open_invoice", "invoice_id", unique=True,
              sqlite_where=text("closed_at IS NULL AND invoice_id IS NOT NULL"),
              postgresql_where=text("closed_at IS NULL AND invoice_id IS NOT NULL")),
        Index("ux_case_open_place", "place_id", unique=True,
              sqlite_where=text("closed_at IS NULL AND place_id IS NOT NULL"),
              postgresql_where=text("closed_at IS NULL AND place_id IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    registration_number: str = Field(unique=True, index=True, max_length=24)
    case_type: str = Field(max_length=32)
    workflow_version: int
    state: str = Field(max_length=32)
    version: int = Field(default=1)
    assignee_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_by: str = Field(max_length=64)
    channel: str = Field(max_length=16)  # counter, phone, online
    registered_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)  # touched by every change: bumps `version`
    # deadline bookkeeping: which deadline runs, until when, and whether it is paused
    deadline_name: str | None = Field(default=None, max_length=32)
    due_date: date | None = None
    sla_status: SlaStatus = code_field(10, default=SlaStatus.STOPPED)
    sla_paused_on: date | None = None
    # what the queue searches by, copied from the request
    applicant_name: str = Field(max_length=200)
    search_name: str = Field(max_length=200)  # casefolded, without diacritics (search.fold); trigram-indexed
    payment_code: str | None = Field(default=None, index=True, max_length=9)
    client_code: str | None = Field(default=None, index=True, max_length=10)
    pod: str | None = Field(default=None, index=True, max_length=20)
    place_id: int | None = Field(default=None, foreign_key="consumptionplace.id", index=True)
    old_contract_id: int | None = Field(default=None, foreign_key="contract.id")  # the contract concerned
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)  # a disputed invoice
    disputed_amount: Decimal | None = money_field(default=None)
    credit_amount: Decimal | None = money_field(default=None)  # proposed, then granted
    credit_proposed_by: str | None = Field(default=None, max_length=64)
    new_contract_id: int | None = Field(default=None, foreign_key="contract.id")
    verified_by: str | None = Field(default=None, max_length=64)
    closed_at: datetime | None = None
    state_entered_at: datetime | None = None  # the `at` of the event that moved it into its state (core.workflow.stays)
    deadline_missed_at: datetime | None = None  # set once, by the worker, when a running deadline went past
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class DocumentStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


# One uploaded file for a required document type; a replacement keeps the rejected one as history.
class CaseDocument(SQLModel, table=True):
    __table_args__ = (Index("ix_casedocument_case_current", "case_id", "is_current"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="service_case.id")
    doc_type: str = Field(max_length=32)
    file_name: str = Field(max_length=255)
    content_type: str = Field(max_length=64)  # detected from the bytes, not the extension
    size: int
    sha256: str = Field(max_length=64)
    content_id: int = Field(foreign_key="documentcontent.id")
    status: DocumentStatus = code_field(10, default=DocumentStatus.PENDING)
    is_current: bool = True
    replaces_id: int | None = Field(default=None, foreign_key="casedocument.id")
    uploaded_by: str = Field(max_length=64)
    uploaded_at: datetime = Field(default_factory=utcnow)
    reviewed_by: str | None = Field(default=None, max_length=64)
    reviewed_at: datetime | None = None
    review_reason: str | None = Field(default=None, max_length=500)


# The bytes of a document, apart so that listing documents never loads files.
class DocumentContent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# An internal note on a case, never shown to the customer.
class CaseComment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="service_case.id", index=True)
    author: str = Field(max_length=64)
    body: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)


# Append-only record of every action: who, role, when, what, from -> to, why. Rows are chained by SHA-256
# (core.platform.audit): each carries the hash of the row before it and of its own canonical content.
class AuditEvent(SQLModel, table=True):
    __table_args__ = (
        Index("ix_auditevent_case_at", "case_id", "at"),
        Index("ix_auditevent_state_at", "to_state", "at"),  # closings in a period (dashboard, queue filter)
        # the dashboard's cycle times and weekly closings, and its ended stays: read from the index alone
        Index("ix_auditevent_closings", "at", "workflow", "working_days", "from_state", "to_state",
              sqlite_where=text("working_days IS NOT NULL"), postgresql_where=text("working_days IS NOT NULL")),
        Index("ix_auditevent_stays", "entered_at", "workflow", "from_state", "at",
              sqlite_where=text("entered_at IS NOT NULL"), postgresql_where=text("entered_at IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)  # the row's place in the chain: 1, 2, 3, ... without gaps
    case_id: int | None = Field(default=None, foreign_key="service_case.id")  # None: not about one case
    subject: str | None = Field(default=None, max_length=64)  # what else it is about, e.g. "payment:42"
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64)
    role: str = Field(max_length=16)
    trigger: str = Field(max_length=40)  # the action: a workflow trigger, or e.g. "record_payment"
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str | None = Field(default=None, max_length=32)
    reason: str | None = Field(default=None, max_length=1000)
    workflow: str | None = Field(default=None, max_length=32)
    workflow_version: int | None = None
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # derived when written (core.workflow.stays), outside the hash: migration 0021 filled them on chained rows
    entered_at: datetime | None = None  # a state change: when the state it leaves was entered
    working_days: int | None = None  # a closing: working days from the case's registration
    prev_hash: str = Field(max_length=64)
    row_hash: str = Field(max_length=64)


# The end of the audit chain (one row): the last position and hash, taken and moved by one conditional
# UPDATE in the transaction that appends, so two writers can never link to the same row.
class AuditHead(SQLModel, table=True):
    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(max_length=64)


# One verification of the whole chain (the worker's daily run, or `python -m core.platform.audit verify`).
class AuditVerification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    ok: bool
    rows: int  # rows checked
    head_seq: int
    head_hash: str = Field(max_length=64)
    broken_seq: int | None = None  # the first position where the chain does not hold
    problem: str | None = Field(default=None, max_length=40)  # edited, missing, inserted, link, head
