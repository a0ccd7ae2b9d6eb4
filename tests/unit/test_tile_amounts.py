"""The dashboard's money tiles hold about ten characters: at national size the overdue receivables are tens of
millions of lei ("34.068.113 lei" showed as "34.068.11…"), so a tile shows whole lei below a million and
millions or billions with three or four digits above; the exact amount stays in the tile's help."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.platform.i18n import format_count
from ui.dashboard_widgets import tile_lei

TILE = 10  # characters a tile shows at four tiles a row on a 1400 px screen


@pytest.mark.parametrize(("amount", "ro", "en"), [
    ("0.00", "0", "0"),
    ("0.49", "0", "0"),
    ("-12.50", "-13", "-13"),
    ("999999.49", "999.999", "999.999"),
    ("999999.50", "1,00 mil.", "1,00 M"),
    ("34068113.40", "34,07 mil.", "34,07 M"),
    ("688632245.18", "688,6 mil.", "688,6 M"),
    ("999995000.00", "1,00 mld.", "1,00 bn"),
    ("-1500000.00", "-1,50 mil.", "-1,50 M"),
    ("2500000000.00", "2,50 mld.", "2,50 bn"),
])
def test_a_tile_amount_is_whole_lei_below_a_million_and_millions_or_billions_above(amount, ro, en):
    assert (tile_lei(Decimal(amount), lang="ro"), tile_lei(Decimal(amount), lang="en")) == (ro, en)


@given(st.decimals(min_value=Decimal("-9999999999.99"), max_value=Decimal("9999999999.99"), places=2))
def test_every_tile_amount_fits_the_tile_and_reads_back_within_half_a_percent(amount):
    shown = tile_lei(amount, lang="ro")
    assert len(shown) <= TILE + (1 if amount < 0 else 0), shown
    number, _, unit = shown.partition(" ")
    scale = {"": 1, "mil.": 10**6, "mld.": 10**9}[unit]
    read = Decimal(number.replace(".", "").replace(",", ".")) * scale
    assert abs(read - amount) <= max(Decimal("0.5"), abs(amount) * Decimal("0.005")), (amount, shown)


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (999, "999"), (7342, "7.342"), (102188, "102.188")])
def test_a_tile_count_has_romanian_thousands_dots(count, shown):
    assert format_count(count) == shown
