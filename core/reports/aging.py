"""Receivables aging: for each account, what was still to pay at the end of the period, split by how
long past its due date (current, 1–30, 31–60, 61–90, over 90 days). One SQL aggregation for both
databases: each invoice's maintained open amount (core.accounts.allocation) taken back to that day, bucketed by
due date (the bucket limits are dates computed here, so no date arithmetic in SQL). An account whose
invoices were all settled by then is not listed."""

from datetime import timedelta

from sqlalchemy import case as when
from sqlalchemy import func, union
from sqlmodel import Session, select

from core.accounts import allocation
from core.accounts.money import money
from core.models import Contract, Customer, Invoice
from core.platform import xlsx
from core.reports.base import Column, Filters, Period, Report, Table, count, name_for, stream
from core.staff.auth import Actor

BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
COLUMNS = [
    Column("contract", xlsx.TEXT, 16), Column("payment_code", xlsx.TEXT, 12), Column("holder", xlsx.TEXT, 26),
    *[Column(bucket, xlsx.MONEY, 14, total=True) for bucket in BUCKETS],
    Column("total_open", xlsx.MONEY, 14, total=True), Column("oldest_due", xlsx.DAY_CELL, 12),
]


def open_invoices(period: Period):
    """Each invoice issued by the period's end with what was still open on it then (open > 0 only): its
    open amount now plus what settled it since. Only invoices open now (ix_invoice_open_due) or settled
    since (ix_paymentallocation_created_at) can qualify, so a recent period reads few rows."""
    _, end = period.bounds()
    since = allocation.settled_since(end)
    candidates = union(select(Invoice.id.label("id")).where(allocation.is_open()),
                       select(since.c.invoice_id.label("id"))).subquery()
    open_then = func.round(Invoice.open_amount + func.coalesce(since.c.amount, 0), 2)
    return (select(Invoice.contract_id, Invoice.due_date, open_then.label("open_amount"))
            .join(candidates, candidates.c.id == Invoice.id)
            .join(since, since.c.invoice_id == Invoice.id, isouter=True)
            .where(Invoice.issue_date <= period.date_to, Invoice.total > 0, open_then > 0).subquery())


def build(session: Session, actor: Actor, period: Period, filters: Filters) -> list[Table]:
    invoices = open_invoices(period)
    on = period.date_to
    limits = [on, on - timedelta(days=30), on - timedelta(days=60), on - timedelta(days=90)]
    due, amount = invoices.c.due_date, invoices.c.open_amount
    buckets = [
        func.sum(when((due >= limits[0], amount), else_=0)),  # not yet due on that day
        *[func.sum(when(((due < newer) & (due >= older), amount), else_=0))
          for newer, older in zip(limits, limits[1:], strict=False)],
        func.sum(when((due < limits[3], amount), else_=0)),
    ]
    statement = (select(Contract.number, Contract.payment_code, Customer.name, *buckets, func.sum(amount),
                        func.min(due))
                 .join(Contract, Contract.id == invoices.c.contract_id)
                 .join(Customer, Customer.id == Contract.customer_id)
                 .group_by(Contract.id, Contract.number, Contract.payment_code, Customer.name).order_by(Contract.id))
    return [Table("aging", COLUMNS, _rows(session, statement, actor), count(session, statement))]


def _rows(session: Session, statement, actor: Actor):
    name = name_for(actor.role)
    for number, payment_code, holder, *figures, oldest_due in stream(session, statement):
        yield number, payment_code, name(holder), *[money(figure) for figure in figures], oldest_due


REPORT = Report("aging", build)
