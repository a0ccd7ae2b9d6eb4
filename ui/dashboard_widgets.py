"""The dashboard screen's pieces besides the charts: the filters, the cached snapshot and its "data as
of" line, the metric tiles, the cycle-time table, the deadline lists, and the buttons that open the work
queue already filtered to the cases a figure counts."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import streamlit as st

from core import dashboard
from core.auth import Actor
from core.config import settings
from core.dashboard import DashboardFilter, DeadlineList, Snapshot
from core.i18n import t
from core.ledger import format_lei
from core.models import Role
from core.queries import today
from ui import context
from ui import queue_widgets as queue
from ui.widgets import deadline_text, local
from workflows import REGISTRY

PERIOD, TYPE = "dashboard_period", "dashboard_type"
TTL_SECONDS = 60
ZERO = Decimal("0.00")


def _label(key: str, **params) -> str:
    return t(f"ui.dashboard.{key}", **params)


def filter_bar() -> DashboardFilter:
    """Period (the last eight weeks by default) and case type."""
    end = today()
    start = end - timedelta(days=end.weekday(), weeks=7)
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    chosen = left.date_input(_label("period"), value=(start, end), max_value=end, key=PERIOD, format="DD.MM.YYYY")
    days = [d for d in (chosen if isinstance(chosen, tuple | list) else [chosen]) if d] or [start, end]
    case_type = right.selectbox(_label("type"), ["", *REGISTRY], key=TYPE,
                                format_func=lambda v: t(f"case_type.{v}") if v else _label("all_types"))
    return DashboardFilter(days[0], days[-1], case_type or None)  # a range still being picked: its first day


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _snapshot(database_url: str, actor: Actor, filters: DashboardFilter) -> Snapshot:
    # keyed by database and actor (the role decides the masking), so nobody gets another's figures
    return dashboard.snapshot(uow=context.uow(), actor=actor, filters=filters)


def load(actor: Actor, filters: DashboardFilter) -> Snapshot:
    """Figures at most a minute old: the page reruns on every click, the queries need not."""
    return _snapshot(settings.database_url, actor, filters)


def as_of(snap: Snapshot) -> None:
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.caption(_label("as_of", time=local(snap.as_of)[-5:], seconds=TTL_SECONDS))
    if right.button(_label("refresh"), icon=":material/refresh:", key="dashboard_refresh", type="tertiary"):
        _snapshot.clear()
        st.rerun()


def _go(label_key: str, key: str, **filters) -> None:
    if st.button(_label(label_key), key=key, icon=":material/arrow_forward:", type="tertiary"):
        queue.open_queue(**filters)


def tiles(snap: Snapshot) -> None:
    case_type = snap.filters.case_type or queue.ANY
    open_total = sum(c.count for c in snap.open_by_state)
    row = st.columns(4)
    row[0].metric(_label("open"), open_total, border=True)
    with row[1]:
        st.metric(_label("overdue"), snap.overdue.total, border=True)
        _go("see_in_queue", "dashboard_go_overdue", case_type=case_type, overdue=True)
    row[2].metric(_label("due_soon"), snap.due_soon.total, border=True)
    row[3].metric(_label("receivables"), whole_lei(snap.overdue_receivables), border=True,
                  help=_label("receivables_help", amount=format_lei(snap.overdue_receivables)))
    row = st.columns(4)
    row[0].metric(_label("intake"), sum(w.intake for w in snap.weekly), border=True)
    row[1].metric(_label("completed"), sum(w.completed for w in snap.weekly), border=True)
    row[2].metric(_label("open_disputed"), whole_lei(sum((d.open_amount for d in snap.disputes), ZERO)),
                  border=True, help=_label("credited_help", amount=format_lei(sum((d.credited for d in snap.disputes),
                                                                                  ZERO))))
    collected = sum((p.amount for p in snap.payments), ZERO)
    row[3].metric(_label("collected"), whole_lei(collected), border=True, help=format_lei(collected))


def whole_lei(amount: Decimal) -> str:
    """A tile holds about ten characters: lei without bani (the exact amount is in its help)."""
    return format_lei(amount.to_integral_value(ROUND_HALF_UP)).replace(",00 lei", " lei")


def cycle_table(snap: Snapshot) -> None:
    if not snap.cycle_times:
        st.caption(_label("no_data"))
        return
    st.dataframe(pd.DataFrame({
        _label("type"): [t(f"case_type.{c.case_type}") for c in snap.cycle_times],
        _label("closed_cases"): [c.cases for c in snap.cycle_times],
        _label("median"): [c.median for c in snap.cycle_times],
        _label("p90"): [c.p90 for c in snap.cycle_times],
    }), hide_index=True, width="stretch", column_config={
        _label("median"): st.column_config.NumberColumn(format="%.1f"),
        _label("p90"): st.column_config.NumberColumn(format="%.1f")})


def state_picker(snap: Snapshot) -> None:
    """Opens the queue on the open cases of one type and state."""
    if not snap.open_by_state:
        return
    choices = {f"{c.case_type}:{c.state}": c for c in snap.open_by_state}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox(_label("pick_state"), list(choices), key="dashboard_state", format_func=lambda k: (
        f"{t(f'case_type.{choices[k].case_type}')} · {t(f'state.{choices[k].state}')} ({choices[k].count})"))
    with right:
        _go("see_in_queue", "dashboard_go_state", case_type=choices[picked].case_type, state=choices[picked].state)


def assignee_picker(snap: Snapshot, actor: Actor) -> None:
    """Opens the queue on one person's open cases (or the unassigned ones). The queue offers analysts no
    colleague to filter by, so they may only open the unassigned cases."""
    totals: dict[str | None, list] = {}
    for w in snap.workload:
        if actor.role != Role.ANALYST or w.assignee is None:
            entry = totals.setdefault(w.assignee, [w.assignee_name, 0])
            entry[1] += w.count
    if not totals:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox(_label("pick_assignee"), list(totals), key="dashboard_assignee", format_func=lambda u: (
        f"{totals[u][0] or _label('unassigned')} ({totals[u][1]})"))
    target = queue.NOBODY if picked is None else queue.ME if picked == actor.username else picked
    with right:
        _go("see_in_queue", "dashboard_go_assignee", case_type=snap.filters.case_type or queue.ANY, assignee=target)


def deadline_lists(snap: Snapshot) -> None:
    """Past deadline and due soon, side by side as tabs across the page (six columns need the width)."""
    late, soon = st.tabs([_label("overdue_tab", count=snap.overdue.total),
                          _label("due_soon_tab", count=snap.due_soon.total)])
    with late:
        deadline_list(snap.overdue, late=True)
    with soon:
        deadline_list(snap.due_soon, late=False)


def deadline_list(found: DeadlineList, late: bool) -> None:
    if not found.rows:
        st.caption(_label("none"))
        return
    st.dataframe(pd.DataFrame({
        _label("col_number"): [r.registration_number for r in found.rows],
        _label("col_type"): [t(f"case_type.{r.case_type}") for r in found.rows],
        _label("col_state"): [t(f"state.{r.state}") for r in found.rows],
        _label("col_due"): [deadline_text(r.due_date, late) for r in found.rows],
        _label("col_applicant"): [r.applicant_name for r in found.rows],
        _label("col_assignee"): [r.assignee_name or "—" for r in found.rows],
    }), hide_index=True, width="stretch")
    if found.total > len(found.rows):
        st.caption(_label("shown", shown=len(found.rows), total=found.total))
