"""RO e-Factura: one submission per invoice or credit note, from the checked XML to the authority's answer."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from core.models.common import code_field, utcnow


# A document on its way to the tax authority (workflows/efactura_submission.py names the states). A worker
# claims it for one attempt (claimed_by, until claimed_until) in a committed conditional UPDATE that counts
# the attempt, talks to the authority outside any transaction, and records the outcome only while the claim
# is still its own, as the outbox does.
class EfacturaSubmission(SQLModel, table=True):
    __table_args__ = (Index("ix_efacturasubmission_state_next", "state", "next_attempt_at"),
                      # the staff list: a state's documents by deadline, and an issue period
                      Index("ix_efacturasubmission_state_deadline", "state", "deadline", "id"),
                      Index("ix_efacturasubmission_issue_date", "issue_date", "id"))

    id: int | None = Field(default=None, primary_key=True)
    document_key: str = Field(unique=True, max_length=40)  # "invoice:<id>" or "credit-note:<id>"
    # the row it reports (one of the two): new documents are those past the highest one already prepared
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)
    credit_note_id: int | None = Field(default=None, foreign_key="creditnote.id", index=True)
    number: str = Field(index=True, max_length=20)  # the document's own number (invoice series, NC-...)
    issue_date: date
    deadline: date = Field(index=True)  # the last day the law allows for reporting it
    state: str = code_field(12)
    xml: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # exactly what is (or was) sent; empty when
    # the document could not be built (an address we cannot read: failed_rules says why)
    failed_rules: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # ours or theirs
    upload_index: str | None = Field(default=None, max_length=40)  # the authority's index_incarcare
    download_id: str | None = Field(default=None, max_length=40)  # its id_descarcare of the answer
    answer_zip: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))  # signed answer
    attempts: int = 0  # of the current step (upload, then polling)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = Field(default=None, max_length=500)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = None
    # an upload in flight (set by the claim, cleared by the answer), and the first upload whose answer never came
    # (a timeout after sending, or a worker that died): until the authority lists it or EFACTURA_RESUME_WAIT_MINUTES
    # pass, the document is looked for rather than sent again
    upload_sent_at: datetime | None = None
    unanswered_upload_at: datetime | None = None
    version: int = 1  # bumped by each re-check in its conditional UPDATE: two clicks on one version, one wins
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
