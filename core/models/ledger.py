"""The money side of an account beyond invoices and payments: how each credit settled invoices, and the
credit notes that settle upheld disputes. Append-only: a correction is a new row."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from core.models.common import money_field, utcnow

# exactly one source per row: the money came from a payment, a credit note or a credit (negative) invoice
ONE_SOURCE = " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
                     for column in ("payment_id", "credit_note_id", "credit_invoice_id")) + " = 1"


# A share of one credit (payment, credit note or credit invoice) applied to one positive invoice; a
# reversal is a negative row pointing at the original. The table keeps its first name, from when
# payments were the only source.
class PaymentAllocation(SQLModel, table=True):
    __table_args__ = (CheckConstraint(ONE_SOURCE, name="ck_paymentallocation_one_source"),)

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int | None = Field(default=None, foreign_key="payment.id", index=True)
    credit_note_id: int | None = Field(default=None, foreign_key="creditnote.id", index=True)
    credit_invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)  # the invoice settled
    amount: Decimal = money_field()
    reverses_id: int | None = Field(default=None, foreign_key="paymentallocation.id")
    created_at: datetime = Field(default_factory=utcnow, index=True)  # aging as of a past day: what settled since


# A credit on an account: issued on an invoice (an upheld dispute), it settles that invoice first (allocation
# rows), then the oldest open ones; without one (a missed-deadline compensation, core.accounts.compensation: no VAT
# correction, so not an e-invoice) the oldest open ones. Either lowers the balance.
class CreditNote(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=20)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="service_case.id")
    amount: Decimal = money_field()
    reason: str = Field(max_length=1000)
    issued_by: str = Field(max_length=64)
    issued_at: datetime = Field(default_factory=utcnow, index=True)
