"""Lines by VAT period as properties: over random estimates around the 2025-08-01 VAT change and a reading
below, at or above what they billed, the lines add up to the kWh read, over-billed kWh are credited from the
latest estimates at the rate each charged (the VAT given back is the VAT charged on them, to the ban), and
new kWh are shared by days between the VAT periods the billing period touches."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.accounts.invoice_lines import (
    Charged,
    estimate_lines,
    line_label_key,
    merge,
    reading_lines,
    split_by_vat_period,
    totals,
    vat_rate_on,
)
from core.models import InvoiceKind, LineKind

CHANGE = date(2025, 8, 1)
BOUNDARY_DAYS = [CHANGE - timedelta(days=1), CHANGE, CHANGE + timedelta(days=1)]
days = st.one_of(st.sampled_from(BOUNDARY_DAYS), st.dates(min_value=date(2025, 5, 1), max_value=date(2025, 11, 30)))
prices = st.one_of(st.just(Decimal("0.7400")),
                   st.integers(min_value=1, max_value=20_000).map(lambda n: Decimal(n) / 10_000))
estimates = st.lists(st.tuples(days, st.one_of(st.just(0), st.integers(min_value=0, max_value=1500))), max_size=6)


def charged_by(issued: list[tuple[date, int]], price: Decimal) -> list[Charged]:
    """What estimates issued on those days billed, oldest first, each as core.accounts.invoice_lines bills it."""
    lines = [estimate_lines(kwh=kwh, period_start=day - timedelta(days=30), period_end=day - timedelta(days=1),
                            issue_date=day, unit_price=price)[0] for day, kwh in sorted(issued)]
    return [Charged(line.period_start, line.period_end, line.kwh, line.vat_rate) for line in lines]


@st.composite
def readings(draw):
    price = draw(prices)
    charged = charged_by(draw(estimates), price)
    billed = sum(c.kwh for c in charged)
    read = draw(st.one_of(st.sampled_from(sorted({0, max(billed - 1, 0), billed, billed + 1})),
                          st.integers(min_value=0, max_value=billed + 3000)))
    start = draw(days)
    end = start + timedelta(days=draw(st.one_of(st.sampled_from([0, 1, 30]), st.integers(min_value=0, max_value=61))))
    return charged, read, start, end, price


@settings(max_examples=400, deadline=None)
@given(readings())
def test_a_reading_credits_the_latest_estimates_at_their_rates_and_bills_new_kwh_by_vat_period(reading):
    charged, read, start, end, price = reading
    billed = sum(c.kwh for c in charged)
    lines = reading_lines(read_kwh=read, charged=charged, period_start=start, period_end=end, unit_price=price)

    assert totals(lines).kwh == read - billed
    assert len({(line.kind, line.vat_rate) for line in lines}) == len(lines)
    assert all(line.kwh != 0 for line in lines) or lines == [lines[0]] and read == billed
    corrections = [line for line in lines if line.kind == LineKind.CORRECTION]
    consumption = [line for line in lines if line.kind == LineKind.CONSUMPTION and line.kwh]
    assert not (corrections and consumption)

    # every kWh billed, oldest first, tagged with its rate: the over-billed ones are the last of them
    tagged = [c.vat_rate for c in charged for _ in range(c.kwh)]
    over = max(billed - read, 0)
    assert Counter({line.vat_rate: -line.kwh for line in corrections}) == Counter(tagged[len(tagged) - over:])
    for line in corrections:  # the VAT given back is the VAT those kWh were charged, to one line's rounding
        assert abs(line.vat - line.kwh * price * line.vat_rate) <= Decimal("0.01")

    total_days = (end - start).days + 1
    for line in consumption:  # within one VAT period, a share of the new kWh by its days (whole kWh)
        assert vat_rate_on(line.period_start) == vat_rate_on(line.period_end) == line.vat_rate
        share = Decimal(read - billed) * ((line.period_end - line.period_start).days + 1) / total_days
        assert abs(line.kwh - share) < len(consumption)


@given(st.integers(min_value=0, max_value=100_000), days, st.integers(min_value=0, max_value=400))
def test_the_kwh_of_a_period_are_shared_between_its_vat_periods_the_remainder_on_the_last(kwh, start, length):
    end = start + timedelta(days=length)
    parts = split_by_vat_period(kwh, start, end)
    assert sum(part for _, _, part in parts) == kwh
    assert parts[0][0] == start and parts[-1][1] == end
    assert all(later[0] == earlier[1] + timedelta(days=1) for earlier, later in zip(parts, parts[1:], strict=False))
    assert len(parts) == (2 if start < CHANGE <= end else 1)
    for part_start, part_end, part in parts[:-1]:
        assert part == kwh * ((part_end - part_start).days + 1) // (length + 1)


def test_a_july_estimate_corrected_in_september_keeps_19_percent():
    charged = charged_by([(date(2025, 7, 31), 100)], Decimal("0.7400"))
    (line,) = reading_lines(read_kwh=0, charged=charged, period_start=date(2025, 8, 1),
                            period_end=date(2025, 8, 31), unit_price=Decimal("0.7400"))
    assert (line.kind, line.kwh, line.vat_rate, line.value_net, line.vat) == (
        LineKind.CORRECTION, -100, Decimal("0.19"), Decimal("-74.00"), Decimal("-14.06"))


def test_a_reading_equal_to_what_was_billed_is_one_zero_line():
    charged = charged_by([(date(2025, 9, 2), 120)], Decimal("0.7400"))
    assert [(line.kwh, line.total) for line in reading_lines(
        read_kwh=120, charged=charged, period_start=date(2025, 9, 1), period_end=date(2025, 9, 30),
        unit_price=Decimal("0.7400"))] == [(0, Decimal("0.00"))]


def test_an_index_below_the_last_reading_is_not_billed():
    with pytest.raises(ValueError, match="below the last reading"):
        reading_lines(read_kwh=-1, charged=[], period_start=CHANGE, period_end=CHANGE, unit_price=Decimal("0.74"))


def test_lines_of_one_kind_and_rate_merge_over_their_periods():
    a, b = charged_by([(date(2025, 8, 2), 10), (date(2025, 9, 2), 20)], Decimal("0.7400"))
    (line,) = reading_lines(read_kwh=0, charged=[a, b], period_start=CHANGE, period_end=CHANGE,
                            unit_price=Decimal("0.7400"))
    assert (line.kwh, line.period_start, line.period_end) == (-30, a.period_start, b.period_end)
    assert merge([line]) == [line]


def test_a_final_invoice_correction_is_named_a_handover_credit():
    assert line_label_key(InvoiceKind.FINAL, LineKind.CORRECTION) == "lines.kind.handover_credit"
    assert line_label_key(InvoiceKind.REGULARISATION, LineKind.CORRECTION) == "lines.kind.correction"
    assert line_label_key(InvoiceKind.FINAL, LineKind.CONSUMPTION) == "lines.kind.consumption"
