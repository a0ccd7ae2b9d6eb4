"""Payments collected in the period: the total per day and channel (read from the daily summary kept on write),
and every payment and reversal as a row."""

from collections.abc import Iterator

from sqlmodel import Session, select

from core.accounts.ledger import channel_label
from core.accounts.money import money
from core.models import Contract, Customer, Payment, PaymentDay
from core.platform import xlsx
from core.reports.base import Column, Filters, Period, Report, Table, count, name_for, stream, yes_no
from core.staff.auth import Actor
from core.staff.masking import free_text_for

PER_DAY = [Column("day", xlsx.DAY_CELL, 12), Column("channel", xlsx.TEXT, 14),
           Column("payments", xlsx.INT, 12, total=True), Column("amount", xlsx.MONEY, 16, total=True)]
ROWS = [
    Column("paid_at", xlsx.MOMENT_CELL, 17), Column("channel", xlsx.TEXT, 14), Column("reference", xlsx.TEXT, 24),
    Column("contract", xlsx.TEXT, 16), Column("payment_code", xlsx.TEXT, 12), Column("holder", xlsx.TEXT, 26),
    Column("amount", xlsx.MONEY, 14, total=True), Column("reversal", xlsx.TEXT, 10), Column("note", xlsx.TEXT, 40),
]


def build(session: Session, actor: Actor, period: Period, filters: Filters) -> list[Table]:
    start, end = period.bounds()
    statement = (select(Payment.paid_at, Payment.channel, Payment.reference, Contract.number, Contract.payment_code,
                        Customer.name, Payment.amount, Payment.reverses_id, Payment.note)
                 .join(Contract, Contract.id == Payment.contract_id).join(Customer, Customer.id == Contract.customer_id)
                 .where(Payment.paid_at >= start, Payment.paid_at < end).order_by(Payment.paid_at, Payment.id))
    by_day = (select(PaymentDay.day, PaymentDay.channel, PaymentDay.payments, PaymentDay.amount)
              .where(PaymentDay.day >= period.date_from, PaymentDay.day <= period.date_to)
              .order_by(PaymentDay.day, PaymentDay.channel))
    return [Table("per_day", PER_DAY, _per_day(session, by_day), count(session, by_day)),
            Table("payments", ROWS, _rows(session, statement, actor), count(session, statement))]


def _per_day(session: Session, statement) -> Iterator[tuple]:
    """The daily summary kept on write (core.accounts.payment_days): one row per Bucharest day and channel."""
    for day, channel, payments, amount in stream(session, statement):
        yield day, channel_label(channel), payments, money(amount)


def _rows(session: Session, statement, actor: Actor):
    name, note_shown = name_for(actor.role), free_text_for(actor.role)
    for paid_at, channel, reference, contract, payment_code, holder, amount, reverses, note in stream(
            session, statement):
        yield (paid_at, channel_label(channel), reference, contract, payment_code, name(holder), money(amount),
               yes_no(reverses is not None), note_shown(note, holder))


REPORT = Report("payments", build)
