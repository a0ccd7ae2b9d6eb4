"""Payments collected in the period: the total per day and channel (grouped while streaming, ordered by
day, so only one day's channels are held at a time), and every payment and reversal as a row."""

from collections.abc import Iterator
from decimal import Decimal

from sqlmodel import Session, select

from core.accounts.ledger import channel_label
from core.accounts.money import money
from core.models import Contract, Customer, Payment
from core.platform import xlsx
from core.platform.workdays import local_time
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
    by_day = select(Payment.paid_at, Payment.channel, Payment.amount).where(
        Payment.paid_at >= start, Payment.paid_at < end).order_by(Payment.paid_at, Payment.id)
    rows = count(session, statement)
    days = (period.date_to - period.date_from).days + 1  # an estimate, for the progress bar only
    return [Table("per_day", PER_DAY, _per_day(session, by_day), min(rows, days)),
            Table("payments", ROWS, _rows(session, statement, actor), rows)]


def _per_day(session: Session, statement) -> Iterator[tuple]:
    day, sums = None, {}
    for paid_at, channel, amount in stream(session, statement):
        on = local_time(paid_at).date()
        if on != day:
            yield from _day_rows(day, sums)
            day, sums = on, {}
        payments, total = sums.get(channel, (0, Decimal(0)))
        sums[channel] = (payments + 1, total + money(amount))
    yield from _day_rows(day, sums)


def _day_rows(day, sums: dict) -> Iterator[tuple]:
    for channel in sorted(sums):
        yield day, channel_label(channel), *sums[channel]


def _rows(session: Session, statement, actor: Actor):
    name, note_shown = name_for(actor.role), free_text_for(actor.role)
    for paid_at, channel, reference, contract, payment_code, holder, amount, reverses, note in stream(
            session, statement):
        yield (paid_at, channel_label(channel), reference, contract, payment_code, name(holder), money(amount),
               yes_no(reverses is not None), note_shown(note, holder))


REPORT = Report("payments", build)
