"""Panou: the back office at a glance for supervisors (analysts and admins read it too, names masked):
what is open and where it waits, what is late, who holds the work, disputes and money. Figures come
from SQL aggregations cached for a minute; under every figure, "Vezi în coadă" opens the queue on exactly
the cases the figure counts (money figures open their report)."""

import streamlit as st

from core.platform.i18n import t
from ui import context
from ui import dashboard_charts as charts
from ui import dashboard_widgets as board
from ui.efactura_widgets import backlog_tiles as submission_backlog
from ui.timed_widgets import compensation_table

actor = context.actor()
st.title(t("ui.dashboard.title"), anchor=False)
st.caption(t("ui.dashboard.subtitle"))

filters = board.filter_bar()
snap = board.load(actor, filters)
board.as_of(snap)
board.tiles(snap)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ui.dashboard.weekly_title"), anchor=False)
    charts.weekly(snap)
    board.weekly_row(snap)
    st.subheader(t("ui.dashboard.cycle_title"), anchor=False)
    board.cycle_table(snap)
    board.cycle_row(snap)
with right:
    st.subheader(t("ui.dashboard.states_title"), anchor=False)
    charts.open_states(snap)
    board.states_row(snap)

st.subheader(t("ui.dashboard.deadlines_title"), anchor=False)
board.deadline_lists(snap)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ui.dashboard.dwell_title"), anchor=False)
    charts.dwell(snap)
    board.dwell_row(snap)
with right:
    st.subheader(t("ui.dashboard.ages_title"), anchor=False)
    charts.ages(snap)
    board.ages_row(snap)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ui.dashboard.workload_title"), anchor=False)
    charts.workload(snap)
    board.workload_row(snap, actor)
with right:
    st.subheader(t("ui.dashboard.disputes_title"), anchor=False)
    charts.disputes(snap)
    board.disputes_row(snap)

st.subheader(t("ui.dashboard.payments_title"), anchor=False)
charts.payments(snap)

compensation_table(actor, filters)
submission_backlog(actor)
