"""The pieces of the staff e-Factura page: the filters (read from the address, so a dashboard figure or a shared
link opens the list already filtered, and written back to it), the page of submissions with a link to each
document's invoice, and the documents the rules refused with their failed rules as text and a re-check button."""

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from core.efactura.listing import STATE_CHOICES, SubmissionFilter, SubmissionRow
from core.models import EfacturaSubmission
from core.platform import validation
from core.platform.i18n import t
from core.staff.auth import Actor
from ui.efactura_address import PARAMS, from_params, to_params
from ui.efactura_widgets import recheck_button
from ui.widgets import plain

STATE, DUE_SOON, LATE, ISSUED, NUMBER = ("efactura_state", "efactura_due_soon", "efactura_late", "efactura_issued",
                                         "efactura_number")
PAGE = "efactura_page"
_APPLIED = "efactura_applied"  # the address the widgets were last filled from or wrote
INVOICE_LINK = "invoice?invoice={id}&number={number}"  # a real link: middle-click opens the invoice in a new tab
LEDGER_LINK = "ledger?contract={id}&number={number}"  # a compensation's account


def _link(row: SubmissionRow) -> str:
    if row.compensation_contract_id is not None:
        return LEDGER_LINK.format(id=row.compensation_contract_id, number=row.number)
    return INVOICE_LINK.format(id=row.invoice_id, number=row.number)


def _kind(row: SubmissionRow) -> str:
    if row.compensation_contract_id is not None:
        return t("ui.efactura_list.compensation")
    return t("ui.efactura_list.credit_note" if row.credit_note else "ui.efactura_list.invoice")


def _ours(params: Mapping[str, str]) -> dict[str, str]:
    return {name: params[name] for name in PARAMS if name in params}


def _from_address() -> None:
    """A new address (a click from the dashboard, a typed link) fills the widgets; the page's own writes do not."""
    arrived = _ours(st.query_params.to_dict())
    if st.session_state.get(_APPLIED) == arrived:
        return
    f = from_params(arrived)
    st.session_state.update({STATE: f.state or "", DUE_SOON: f.due_soon, LATE: f.late, ISSUED: f.issued or (),
                             NUMBER: f.number or "", PAGE: 1})


def _first_page() -> None:
    st.session_state[PAGE] = 1


def _state_label(key: str) -> str:
    return t(f"ui.efactura_list.state_{key}") if key in ("", "not_accepted", "refused") else t(f"efactura.state.{key}")


def filter_bar() -> SubmissionFilter:
    _from_address()
    state, issued, number = st.columns([2, 2, 2], vertical_alignment="bottom")
    chosen = state.selectbox(t("ui.efactura_list.state"), ["", *STATE_CHOICES], key=STATE, format_func=_state_label,
                             on_change=_first_page)
    days = issued.date_input(t("ui.efactura_list.issued"), key=ISSUED, format="DD.MM.YYYY", on_change=_first_page)
    typed = number.text_input(t("ui.efactura_list.number"), key=NUMBER, on_change=_first_page,
                              max_chars=validation.length_of(EfacturaSubmission.number))
    soon, late = st.columns(2)
    due_soon = soon.toggle(t("ui.efactura_list.due_soon"), key=DUE_SOON, on_change=_first_page)
    past = late.toggle(t("ui.efactura_list.late"), key=LATE, on_change=_first_page)
    period = tuple(days) if isinstance(days, tuple | list) and len(days) == 2 else None  # a range being picked: none
    filters = SubmissionFilter(state=chosen or None, due_soon=due_soon, late=past, issued=period,
                               number=validation.text_or_none(typed, validation.length_of(EfacturaSubmission.number)))
    params = to_params(filters)
    st.query_params.from_dict(params)
    st.session_state[_APPLIED] = params
    return filters


def table(rows: list[SubmissionRow]) -> None:
    """The page of documents in the database's order; the number opens the invoice (a credit note's own, a
    compensation's account)."""
    frame = pd.DataFrame({
        "number": [_link(r) for r in rows],
        "kind": [_kind(r) for r in rows],
        "issued": [r.issue_date.strftime("%d.%m.%Y") for r in rows],
        "deadline": [r.deadline.strftime("%d.%m.%Y") + (" · " + t("ui.efactura_list.late_mark") if r.late else "")
                     for r in rows],
        "state": [t(f"efactura.state.{r.state}") for r in rows],
        "index": [r.upload_index or "" for r in rows],
        "rules": ["; ".join(r.failed_rules) for r in rows],  # a table cell is text, never markdown
    })
    st.dataframe(frame, hide_index=True, width="stretch", height="content", column_config={
        "number": st.column_config.LinkColumn(t("ui.efactura_list.col_number"), display_text=r"number=(.+)$",
                                              help=t("ui.efactura_list.open_help"), pinned=True),
        "kind": t("ui.efactura_list.col_kind"), "issued": t("ui.efactura_list.col_issued"),
        "deadline": t("ui.efactura_list.col_deadline"), "state": t("ui.efactura_list.col_state"),
        "index": t("ui.efactura_list.col_index"), "rules": t("ui.efactura_list.col_rules")})


def refused(rows: list[SubmissionRow], actor: Actor) -> None:
    """Each document on the page the rules refused: its failed rules as text and, for who may, a re-check."""
    invalid = [r for r in rows if r.state == "invalid"]
    if not invalid:
        return
    st.subheader(t("ui.efactura_list.refused_title"), anchor=False)
    st.caption(t("ui.efactura_list.refused_hint"))
    for row in invalid:
        with st.container(border=True):
            st.markdown(f"**{plain(row.number)}** · {t('ui.efactura.deadline', day=row.deadline.strftime('%d.%m.%Y'))}")
            st.text("\n".join(row.failed_rules))
            recheck_button(actor, row.id, row.version, key=f"efactura_recheck_{row.id}")
