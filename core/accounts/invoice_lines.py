"""An invoice's lines by VAT period, as pure functions: an estimate bills at the rate of its issue date; a
reading (regularisation or final invoice) credits the kWh the estimates over-billed at the rate each estimate
charged, and bills kWh beyond them at the rate of their own period, split by days when the period spans a
VAT change. An invoice's amounts are the sums of its lines."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from core.accounts.money import money
from core.models import InvoiceKind, LineKind

# (first day in force, rate): 19% until 2025-07-31, 21% from 2025-08-01
VAT_RATES = ((date(2017, 1, 1), Decimal("0.19")), (date(2025, 8, 1), Decimal("0.21")))
ZERO = Decimal("0.00")


def vat_rate_on(day: date) -> Decimal:
    rate = VAT_RATES[0][1]
    for since, value in VAT_RATES:
        if day >= since:
            rate = value
    return rate


@dataclass(frozen=True)
class Charged:
    """kWh one estimate since the last reading billed, and the VAT rate it charged them at."""

    period_start: date
    period_end: date
    kwh: int
    vat_rate: Decimal


@dataclass(frozen=True)
class Line:
    kind: LineKind
    period_start: date
    period_end: date
    kwh: int  # negative on a correction
    unit_price_net: Decimal
    vat_rate: Decimal

    @property
    def value_net(self) -> Decimal:
        return money(self.unit_price_net * self.kwh)

    @property
    def vat(self) -> Decimal:
        return money(self.value_net * self.vat_rate)

    @property
    def total(self) -> Decimal:
        return self.value_net + self.vat


@dataclass(frozen=True)
class Totals:
    kwh: int
    value_net: Decimal
    vat: Decimal
    total: Decimal


def totals(lines: Iterable[Line]) -> Totals:
    lines = list(lines)
    return Totals(sum(line.kwh for line in lines), sum((line.value_net for line in lines), ZERO),
                  sum((line.vat for line in lines), ZERO), sum((line.total for line in lines), ZERO))


def estimate_lines(*, kwh: int, period_start: date, period_end: date, issue_date: date,
                   unit_price: Decimal) -> list[Line]:
    """One consumption line at the rate of the issue date (DESIGN.md: VAT by the invoice date)."""
    return [Line(LineKind.CONSUMPTION, period_start, period_end, kwh, unit_price, vat_rate_on(issue_date))]


def reading_lines(*, read_kwh: int, charged: Sequence[Charged], period_start: date, period_end: date,
                  unit_price: Decimal) -> list[Line]:
    """The lines of an invoice on a real index: `read_kwh` used since the last reading, against what the
    estimates since then (`charged`, oldest first) billed. Never empty: no kWh is one zero line."""
    if read_kwh < 0:
        raise ValueError("an index below the last reading cannot be billed")
    over = sum(c.kwh for c in charged) - read_kwh
    lines = []
    for estimate in reversed(charged):  # the most recent estimates are credited first
        if over <= 0:
            break
        taken = min(over, estimate.kwh)
        if taken > 0:
            lines.append(Line(LineKind.CORRECTION, estimate.period_start, estimate.period_end, -taken, unit_price,
                              estimate.vat_rate))
            over -= taken
    if over < 0:
        lines += [Line(LineKind.CONSUMPTION, start, end, kwh, unit_price, vat_rate_on(start))
                  for start, end, kwh in split_by_vat_period(-over, period_start, period_end) if kwh]
    return merge(lines) or [Line(LineKind.CONSUMPTION, period_start, period_end, 0, unit_price,
                                 vat_rate_on(period_end))]


def split_by_vat_period(kwh: int, period_start: date, period_end: date) -> list[tuple[date, date, int]]:
    """(start, end, kWh) per VAT period the billing period touches, pro rata by days; whole kWh, the
    remainder on the last part."""
    changes = [since for since, _ in VAT_RATES if period_start < since <= period_end]
    bounds = [period_start, *changes, period_end + timedelta(days=1)]
    days = (period_end - period_start).days + 1
    parts, given = [], 0
    for start, after in zip(bounds, bounds[1:], strict=False):
        share = kwh - given if after > period_end else kwh * (after - start).days // days
        parts.append((start, after - timedelta(days=1), share))
        given += share
    return parts


def merge(lines: Iterable[Line]) -> list[Line]:
    """At most one line per (kind, rate), in the order first seen, covering the periods of the lines merged."""
    merged: dict[tuple[LineKind, Decimal], Line] = {}
    for line in lines:
        key = (line.kind, line.vat_rate)
        if (seen := merged.get(key)) is None:
            merged[key] = line
        else:
            merged[key] = replace(seen, kwh=seen.kwh + line.kwh, period_start=min(seen.period_start, line.period_start),
                                  period_end=max(seen.period_end, line.period_end))
    return list(merged.values())


def line_label_key(invoice_kind: InvoiceKind | str, line_kind: LineKind | str) -> str:
    """The catalogue key naming a line: a final invoice's correction is the credit a handover (or a move-out)
    below the last billed index gives back."""
    if line_kind == LineKind.CORRECTION and invoice_kind == InvoiceKind.FINAL:
        return "lines.kind.handover_credit"
    return f"lines.kind.{line_kind}"


def percent(rate: Decimal) -> str:
    """0.2100 -> "21" (what the documents print after "TVA")."""
    return f"{(Decimal(str(rate)) * 100).normalize():f}"


@dataclass(frozen=True)
class StoredLine:
    """One stored line as the invoice page and the PDF show it (stored amounts, never recomputed)."""

    label_key: str  # line_label_key: what the line is, in the catalogue
    period_start: date
    period_end: date
    kwh: int
    unit_price_net: Decimal
    value_net: Decimal
    vat_rate: Decimal
    vat: Decimal
    total: Decimal

    @property
    def vat_percent(self) -> str:
        return percent(self.vat_rate)
