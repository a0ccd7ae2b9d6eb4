"""The queue screen's pieces: the filter bar (its filters carried in the URL, so a filtered queue can be
shared, and shown as chips with a one-click clear), the table (number opens the case, rows select for bulk
work) and the claim/assign bar. Each reads its widgets and calls one core service."""

from collections.abc import Mapping
from datetime import date

import pandas as pd
import streamlit as st

from core.cases import queries
from core.cases.queries import QueueFilter, QueueRow, QueueSort, SortKey
from core.models import Role, User
from core.platform import validation
from core.platform.errors import DomainError
from core.platform.i18n import t, t_plural
from core.services import cases
from core.staff.auth import Actor
from core.workflow import registry
from ui import context
from ui.widgets import attempt, deadline_text, flash, plain

PAGE = "queue_page"
SEARCH = "queue_search"
TYPE = "queue_type"
STATE = "queue_state"
ASSIGNEE = "queue_assignee"
OVERDUE = "queue_overdue"
CLOSED = "queue_closed"  # closed cases too
SORT = "queue_sort"  # a SortKey; the database sorts every matching case (header clicks sort one page only)
DESCENDING = "queue_descending"
HEADER_SORT = "queue_header_sort"  # a header clicked last run: applied before the sort widgets are drawn
HEADERS = {"number": SortKey.NUMBER, "type": SortKey.TYPE, "state": SortKey.STATE, "applicant": SortKey.APPLICANT,
           "deadline": SortKey.DEADLINE, "assignee": SortKey.ASSIGNEE}  # the table's columns a clerk sorts by
EXTRA = "queue_extra"  # the filters without a widget (set by the dashboard's click-throughs), as QueueFilter fields
WIDGETS = (SEARCH, TYPE, STATE, ASSIGNEE, OVERDUE, CLOSED)
TABLE_GENERATION = "queue_table_generation"  # bumped after a bulk action so the old selection clears
ANY, ME, NOBODY = "", "__me__", "__none__"
AGE_MAX_DAYS = 10_000  # working days (about 40 years): an age filter beyond it means nothing and is left out


def _first_page() -> None:
    st.session_state[PAGE] = 1


def _type_changed() -> None:
    """Another case type has other states: the state filter starts over."""
    st.session_state[STATE] = ANY
    _first_page()


def days_param(days: tuple[date, date]) -> str:
    return f"{days[0].isoformat()}..{days[1].isoformat()}"


def to_params(filters: QueueFilter) -> dict[str, str]:
    """The filters as URL query parameters (only those that differ from the default queue)."""
    f = filters
    params = {"q": f.search, "type": f.case_type, "state": f.state, "assignee": f.assignee,
              "overdue": "1" if f.overdue_only else None, "all": None if f.open_only else "1",
              "due_soon": "1" if f.due_soon_only else None, "category": f.category,
              "registered": days_param(f.registered) if f.registered else None,
              "closed_in": days_param(f.closed) if f.closed else None,
              "age": f"{f.age[0]}-{'' if f.age[1] is None else f.age[1]}" if f.age else None}
    return {name: value for name, value in params.items() if value}


def parse_days(text: str | None) -> tuple[date, date] | None:
    """A "YYYY-MM-DD..YYYY-MM-DD" range from the address bar, or None for anything else."""
    first, _, last = (validation.text_or_none(text, 32) or "").partition("..")
    try:
        days = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        return None
    return days if date.min < days[0] <= days[1] < date.max else None  # a day either side stays a date


def _parse_age(text: str | None) -> tuple[int, int | None] | None:
    low, _, high = (validation.text_or_none(text, 32) or "").partition("-")
    low_days, high_days = validation.url_int(low, AGE_MAX_DAYS), validation.url_int(high, AGE_MAX_DAYS)
    if low_days is None or (high and high_days is None):
        return None
    return low_days, high_days


def from_params(params: Mapping[str, str]) -> QueueFilter:
    """The filters a shared queue address carries, each through the one text boundary; a malformed or
    unknown value is left out."""
    def get(name: str, max_length: int = 32) -> str | None:
        return validation.text_or_none(params.get(name), max_length)

    return QueueFilter(
        case_type=get("type") if get("type") in registry.names() else None, state=get("state"),
        assignee=get("assignee", validation.length_of(User.username)), overdue_only=get("overdue") == "1",
        search=get("q", validation.SEARCH_MAX) or "", open_only=get("all") != "1",
        due_soon_only=get("due_soon") == "1", category=get("category"),
        registered=parse_days(params.get("registered")), closed=parse_days(params.get("closed_in")),
        age=_parse_age(params.get("age")))


def open_queue(filters: QueueFilter) -> None:
    """Opens the queue showing exactly `filters` (the dashboard's click-through): the address carries
    them, and nothing left on the queue earlier narrows the cases further."""
    for key in (*WIDGETS, EXTRA):
        st.session_state.pop(key, None)
    st.switch_page("pages/queue.py", query_params=to_params(filters))


def _extra(filters: QueueFilter) -> dict:
    return {"due_soon_only": filters.due_soon_only, "registered": filters.registered, "closed": filters.closed,
            "age": filters.age, "category": filters.category}


def _from_address() -> None:
    """Arriving on the queue (its widgets not drawn last run), the filters come from the address."""
    if TYPE in st.session_state:
        return
    f = from_params(st.query_params)
    st.session_state.update({SEARCH: f.search, TYPE: f.case_type or ANY, STATE: f.state or ANY,
                             ASSIGNEE: f.assignee or ANY, OVERDUE: f.overdue_only, CLOSED: not f.open_only,
                             EXTRA: _extra(f), PAGE: 1})


def _clear(field: str | None = None) -> None:
    """Drops one click-through filter, or every filter when `field` is None."""
    if field is None:
        st.session_state.update({SEARCH: "", TYPE: ANY, STATE: ANY, ASSIGNEE: ANY, OVERDUE: False, CLOSED: False,
                                 EXTRA: _extra(QueueFilter())})
    else:
        st.session_state[EXTRA] = {**st.session_state[EXTRA], field: getattr(QueueFilter(), field)}
    _first_page()


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _chip_labels(filters: QueueFilter) -> dict[str, str]:
    """The click-through filters in force, as the words on their chips."""
    f, labels = filters, {}
    if f.due_soon_only:
        labels["due_soon_only"] = t("ui.queue_filters.due_soon")
    if f.registered:
        labels["registered"] = t("ui.queue_filters.registered", first=_day(f.registered[0]),
                                 last=_day(f.registered[1]))
    if f.closed:
        labels["closed"] = t("ui.queue_filters.closed", first=_day(f.closed[0]), last=_day(f.closed[1]))
    if f.age:
        labels["age"] = (t("ui.queue_filters.age", low=f.age[0], high=f.age[1]) if f.age[1] is not None
                         else t("ui.queue_filters.age_from", low=f.age[0]))
    if f.category:
        # the category comes from the address: one nobody defined shows as typed, never as markdown
        labels["category"] = t("ui.queue_filters.category", category=plain(t(f"dispute_category.{f.category}")))
    return labels


def chips(filters: QueueFilter) -> None:
    """The click-through filters as chips, each with its own clear, and a clear of every filter."""
    labels = _chip_labels(filters)
    if not labels and filters == QueueFilter():
        return
    row = st.container(horizontal=True, vertical_alignment="center")
    row.caption(t("ui.queue_filters.active"))
    for field, label in labels.items():
        row.button(label, key=f"queue_clear_{field}", icon=":material/close:", on_click=_clear, args=(field,),
                   help=t("ui.queue_filters.clear_one"))
    row.button(t("ui.queue_filters.clear_all"), key="queue_clear_all", icon=":material/filter_alt_off:",
               type="tertiary", on_click=_clear)


def filter_bar(actor: Actor, staff: list[tuple[str, str, str]]) -> QueueFilter:
    """The filters on screen (seeded from the address on arrival), written back to the address."""
    _from_address()
    names = {username: name for username, name, _ in staff}
    assignees = [ANY, NOBODY] + ([ME] if context.is_worker(actor) else []) + [u for u in names if u != actor.username]
    if st.session_state[ASSIGNEE] not in assignees:  # a colleague named by the address (analysts list nobody)
        assignees.append(st.session_state[ASSIGNEE])
    labels = {ANY: t("ui.queue.all"), ME: t("ui.queue.assignee_me"), NOBODY: t("ui.queue.assignee_none")}
    search = st.text_input(t("ui.queue.search"), placeholder=t("ui.queue.search_hint"), key=SEARCH,
                           icon=":material/search:", on_change=_first_page)
    c1, c2, c3, c4 = st.columns([2, 2, 2, 1.6], vertical_alignment="bottom")
    case_type = c1.selectbox(t("ui.queue.type"), [ANY, *registry.names()], key=TYPE, on_change=_type_changed,
                             format_func=lambda v: labels[ANY] if v == ANY else t(f"case_type.{v}"))
    chosen = registry.tables(case_type or None)
    states = list(dict.fromkeys(s for wf in chosen for s in wf.states))
    if st.session_state.get(STATE, ANY) not in states:  # a state of another type (set before this run)
        st.session_state[STATE] = ANY
    state = c2.selectbox(t("ui.queue.state"), [ANY, *states], key=STATE, on_change=_first_page,
                         format_func=lambda v: t("ui.queue.open_states") if v == ANY else t(f"state.{v}"))
    assignee = c3.selectbox(t("ui.queue.assignee"), assignees, key=ASSIGNEE, on_change=_first_page,
                            format_func=lambda v: labels.get(v) or names.get(v, v))
    overdue = c4.toggle(t("ui.queue.overdue_only"), key=OVERDUE, on_change=_first_page)
    closed = c4.toggle(t("ui.queue_filters.include_closed"), key=CLOSED, on_change=_first_page,
                       help=t("ui.queue_filters.include_closed_help"))
    filters = QueueFilter(case_type=case_type or None, state=state or None, assignee=assignee or None,
                          overdue_only=overdue, search=search, open_only=not closed, **st.session_state[EXTRA])
    chips(filters)
    st.query_params.from_dict(to_params(filters))
    return filters


def sort_from_address() -> None:
    """Arriving on the queue, the order comes from the address (?sort=applicant&desc=1); call before
    filter_bar, which rewrites the address."""
    if (clicked := st.session_state.pop(HEADER_SORT, None)) is not None:  # the same header again: reversed
        st.session_state[DESCENDING] = clicked == st.session_state.get(SORT) and not st.session_state[DESCENDING]
        st.session_state.update({SORT: clicked, PAGE: 1})
    if SORT in st.session_state:
        return
    key = validation.text_or_none(st.query_params.get("sort"), 16)
    st.session_state[SORT] = SortKey(key) if key in set(SortKey) else SortKey.DEADLINE
    st.session_state[DESCENDING] = st.query_params.get("desc") == "1"


def sort_bar() -> QueueSort:
    """The order on screen, written to the address beside the filters; a new order starts at page 1."""
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    key = left.selectbox(t("ui.queue_sort.label"), list(SortKey), key=SORT, on_change=_first_page,
                         format_func=lambda v: t(f"ui.queue_sort.{v}"))
    descending = right.toggle(t("ui.queue_sort.descending"), key=DESCENDING, on_change=_first_page)
    chosen = QueueSort(SortKey(key), descending)
    if chosen != QueueSort():
        st.query_params.update({"sort": chosen.key.value, **({"desc": "1"} if descending else {})})
    return chosen


CASE_LINK = "case_detail?case={id}&number={number}"  # a real link: middle-click opens the case in a new tab


def case_link(row: QueueRow) -> str:
    return CASE_LINK.format(id=row.id, number=row.registration_number)


def _frame(rows: list[QueueRow], staff_names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({
        "number": [case_link(r) for r in rows],
        "type": [t(f"case_type.{r.case_type}") for r in rows],
        "state": [t(f"state.{r.state}") for r in rows],
        "applicant": [r.applicant_name for r in rows],
        "deadline": [deadline_text(r.due_date, r.overdue, r.sla_status) for r in rows],
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
    """The page of cases in the order the database gave; the registration number is a link to the case,
    overdue deadlines are red. A header click selects its column, which orders every matching case (the
    grid's own sorting, disabled by column selection, would reorder this page only)."""
    frame = _frame(rows, staff_names)
    overdue = [r.overdue for r in rows]
    styled = frame.style.apply(
        lambda column: ["color: #b42318; font-weight: 600" if late else "" for late in overdue], subset=["deadline"])
    event = st.dataframe(
        styled, hide_index=True, width="stretch", height="content", key=_table_key(), on_select="rerun",
        selection_mode=["multi-row", "single-column"] if selectable else "single-column",
        column_config={
            "number": st.column_config.LinkColumn(t("ui.queue.col_number"), display_text=r"number=(.+)$",
                                                  help=t("ui.queue.open_help"), pinned=True),
            "type": t("ui.queue.col_type"), "state": t("ui.queue.col_state"), "applicant": t("ui.queue.col_applicant"),
            "deadline": t("ui.queue.col_deadline"), "assignee": t("ui.queue.col_assignee"),
            "pod": t("ui.queue.col_pod"), "payment_code": t("ui.queue.col_payment_code"),
        },
    )
    header = next((HEADERS[c] for c in event.selection.columns if c in HEADERS), None)
    if header is not None:
        st.session_state[HEADER_SORT] = header
        st.session_state[TABLE_GENERATION] = st.session_state.get(TABLE_GENERATION, 0) + 1  # clears the click
        st.rerun()


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
                _after_bulk([("success", t_plural("ui.queue.assigned", count, name=plain(colleagues[to])))])


def staff_list(actor: Actor) -> list[tuple[str, str, str]]:
    """Colleagues for the assignee filter and for assignment (empty for roles that may not list them)."""
    try:
        return queries.list_staff(uow=context.uow(), actor=actor)
    except DomainError:
        return []
