"""The money side of an account beyond invoices and payments: how each payment was allocated to
invoices, and the credit notes that settle upheld disputes. Append-only: a correction is a new row."""

from datetime import datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel

from core.models.common import money_field, utcnow


# A share of a payment applied to one invoice; a reversal is a negative row pointing at the original.
class PaymentAllocation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount: Decimal = money_field()
    reverses_id: int | None = Field(default=None, foreign_key="paymentallocation.id")
    created_at: datetime = Field(default_factory=utcnow)


# A credit issued on an invoice (an upheld dispute); it lowers the invoice's open amount and the balance.
class CreditNote(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=20)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="service_case.id")
    amount: Decimal = money_field()
    reason: str = Field(max_length=1000)
    issued_by: str = Field(max_length=64)
    issued_at: datetime = Field(default_factory=utcnow, index=True)
