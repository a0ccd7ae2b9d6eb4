"""Panou: the back office at a glance for supervisors (analysts and admins read it too, names masked):
what is open and where it waits, what is late, who holds the work, disputes and money. Figures come
from SQL aggregations cached for a minute; "Vezi în coadă" opens the queue filtered to those cases."""

import streamlit as st

from core.i18n import t
from ui import context
from ui import dashboard_charts as charts
from ui import dashboard_widgets as board

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
    st.subheader(t("ui.dashboard.cycle_title"), anchor=False)
    board.cycle_table(snap)
with right:
    st.subheader(t("ui.dashboard.states_title"), anchor=False)
    charts.open_states(snap)
    board.state_picker(snap)

st.subheader(t("ui.dashboard.deadlines_title"), anchor=False)
board.deadline_lists(snap)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ui.dashboard.dwell_title"), anchor=False)
    charts.dwell(snap)
with right:
    st.subheader(t("ui.dashboard.ages_title"), anchor=False)
    charts.ages(snap)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ui.dashboard.workload_title"), anchor=False)
    charts.workload(snap)
    board.assignee_picker(snap, actor)
with right:
    st.subheader(t("ui.dashboard.disputes_title"), anchor=False)
    charts.disputes(snap)

st.subheader(t("ui.dashboard.payments_title"), anchor=False)
charts.payments(snap)
