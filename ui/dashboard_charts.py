"""The dashboard's Altair charts, each built from a few aggregated rows of a core.cases.dashboard.Snapshot
(never from a table), with the labels the user reads."""

import altair as alt
import pandas as pd
import streamlit as st

from core.accounts.money import format_lei
from core.cases.dashboard import AGE_BUCKETS, Snapshot
from core.platform.i18n import current_language, t

HEIGHT = 260
ROW = alt.Step(28)  # a bar chart with one row per name grows with its rows: no label is dropped for lack of room
LABEL_LIMIT = 260  # state names are long; Vega-Lite cuts labels at 180 px by default
LEGEND_LIMIT = 200  # a legend name longer than this ends in "…", not at the chart's edge
INTAKE, COMPLETED, OPEN, CREDITED = "#1f6feb", "#2da44e", "#d1242f", "#8250df"


def _number(value: str, pattern: str = ",~f") -> str:
    """A Vega expression writing the number `value` as the reader's language does: "2.400" and "35,46" in
    Romanian. Streamlit 1.67 gives no way to set Vega's formatLocale (its embed ignores the spec's
    usermeta locale: tried), so the English d3 format is written, then "," and "." are swapped."""
    english = f"format({value}, '{pattern}')"
    if current_language() == "en":
        return english
    return (f"replace(replace(replace({english}, regexp(',', 'g'), ' '), regexp('[.]', 'g'), ','),"
            " regexp(' ', 'g'), '.')")


def _axis(**options) -> alt.Axis:
    """A quantitative axis whose labels are numbers in the reader's format."""
    return alt.Axis(labelExpr=_number("datum.value"), **options)


def _show(chart: alt.Chart | None) -> None:
    if chart is None:
        st.caption(t("ui.dashboard.no_data"))
    else:
        if chart.height is alt.Undefined:
            chart = chart.properties(height=HEIGHT)
        st.altair_chart(chart, width="stretch")


def _legend() -> alt.Legend:
    """Above the chart, one name per line: the legend starts where the bars do, after the long state names on
    the axis, so even two columns ran past the chart's right edge."""
    return alt.Legend(orient="top", columns=1, labelLimit=LEGEND_LIMIT)


def _label(key: str) -> str:
    return t(f"ui.dashboard.{key}")


def weekly(snap: Snapshot) -> None:
    """Intake and completed side by side per ISO week."""
    rows = [(w.week.strftime("%d.%m"), _label(name), count) for w in snap.weekly
            for name, count in (("intake", w.intake), ("completed", w.completed))]
    frame = pd.DataFrame(rows, columns=["week", "series", "cases"])
    colors = alt.Scale(domain=[_label("intake"), _label("completed")], range=[INTAKE, COMPLETED])
    _show(alt.Chart(frame).mark_bar().encode(
        x=alt.X("week:N", title=_label("week"), sort=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N", sort=None),
        y=alt.Y("cases:Q", title=_label("cases"), axis=_axis(tickMinStep=1)),
        color=alt.Color("series:N", title=None, scale=colors, legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("week:N", title=_label("week")), alt.Tooltip("series:N", title=_label("series")),
                 alt.Tooltip("cases:Q", title=_label("cases"))],
    ) if snap.weekly else None)


def _by_type(frame: pd.DataFrame, value: str, title: str, label: str = "state") -> alt.Chart:
    """Horizontal bars, one per state, coloured by case type."""
    return alt.Chart(frame, height=ROW).mark_bar().encode(
        y=alt.Y(f"{label}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=alt.X(f"{value}:Q", title=title, axis=_axis()),
        color=alt.Color("type:N", title=None, legend=_legend()),
        tooltip=[alt.Tooltip("type:N", title=_label("type")), alt.Tooltip(f"{label}:N", title=_label(label)),
                 alt.Tooltip(f"{value}:Q", title=title)],
    )


def open_states(snap: Snapshot) -> None:
    frame = pd.DataFrame([(t(f"case_type.{c.case_type}"), t(f"state.{c.state}"), c.count)
                          for c in snap.open_by_state], columns=["type", "state", "cases"])
    _show(_by_type(frame, "cases", _label("cases")) if snap.open_by_state else None)


def dwell(snap: Snapshot) -> None:
    frame = pd.DataFrame([(t(f"case_type.{d.case_type}"), t(f"state.{d.state}"), d.avg_hours, d.stays)
                          for d in snap.dwell], columns=["type", "state", "hours", "stays"])
    _show(_by_type(frame, "hours", _label("hours")) if snap.dwell else None)


def ages(snap: Snapshot) -> None:
    frame = pd.DataFrame([(a.label, a.count) for a in snap.ages], columns=["age", "cases"])
    order = [label for label, _, _ in AGE_BUCKETS]
    _show(alt.Chart(frame).mark_bar(color=INTAKE).encode(
        x=alt.X("age:N", title=_label("age"), sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cases:Q", title=_label("cases"), axis=_axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("age:N", title=_label("age")), alt.Tooltip("cases:Q", title=_label("cases"))],
    ) if any(a.count for a in snap.ages) else None)


def workload(snap: Snapshot) -> None:
    """Stacked bars per assignee, one colour per state."""
    frame = pd.DataFrame([(w.assignee_name or _label("unassigned"), t(f"state.{w.state}"), w.count)
                          for w in snap.workload], columns=["assignee", "state", "cases"])
    _show(alt.Chart(frame, height=ROW).mark_bar().encode(
        y=alt.Y("assignee:N", title=None, sort="-x", axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=alt.X("sum(cases):Q", title=_label("cases"), axis=_axis(tickMinStep=1)),
        # twenty colours: with the default ten, two of a dozen states shared each colour
        color=alt.Color("state:N", title=None, legend=_legend(), scale=alt.Scale(scheme="tableau20")),
        tooltip=[alt.Tooltip("assignee:N", title=_label("assignee")), alt.Tooltip("state:N", title=_label("state")),
                 alt.Tooltip("cases:Q", title=_label("cases"))],
    ) if snap.workload else None)


def disputes(snap: Snapshot) -> None:
    """Open disputed amount and credit granted in the period, per category."""
    rows = [(t(f"dispute_category.{d.category}"), _label(name), float(amount), format_lei(amount))
            for d in snap.disputes
            for name, amount in (("open_amount", d.open_amount), ("credited_amount", d.credited))]
    frame = pd.DataFrame(rows, columns=["category", "series", "lei", "lei_text"])
    colors = alt.Scale(domain=[_label("open_amount"), _label("credited_amount")], range=[OPEN, CREDITED])
    _show(alt.Chart(frame).mark_bar().encode(
        y=alt.Y("category:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        yOffset=alt.YOffset("series:N", sort=None),
        x=alt.X("lei:Q", title=_label("lei"), axis=_axis()),
        color=alt.Color("series:N", title=None, scale=colors, legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("category:N", title=_label("category")), alt.Tooltip("series:N", title=_label("series")),
                 alt.Tooltip("lei_text:N", title=_label("lei"))],
    ) if snap.disputes else None)


def payments(snap: Snapshot) -> None:
    frame = pd.DataFrame([(p.day.isoformat(), float(p.amount), format_lei(p.amount)) for p in snap.payments],
                         columns=["day", "lei", "lei_text"])
    _show(alt.Chart(frame).mark_bar(color=COMPLETED).encode(
        x=alt.X("day:T", title=_label("day"), axis=alt.Axis(format="%d.%m")),
        y=alt.Y("lei:Q", title=_label("lei"), axis=_axis()),
        tooltip=[alt.Tooltip("day:T", title=_label("day"), format="%d.%m.%Y"),
                 alt.Tooltip("lei_text:N", title=_label("lei"))],
    ) if any(p.amount for p in snap.payments) else None)
