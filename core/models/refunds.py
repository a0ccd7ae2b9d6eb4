"""Refunds of credit left on a closed contract: where the money goes (the customer's IBAN), which payment
order file carried it, and the negative payment that recorded it. The case (workflow `refund`) holds the
state, the amount and who proposed it."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from core.models.common import money_field, utcnow

IBAN_LENGTH = 24  # a Romanian IBAN: RO, 2 check digits, 4 letters of the bank, 16 characters of the account
HOLDER_NAME_MAX = 70  # what pain.001 carries as the creditor's name (Max70Text)


# The refund side of one refund case: one row per case; `export_id` is set once, by the export that takes it,
# and `payment_id` once, by the confirmation that records the payment (core.accounts.refunds, with the row held).
class Refund(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="service_case.id", unique=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    iban: str = Field(max_length=IBAN_LENGTH)  # normalised: no spaces, upper case
    holder_name: str = Field(max_length=HOLDER_NAME_MAX)
    export_id: int | None = Field(default=None, foreign_key="refundexport.id", index=True)
    payment_id: int | None = Field(default=None, foreign_key="payment.id")


# One payment order file for the bank (pain.001.001.03 XML and the same lines as CSV), kept to download again.
class RefundExport(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(unique=True, max_length=35)  # GrpHdr/MsgId, also the file name
    created_at: datetime = Field(default_factory=utcnow, index=True)
    created_by: str = Field(max_length=64)
    transfers: int
    total: Decimal = money_field()
    xml: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    csv: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
