"""The dashboard screen's pieces besides the charts: the filters, the cached snapshot and its "data as
of" line, the metric tiles, the cycle-time table, the deadline lists, and under every figure the chips
and buttons that open the work queue already filtered to the cases the figure counts."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import streamlit as st

from core.accounts.money import format_lei
from core.cases import dashboard
from core.cases.dashboard import DashboardFilter, DeadlineList, Snapshot
from core.cases.queries import QueueFilter, today
from core.platform.config import settings
from core.platform.i18n import format_count, t
from core.staff.auth import Actor
from core.workflow import registry
from ui import context, report_widgets
from ui import queue_widgets as queue
from ui.widgets import deadline_text, local, plain

PERIOD, TYPE = "dashboard_period", "dashboard_type"
TTL_SECONDS = 60
ZERO = Decimal("0.00")
MILLION = Decimal(1_000_000)


def _label(key: str, **params) -> str:
    return t(f"ui.dashboard.{key}", **params)


def filter_bar() -> DashboardFilter:
    """Period (the last eight weeks by default) and case type."""
    end = today()
    start = end - timedelta(days=end.weekday(), weeks=7)
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    chosen = left.date_input(_label("period"), value=(start, end), max_value=end, key=PERIOD, format="DD.MM.YYYY")
    days = [d for d in (chosen if isinstance(chosen, tuple | list) else [chosen]) if d] or [start, end]
    case_type = right.selectbox(_label("type"), ["", *registry.names()], key=TYPE,
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


def _go(key: str, filters: QueueFilter, label_key: str = "see_in_queue") -> None:
    if st.button(_label(label_key), key=key, icon=":material/arrow_forward:", type="tertiary"):
        queue.open_queue(filters)


def _go_report(key: str, report: str) -> None:
    """Money figures are not cases: they open the report that lists what they add up."""
    if st.button(t(f"ui.dashboard_go.{report}_report"), key=key, icon=":material/table_view:", type="tertiary"):
        st.session_state[report_widgets.REPORT] = report
        st.switch_page("pages/reports.py")


def go_row(key: str, choices: list[tuple[str, QueueFilter]]) -> None:
    """One chip per bucket of the figure above, labelled with the figure's number: a click opens the queue
    on exactly the cases that number counts."""
    if not choices:
        return
    picked = st.pills(_label("see_in_queue"), range(len(choices)), format_func=lambda i: choices[i][0], key=key,
                     wrap=True)  # in a column the chips would otherwise stay on one row, cut at its edge
    if picked is not None:
        queue.open_queue(choices[picked][1])


def _cases(snap: Snapshot, **fields) -> QueueFilter:
    """The queue filter of a figure's bucket, within the dashboard's case type."""
    return QueueFilter(**{"case_type": snap.filters.case_type, **fields})


def _period(snap: Snapshot) -> tuple:
    return snap.filters.date_from, snap.filters.date_to


def tiles(snap: Snapshot) -> None:
    open_total = sum(c.count for c in snap.open_by_state)
    row = st.columns(4)
    with row[0]:
        st.metric(_label("open"), format_count(open_total), border=True)
        _go("dashboard_go_open", _cases(snap))
    with row[1]:
        st.metric(_label("overdue"), format_count(snap.overdue.total), border=True)
        _go("dashboard_go_overdue", _cases(snap, overdue_only=True))
    with row[2]:
        st.metric(_label("due_soon"), format_count(snap.due_soon.total), border=True)
        _go("dashboard_go_due_soon", _cases(snap, due_soon_only=True))
    with row[3]:
        st.metric(_label("receivables"), tile_lei(snap.overdue_receivables), border=True,
                  help=_label("receivables_help", amount=format_lei(snap.overdue_receivables)))
        _go_report("dashboard_go_aging", "aging")
    row = st.columns(4)
    with row[0]:
        st.metric(_label("intake"), format_count(sum(w.intake for w in snap.weekly)), border=True)
        _go("dashboard_go_intake", _cases(snap, registered=_period(snap), open_only=False))
    with row[1]:
        st.metric(_label("completed"), format_count(sum(w.completed for w in snap.weekly)), border=True)
        _go("dashboard_go_completed", _cases(snap, closed=_period(snap), open_only=False))
    with row[2]:
        st.metric(_label("open_disputed"), tile_lei(sum((d.open_amount for d in snap.disputes), ZERO)),
                  border=True, help=_label("credited_help", amount=format_lei(
                      sum((d.credited for d in snap.disputes), ZERO))))
        if snap.filters.case_type in (None, dashboard.DISPUTE):
            _go("dashboard_go_disputes", QueueFilter(case_type=dashboard.DISPUTE))
    with row[3]:
        collected = sum((p.amount for p in snap.payments), ZERO)
        st.metric(_label("collected"), tile_lei(collected), border=True, help=format_lei(collected))
        _go_report("dashboard_go_payments", "payments")


def tile_lei(amount: Decimal, lang: str | None = None) -> str:
    """A tile shows about ten characters (the label says lei, its help the exact amount): whole lei below a
    million, then millions or billions with three or four digits ("34,07 mil.", "688,6 mil.")."""
    whole = amount.to_integral_value(ROUND_HALF_UP)
    if abs(whole) < MILLION:
        return format_count(int(whole))
    scaled, unit = amount / MILLION, "millions"
    if abs(scaled.quantize(Decimal("0.1"), ROUND_HALF_UP)) >= 1000:
        scaled, unit = scaled / 1000, "billions"
    shown = scaled.quantize(Decimal("0.1") if abs(scaled) >= Decimal("99.995") else Decimal("0.01"), ROUND_HALF_UP)
    return t(f"ui.dashboard.{unit}", lang=lang, amount=str(shown).replace(".", ","))


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


def _go_label(key: str, **params) -> str:
    return t(f"ui.dashboard_go.{key}", **params)


def _state(case_type: str, state: str) -> str:
    return f"{t(f'case_type.{case_type}')} · {t(f'state.{state}')}"


def states_row(snap: Snapshot) -> None:
    go_row("dashboard_go_state", [(_go_label("state", name=_state(c.case_type, c.state), count=c.count),
                                   QueueFilter(case_type=c.case_type, state=c.state)) for c in snap.open_by_state])


def weekly_row(snap: Snapshot) -> None:
    """Each week's intake (registered that week) and completed (closed that week), within the period."""
    choices = []
    for w in snap.weekly:
        days = (max(w.week, snap.filters.date_from), min(w.week + timedelta(days=6), snap.filters.date_to))
        week = w.week.strftime("%d.%m")
        if w.intake:
            choices.append((_go_label("intake", week=week, count=w.intake),
                            _cases(snap, registered=days, open_only=False)))
        if w.completed:
            choices.append((_go_label("completed", week=week, count=w.completed),
                            _cases(snap, closed=days, open_only=False)))
    go_row("dashboard_go_week", choices)


def cycle_row(snap: Snapshot) -> None:
    """The cases of each workflow closed in the period (the ones the durations are measured on)."""
    go_row("dashboard_go_cycle", [
        (_go_label("cycle", type=t(f"case_type.{c.case_type}"), count=c.cases),
         QueueFilter(case_type=c.case_type, closed=_period(snap), open_only=False)) for c in snap.cycle_times])


def dwell_row(snap: Snapshot) -> None:
    """The cases waiting now in each state of the figure (the open ones)."""
    waiting = {(c.case_type, c.state): c.count for c in snap.open_by_state}
    go_row("dashboard_go_dwell", [
        (_go_label("waiting", name=_state(d.case_type, d.state), count=waiting[(d.case_type, d.state)]),
         QueueFilter(case_type=d.case_type, state=d.state))
        for d in snap.dwell if waiting.get((d.case_type, d.state))])


def ages_row(snap: Snapshot) -> None:
    limits = {label: (low, high) for label, low, high in dashboard.AGE_BUCKETS}
    go_row("dashboard_go_age", [(_go_label("age", age=a.label, count=a.count), _cases(snap, age=limits[a.label]))
                                for a in snap.ages if a.count])


def workload_row(snap: Snapshot, actor: Actor) -> None:
    """One person's open cases (or the unassigned ones), all states together."""
    totals: dict[str | None, list] = {}
    for w in snap.workload:
        totals.setdefault(w.assignee, [w.assignee_name, 0])[1] += w.count
    go_row("dashboard_go_assignee", [
        (_go_label("assignee", name=plain(name) or _label("unassigned"), count=count),
         _cases(snap, assignee=queue.NOBODY if user is None else queue.ME if user == actor.username else user))
        for user, (name, count) in totals.items()])


def disputes_row(snap: Snapshot) -> None:
    go_row("dashboard_go_category", [
        (_go_label("category", category=t(f"dispute_category.{d.category}"), count=d.open_cases),
         QueueFilter(case_type=dashboard.DISPUTE, category=d.category)) for d in snap.disputes if d.open_cases])


def deadline_lists(snap: Snapshot) -> None:
    """Past deadline and due soon, side by side as tabs across the page (six columns need the width)."""
    late, soon = st.tabs([_label("overdue_tab", count=snap.overdue.total),
                          _label("due_soon_tab", count=snap.due_soon.total)])
    with late:
        deadline_list(snap.overdue, late=True)
        if snap.overdue.total:
            _go("dashboard_go_overdue_list", _cases(snap, overdue_only=True), "see_all_in_queue")
    with soon:
        deadline_list(snap.due_soon, late=False)
        if snap.due_soon.total:
            _go("dashboard_go_due_soon_list", _cases(snap, due_soon_only=True), "see_all_in_queue")


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
