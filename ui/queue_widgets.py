"""The queue screen's pieces: the filter bar, the table (number opens the case, rows select for bulk
work) and the claim/assign bar. Each reads its widgets and calls one core service."""

import pandas as pd
import streamlit as st

from core import queries
from core.auth import Actor
from core.errors import DomainError
from core.i18n import t
from core.models import Role
from core.queries import QueueFilter, QueueRow
from core.services import cases
from ui import context
from ui.widgets import attempt, deadline_text, flash
from workflows import REGISTRY

PAGE = "queue_page"
OPEN = "queue_open"
SEARCH = "queue_search"
TYPE = "queue_type"
STATE = "queue_state"
ASSIGNEE = "queue_assignee"
OVERDUE = "queue_overdue"
TABLE_GENERATION = "queue_table_generation"  # bumped after a bulk action so the old selection clears
ANY, ME, NOBODY = "", "__me__", "__none__"


def _first_page() -> None:
    st.session_state[PAGE] = 1


def _type_changed() -> None:
    """Another case type has other states: the state filter starts over."""
    st.session_state[STATE] = ANY
    _first_page()


def open_queue(*, case_type: str = ANY, state: str = ANY, assignee: str = ANY, overdue: bool = False) -> None:
    """Opens the queue already filtered (the dashboard's click-through). Every filter is set, so a
    search or filter left on the queue earlier does not narrow the cases further."""
    st.session_state.update({SEARCH: "", TYPE: case_type, STATE: state, ASSIGNEE: assignee, OVERDUE: overdue,
                             PAGE: 1})
    st.switch_page("pages/queue.py")


def filter_bar(actor: Actor, staff: list[tuple[str, str, str]]) -> QueueFilter:
    names = {username: name for username, name, _ in staff}
    assignees = [ANY, NOBODY] + ([ME] if context.is_worker(actor) else []) + [u for u in names if u != actor.username]
    labels = {ANY: t("ui.queue.all"), ME: t("ui.queue.assignee_me"), NOBODY: t("ui.queue.assignee_none")}
    search = st.text_input(t("ui.queue.search"), placeholder=t("ui.queue.search_hint"), key=SEARCH,
                           icon=":material/search:", on_change=_first_page)
    c1, c2, c3, c4 = st.columns([2, 2, 2, 1.4], vertical_alignment="bottom")
    case_type = c1.selectbox(t("ui.queue.type"), [ANY, *REGISTRY], key=TYPE, on_change=_type_changed,
                             format_func=lambda v: labels[ANY] if v == ANY else t(f"case_type.{v}"))
    chosen = [REGISTRY[case_type]] if case_type else REGISTRY.values()
    states = list(dict.fromkeys(s for wf in chosen for s in wf.states))
    if st.session_state.get(STATE, ANY) not in states:  # a state of another type (set before this run)
        st.session_state[STATE] = ANY
    state = c2.selectbox(t("ui.queue.state"), [ANY, *states], key=STATE, on_change=_first_page,
                         format_func=lambda v: t("ui.queue.open_states") if v == ANY else t(f"state.{v}"))
    assignee = c3.selectbox(t("ui.queue.assignee"), assignees, key=ASSIGNEE, on_change=_first_page,
                            format_func=lambda v: labels.get(v) or names.get(v, v))
    overdue = c4.toggle(t("ui.queue.overdue_only"), key=OVERDUE, on_change=_first_page)
    return QueueFilter(case_type=case_type or None, state=state or None, assignee=assignee or None,
                       overdue_only=overdue, search=search)


def _frame(rows: list[QueueRow], staff_names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({
        "number": [r.registration_number for r in rows],
        "type": [t(f"case_type.{r.case_type}") for r in rows],
        "state": [t(f"state.{r.state}") for r in rows],
        "applicant": [r.applicant_name for r in rows],
        "deadline": [deadline_text(r.due_date, r.overdue) for r in rows],
        "assignee": [staff_names.get(r.assignee, r.assignee) if r.assignee else "—" for r in rows],
        "pod": [r.pod or "" for r in rows],
        "payment_code": [r.payment_code or "" for r in rows],
    })


def _table_key() -> str:
    return f"queue_table_{st.session_state.setdefault(TABLE_GENERATION, 0)}"


def selected(rows: list[QueueRow]) -> list[QueueRow]:
    """The rows ticked in the table (read before drawing it, so the toolbar can sit above it)."""
    state = st.session_state.get(_table_key())
    picked = state["selection"]["rows"] if state else []
    return [rows[i] for i in picked if 0 <= i < len(rows)]


def table(rows: list[QueueRow], staff_names: dict[str, str], selectable: bool) -> None:
    """The page of cases; the registration number opens the case, overdue deadlines are red."""
    frame = _frame(rows, staff_names)
    overdue = [r.overdue for r in rows]
    styled = frame.style.apply(
        lambda column: ["color: #b42318; font-weight: 600" if late else "" for late in overdue], subset=["deadline"])
    st.dataframe(
        styled, hide_index=True, width="stretch", height="content", key=_table_key(),
        on_select="rerun" if selectable else "ignore", selection_mode="multi-row",
        column_config={
            "number": st.column_config.ButtonColumn(t("ui.queue.col_number"), type="tertiary", key=OPEN,
                                                    help=t("ui.queue.open_help"), pinned=True),
            "type": t("ui.queue.col_type"), "state": t("ui.queue.col_state"), "applicant": t("ui.queue.col_applicant"),
            "deadline": t("ui.queue.col_deadline"), "assignee": t("ui.queue.col_assignee"),
            "pod": t("ui.queue.col_pod"), "payment_code": t("ui.queue.col_payment_code"),
        },
    )
    clicked = st.session_state.get(OPEN)
    if clicked is not None and 0 <= clicked["row"] < len(rows):
        context.open_case(rows[clicked["row"]].id)


def _after_bulk(messages: list[tuple[str, str]]) -> None:
    """Shows the outcome after a rerun that re-reads the queue and clears the selection."""
    for kind, message in messages:
        flash(message, kind)
    st.session_state[TABLE_GENERATION] = st.session_state.get(TABLE_GENERATION, 0) + 1
    st.rerun()


def toolbar(actor: Actor, selected: list[QueueRow], staff: list[tuple[str, str, str]]) -> None:
    """Claim the selected cases; supervisors also assign them to a colleague (all or none)."""
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    claim = t("ui.queue.claim", count=len(selected)) if selected else t("ui.queue.claim_none")
    if left.button(claim, icon=":material/back_hand:", disabled=not selected, type="primary"):
        messages = []
        for row in selected:
            try:
                cases.claim_case(uow=context.uow(), case_id=row.id, expected_version=row.version, actor=actor)
                messages.append(("success", t("ui.queue.claimed", number=row.registration_number)))
            except DomainError as err:
                messages.append(("error", f"{row.registration_number}: {err}"))
        _after_bulk(messages)
    if actor.role != Role.SUPERVISOR:
        return
    with right:
        colleagues = {username: f"{name} ({t(f'ui.role.{role}')})" for username, name, role in staff}
        c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
        to = c1.selectbox(t("ui.queue.assign_to"), list(colleagues), format_func=colleagues.get, key="queue_assign_to",
                          index=None, placeholder=t("ui.queue.assign_placeholder"))
        assign = t("ui.queue.assign", count=len(selected)) if selected else t("ui.queue.assign_none")
        if c2.button(assign, icon=":material/group:",
                     disabled=not (selected and to)):
            count = attempt(lambda: cases.assign_cases(uow=context.uow(), case_ids=[r.id for r in selected],
                                                       assignee=to, actor=actor))
            if count:
                _after_bulk([("success", t("ui.queue.assigned", count=count, name=colleagues[to]))])


def staff_list(actor: Actor) -> list[tuple[str, str, str]]:
    """Colleagues for the assignee filter and for assignment (empty for roles that may not list them)."""
    try:
        return queries.list_staff(uow=context.uow(), actor=actor)
    except DomainError:
        return []
