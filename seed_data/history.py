"""A contract's past months replayed through core.accounts.billing: an invoice every month (estimated, with a
regularisation every six), each followed by its payment on time, late, in part or not at all. Most places
are estimated below their real use; some above, so their regularisations and handovers credit kWh."""

import heapq
import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import Session

from core.accounts import allocation
from core.accounts.billing import issue_invoice, record_payment
from core.accounts.money import money
from core.models import Contract, InvoiceKind, clock_at, utcnow
from core.staff.auth import BILLING, SYSTEM

CHANNELS = ("online", "bank", "counter")


@dataclass
class Profile:
    """How one consumption place uses and pays for electricity, and its meter while replaying."""

    monthly_kwh: int  # yearly average
    billing_day: int
    regularisation_month: int  # month % 6 on which the real index is read and billed
    pays_until: datetime  # a debtor stopped paying at this moment; a good payer's is "now"
    actual: int  # real meter index
    billed: int  # last billed index
    read_on: date  # the day both indexes refer to: the end of the last billed month
    estimate_share: float = 0.85  # an estimate bills this share of the expected use (above 1: over-estimated)

    def handover_index(self, rng: random.Random, on: date) -> int:
        """The index read on the day the holder changes: what was billed plus the use since; where the
        estimates ran ahead of the meter, halfway between the real index and the billed one (the final
        invoice credits the rest)."""
        days = max((on - self.read_on).days, 1)
        use = round(self.monthly_kwh * days / 30 * rng.uniform(0.85, 1.15)) + 1
        if self.billed > self.actual:
            return self.actual + (self.billed - self.actual) // 2
        return self.actual + use

    def hand_over(self, index: int, on: date, pays_until: datetime) -> None:
        """The meter as the new holder takes it: billed from the handover index on."""
        self.actual = self.billed = index
        self.read_on, self.pays_until = on, pays_until


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _seasonal(month: int) -> float:
    """Winter uses more than summer: 1.2 in January, 0.8 in July."""
    return 1 + 0.2 * math.cos(2 * math.pi * (month - 1) / 12)


def bill_contract(session: Session, rng: random.Random, contract: Contract, profile: Profile, *,
                  first_month: date, until: datetime) -> None:
    """Issues the monthly invoices for the months from `first_month` whose issue moment is before `until`,
    and their payments up to now, in time order so each balance at issue counts only earlier payments."""
    due_payments: list[tuple[datetime, str, Decimal, str]] = []
    month = first_month.replace(day=1)
    while True:
        next_month = add_months(month, 1)
        issued_at = datetime.combine(next_month.replace(day=profile.billing_day), time(6), UTC)
        if issued_at >= until:
            break
        _record_payments(session, contract, due_payments, before=issued_at)
        expected = profile.monthly_kwh * _seasonal(month.month)
        profile.actual += round(expected * rng.uniform(0.85, 1.15))
        regularise = month.month % 6 == profile.regularisation_month
        # a regularisation bills the real index: a credit where the estimates ran ahead of it
        profile.billed = profile.actual if regularise else profile.billed + round(expected * profile.estimate_share)
        profile.read_on = next_month - timedelta(days=1)
        with clock_at(issued_at):
            invoice = issue_invoice(
                session, contract=contract, period_start=max(month, contract.start_date),
                period_end=profile.read_on, new_index=profile.billed,
                kind=InvoiceKind.REGULARISATION if regularise else InvoiceKind.ESTIMATE,
                issue_date=issued_at.date(), issued_by=BILLING.username, allocate=False)
        for n, (paid_at, amount, channel) in enumerate(_payments_of(rng, invoice.total, issued_at,
                                                                    profile.pays_until), start=1):
            reference = f"SEED-{contract.number}-{invoice.invoice_number}-{n}"
            heapq.heappush(due_payments, (paid_at, reference, amount, channel))
        month = next_month
    _record_payments(session, contract, due_payments, before=utcnow())  # issued bills are paid on after `until`
    allocation.allocate(session, contract.id)  # oldest-first, as if each payment had been allocated on arrival


def _payments_of(rng: random.Random, total: Decimal, issued_at: datetime,
                 pays_until: datetime) -> list[tuple[datetime, Decimal, str]]:
    """When, how much and how an invoice is paid: mostly in full by the due date, sometimes late, sometimes
    in two parts; nothing once the holder stopped paying."""
    if issued_at >= pays_until or total <= 0:
        return []
    roll, paid_at, channel = rng.random(), issued_at + timedelta(days=rng.uniform(1, 14)), rng.choice(CHANNELS)
    if roll < 0.92:
        return [(paid_at, total, channel)]
    if roll < 0.97:
        return [(paid_at + timedelta(days=16), total, channel)]
    part = money(total * Decimal(rng.randint(30, 80)) / 100)
    return [(paid_at, part, channel), (paid_at + timedelta(days=rng.uniform(20, 40)), total - part, channel)]


def _record_payments(session: Session, contract: Contract, due: list, *, before: datetime) -> None:
    while due and due[0][0] < before:
        paid_at, reference, amount, channel = heapq.heappop(due)
        with clock_at(paid_at):
            record_payment(session, contract=contract, amount=amount, channel=channel, reference=reference,
                           actor=SYSTEM, allocate=False, paid_at=paid_at)
