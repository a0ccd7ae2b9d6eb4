"""Customers, consumption places, supply contracts, invoices and payments."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from core.models.common import code_field, money_field, utcnow


class CustomerKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


# A contract holder: a person identified by CNP or a company identified by CUI.
class Customer(SQLModel, table=True):
    # name search is LIKE '%…%': on PostgreSQL a pg_trgm GIN index answers it (migration 0015); SQLite keeps
    # a plain index of the same name (it has no trigram index, and scans the folded column)
    __table_args__ = (Index("ix_customer_search_name", "search_name", postgresql_using="gin",
                            postgresql_ops={"search_name": "gin_trgm_ops"}),)

    id: int | None = Field(default=None, primary_key=True)
    kind: CustomerKind = code_field(10)
    name: str = Field(max_length=200)
    search_name: str = Field(default="", max_length=200)  # casefolded, no diacritics (ix_customer_search_name)
    national_id: str = Field(index=True, max_length=13)  # CNP or CUI, digits only
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=20)  # E.164
    correspondence_address: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


# The place where electricity is consumed; its POD never changes with the holder.
class ConsumptionPlace(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    pod: str = Field(unique=True, index=True, max_length=20)
    address: str = Field(index=True, max_length=300)
    meter_serial: str = Field(max_length=30)
    last_index: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class ContractStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


# A supply contract binding one holder to one consumption place for a period.
class Contract(SQLModel, table=True):
    __table_args__ = (
        Index("ix_contract_place_status", "place_id", "status"),
        # one active contract per consumption place
        Index("ux_contract_active_place", "place_id", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, index=True, max_length=30)
    client_code: str = Field(index=True, max_length=10)
    payment_code: str = Field(unique=True, index=True, max_length=9)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    place_id: int = Field(foreign_key="consumptionplace.id")
    status: ContractStatus = code_field(10, default=ContractStatus.ACTIVE)
    start_date: date
    start_index: int = 0
    end_date: date | None = None
    end_index: int | None = None
    # invoice delivery the holder confirmed online (DeliveryConsent keeps the history)
    e_invoice_email: str | None = Field(default=None, max_length=254)
    sms_phone: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class InvoiceKind(StrEnum):
    ESTIMATE = "estimate"
    REGULARISATION = "regularisation"
    FINAL = "final"


# An issued invoice; its amounts are the sums of its lines (InvoiceLine), each line at its own VAT rate.
class Invoice(SQLModel, table=True):
    __table_args__ = (
        Index("ix_invoice_contract_issue", "contract_id", "issue_date"),
        Index("ix_invoice_place_issue", "place_id", "issue_date"),
        # receivables still open, by due date: overdue receivables and aging read only these rows
        Index("ix_invoice_open_due", "due_date", "open_amount",
              sqlite_where=text("open_amount > 0"), postgresql_where=text("open_amount > 0")),
    )

    id: int | None = Field(default=None, primary_key=True)
    invoice_number: str = Field(unique=True, index=True, max_length=11)  # the 11-digit invoice ID
    series: str = Field(unique=True, max_length=20)  # e.g. 22EI13345776
    contract_id: int = Field(foreign_key="contract.id")
    place_id: int = Field(foreign_key="consumptionplace.id")
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: InvoiceKind = code_field(16)
    issue_date: date
    due_date: date = Field(index=True)  # overdue receivables and aging read by due date
    period_start: date
    period_end: date
    old_index: int
    new_index: int
    kwh: int
    value_net: Decimal = money_field()
    vat_rate: Decimal = Field(max_digits=5, decimal_places=4)  # in force on the issue date; lines may differ
    vat: Decimal = money_field()
    total: Decimal = money_field()
    open_amount: Decimal = money_field(default=Decimal("0.00"))
    balance_at_issue: Decimal = money_field()
    correspondence_address: str = Field(max_length=300)
    issued_by: str = Field(max_length=64)  # who issued it: "billing" for the periodic run, else a username
    created_at: datetime = Field(default_factory=utcnow)


class LineKind(StrEnum):
    CONSUMPTION = "consumption"  # kWh of the invoice's own period, at the rate of that period
    CORRECTION = "correction"  # kWh an earlier invoice billed, corrected at the rate it was charged


# One line of an invoice: kWh at one VAT rate. An invoice has at most one line per (kind, rate), and
# its net value, VAT and total are the sums of its lines (what the PDF and the e-Factura XML show).
class InvoiceLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    position: int  # 1, 2, ... in the order shown
    kind: LineKind = code_field(16, default=LineKind.CONSUMPTION)
    period_start: date
    period_end: date
    kwh: int  # negative on a correction that credits over-estimated kWh
    unit_price_net: Decimal = Field(max_digits=10, decimal_places=4)  # lei per kWh without VAT
    value_net: Decimal = money_field()
    vat_rate: Decimal = Field(max_digits=5, decimal_places=4)
    vat: Decimal = money_field()
    total: Decimal = money_field()


PAYMENT_REFERENCE_MAX = 64  # a counter, bank or card reference ("card:<id>", the id at most 59 characters)
REVERSAL_SUFFIX = "-STORNO"  # a reversal keeps the original's whole reference, so the column holds both


# Money received for a contract; the processor reference makes it idempotent.
class Payment(SQLModel, table=True):
    __table_args__ = (
        Index("ix_payment_contract_paid", "contract_id", "paid_at"),
        # a payment is reversed at most once, even by two supervisors at the same instant; also the index
        # behind "is this payment reversed?"
        Index("ux_payment_reverses_once", "reverses_id", unique=True,
              sqlite_where=text("reverses_id IS NOT NULL"), postgresql_where=text("reverses_id IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    amount: Decimal = money_field()
    paid_at: datetime = Field(default_factory=utcnow, index=True)  # collections per day
    channel: str = Field(max_length=20)  # counter, bank, online
    reference: str = Field(unique=True, max_length=PAYMENT_REFERENCE_MAX + len(REVERSAL_SUFFIX))
    reverses_id: int | None = Field(default=None, foreign_key="payment.id")  # a compensating (negative) entry
    note: str | None = Field(default=None, max_length=500)  # why a reversal was made
    recorded_by: str = Field(max_length=64)  # who recorded it: a username, or "processor"/"system"
    created_at: datetime = Field(default_factory=utcnow)


# A named counter for human-facing numbers (registration, contract, codes).
class NumberSequence(SQLModel, table=True):
    name: str = Field(primary_key=True, max_length=40)
    next_value: int = 1
