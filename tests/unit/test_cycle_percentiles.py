"""The dashboard's cycle-time percentiles read off counts per working day equal statistics' own over the list
of every value (median, and the 90th percentile by the inclusive method), as before the counts."""

import statistics
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from core.cases.dashboard import percentiles


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=300))
def test_percentiles_from_counts_equal_the_statistics_of_every_value(values):
    expected = (float(values[0]),) * 2 if len(values) == 1 else (
        float(statistics.median(values)), statistics.quantiles(values, n=10, method="inclusive")[-1])
    assert percentiles(Counter(values)) == expected


def test_the_90th_percentile_lies_between_the_values_around_it():
    assert percentiles(Counter([1, 3, 4, 5, 9])) == (4.0, 7.4)
    assert percentiles(Counter({2: 3})) == (2.0, 2.0)
