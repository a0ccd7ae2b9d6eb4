"""The ledger and invoice screens' pieces: search results, summary figures, holder/place/contract cards,
the entries and invoices tables (each invoice opens its page), and the downloads. They draw what
core.accounts.ledger returned; nothing here computes money."""

from collections.abc import Sequence
from datetime import date

import pandas as pd
import streamlit as st

from core.accounts.invoice_pdf import invoice_pdf
from core.accounts.ledger import (
    ContractInfo,
    EntryKind,
    InvoiceDetail,
    InvoiceStatus,
    Ledger,
    channel_label,
    entry_detail,
)
from core.accounts.ledger_export import export_ledger
from core.accounts.money import format_lei
from core.cases.documents import preview_pages
from core.cases.queries import Page
from core.platform.config import settings
from core.platform.i18n import t, t_plural
from core.staff.auth import Actor
from ui import context
from ui.widgets import plain

CONTRACT = "ledger_contract_id"  # the account the ledger page shows
SEARCH, PICK = "ledger_search", "ledger_pick"
INVOICE = "invoice_id"  # shared: the invoice the invoice page shows
STATUS_COLORS = {
    InvoiceStatus.PAID: "green", InvoiceStatus.PARTLY_PAID: "orange", InvoiceStatus.UNPAID: "blue",
    InvoiceStatus.OVERDUE: "red", InvoiceStatus.DISPUTED: "violet", InvoiceStatus.CREDIT: "gray",
}
_CELL_COLORS = {"green": "#1a7f37", "orange": "#b35900", "blue": "#0b5cad", "red": "#b42318", "violet": "#6e40c9",
                "gray": "#57606a"}


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _lei(value) -> str:
    """Money where the label already says lei: Romanian digits without the currency."""
    return format_lei(value).removesuffix(" lei")


def _amount(value) -> str:
    """A debit or credit cell: blank when zero, so the other column stands out."""
    return _lei(value) if value else ""


def _money_column(label: str):
    return st.column_config.TextColumn(label, alignment="right")


def open_account(contract_id: int) -> None:
    st.session_state[CONTRACT] = contract_id
    st.query_params["contract"] = str(contract_id)


def open_invoice(invoice_id: int) -> None:
    """Shows the invoice page, with the invoice in the URL so the link can be shared."""
    st.session_state[INVOICE] = invoice_id
    st.switch_page("pages/invoice.py", query_params={"invoice": str(invoice_id)})


def back_to_ledger(contract_id: int) -> None:
    if st.button(t("ui.invoice.back"), icon=":material/arrow_back:", type="tertiary", key="invoice_back"):
        st.session_state[CONTRACT] = contract_id
        st.switch_page("pages/ledger.py", query_params={"contract": str(contract_id)})


def status_badge(status: InvoiceStatus) -> None:
    st.badge(t(f"ledger.status.{status}"), color=STATUS_COLORS[status])


# ---- search ----

def _picked(rows: list) -> None:
    """Opens the account clicked in the results and clears the search (a callback: runs before the page)."""
    clicked = st.session_state.get(PICK)
    if clicked is not None and 0 <= clicked["row"] < len(rows):
        open_account(rows[clicked["row"]].contract_id)
        st.session_state[SEARCH] = ""


def search_results(page: Page) -> None:
    """The matching accounts; the contract number opens one."""
    frame = pd.DataFrame({
        "contract": [r.contract_number for r in page.rows],
        "status": [t(f"ledger.contract_status.{r.status}") for r in page.rows],
        "holder": [r.holder_name for r in page.rows],
        "payment_code": [r.payment_code for r in page.rows],
        "client_code": [r.client_code for r in page.rows],
        "pod": [r.pod for r in page.rows],
        "address": [r.address for r in page.rows],
    })
    st.dataframe(frame, hide_index=True, width="stretch", height="content", column_config={
        "contract": st.column_config.ButtonColumn(t("ui.ledger.col_contract"), type="tertiary", pinned=True, key=PICK,
                                                  on_click=_picked, args=(page.rows,), help=t("ui.ledger.open_help")),
        **{name: t(f"ui.ledger.col_{name}") for name in ("status", "holder", "payment_code", "client_code", "pod",
                                                         "address")},
    })
    st.caption(t_plural("ui.ledger.results", page.total, shown=len(page.rows))
               + (f" {t('ui.ledger.results_more')}" if page.total > len(page.rows) else ""))


# ---- the account ----

def summary(ledger: Ledger) -> None:
    """Balance to date, overdue, days overdue, under dispute, penalties (lei in the labels, so values fit)."""
    rate = f"{(settings.penalty_daily_rate * 100).normalize():f}".replace(".", ",")
    cells = st.columns(5, border=True)
    cells[0].metric(t("ui.ledger.balance"), _lei(ledger.balance), help=t("ui.ledger.balance_help"))
    cells[1].metric(t("ui.ledger.overdue"), _lei(ledger.overdue), help=t("ui.ledger.overdue_help"))
    cells[2].metric(t("ui.ledger.days_overdue"), ledger.days_overdue, help=t("ui.ledger.days_overdue_help"))
    cells[3].metric(t("ui.ledger.disputed"), _lei(ledger.disputed), help=t("ui.ledger.disputed_help"))
    cells[4].metric(t("ui.ledger.penalty"), _lei(ledger.penalty),
                    help=t("ui.ledger.penalty_help", rate=rate, days=settings.penalty_grace_days))
    st.caption(t("ui.ledger.as_of", date=_day(ledger.as_of))
               + (f" {t('ui.ledger.credit')}" if ledger.balance < 0 else ""))


def _facts(rows: list[tuple[str, str | None]]) -> None:
    st.markdown("\n".join(f"- **{t(key)}:** {plain(value) or '—'}" for key, value in rows))


def _contract_period(contract: ContractInfo) -> str:
    return t("ui.ledger.from_to", start=_day(contract.start_date),
             end=_day(contract.end_date) if contract.end_date else t("ui.ledger.ongoing"))


def cards(ledger: Ledger) -> None:
    holder, place, contract = st.columns(3)
    with holder.container(border=True, height="stretch"):
        st.markdown(f"##### :material/person: {t('ui.ledger.holder')}")
        h = ledger.holder
        _facts([("ui.ledger.holder", h.name), ("ui.ledger.kind", t(f"customer_kind.{h.kind}")),
                ("ui.ledger.national_id", h.national_id), ("ui.ledger.email", h.email), ("ui.ledger.phone", h.phone),
                ("ui.ledger.correspondence_address", h.correspondence_address)])
    with place.container(border=True, height="stretch"):
        st.markdown(f"##### :material/home_pin: {t('ui.ledger.place')}")
        p = ledger.place
        _facts([("ui.ledger.pod", p.pod), ("ui.ledger.address", p.address), ("ui.ledger.meter", p.meter_serial),
                ("ui.ledger.last_index", f"{p.last_index} kWh")])
    with contract.container(border=True, height="stretch"):
        st.markdown(f"##### :material/contract: {t('ui.ledger.contract')}")
        c = ledger.contract
        _facts([("ui.ledger.contract", c.number),
                ("ui.ledger.contract_status", t(f"ledger.contract_status.{c.status}")),
                ("ui.ledger.contract_period", _contract_period(c)),
                ("ui.ledger.codes", f"{c.client_code} / {c.payment_code}")])
        others = [o for o in ledger.contracts if o.id != c.id]
        if others:
            st.caption(t("ui.ledger.place_contracts"))
            for other in others:
                if st.button(f"{other.number} · {plain(other.holder_name)} · {_contract_period(other)}",
                             key=f"ledger_other_{other.id}", type="tertiary", icon=":material/swap_horiz:"):
                    open_account(other.id)
                    st.rerun()


def _status_style(statuses: list[InvoiceStatus | None]):
    colors = [_CELL_COLORS[STATUS_COLORS[s]] if s else "" for s in statuses]
    return lambda column: [f"color: {c}; font-weight: 600" if c else "" for c in colors]


def entries_table(ledger: Ledger, key: str) -> None:
    """Every entry of the period with the balance after it; an invoice row's button opens the invoice."""
    if not ledger.entries:
        st.info(t("ui.ledger.no_entries"), icon=":material/event_busy:")
        return
    entries = ledger.entries
    frame = pd.DataFrame({
        "date": [_day(e.on) for e in entries],
        "kind": [t(f"ledger.entry.{e.kind}") for e in entries],
        "reference": [e.reference for e in entries],
        "detail": [entry_detail(e) for e in entries],
        "debit": [_amount(e.debit) for e in entries],
        "credit": [_amount(e.credit) for e in entries],
        "balance": [_lei(e.balance) for e in entries],
        "status": [t(f"ledger.status.{e.status}") if e.status else "" for e in entries],
        "open": [t("ui.ledger.open_invoice") if e.invoice_id and e.kind == EntryKind.INVOICE else None
                 for e in entries],
    })
    styled = frame.style.apply(_status_style([e.status for e in entries]), subset=["status"])
    st.dataframe(styled, hide_index=True, width="stretch", height="content", key=f"{key}_table", column_config={
        **{name: t(f"ledger.col.{name}") for name in ("date", "kind", "reference", "detail", "status")},
        **{name: _money_column(t(f"ledger.col.{name}")) for name in ("debit", "credit", "balance")},
        "open": st.column_config.ButtonColumn(t("ui.ledger.col_action"), type="tertiary", key=f"{key}_open",
                                              help=t("ui.ledger.open_invoice_help")),
    })
    clicked = st.session_state.get(f"{key}_open")
    if clicked is not None and 0 <= clicked["row"] < len(entries) and entries[clicked["row"]].invoice_id:
        open_invoice(entries[clicked["row"]].invoice_id)


def invoices_table(ledger: Ledger, key: str) -> None:
    """Each invoice's standing: open amount, dispute, days late and penalty; the series opens it."""
    states = list(reversed(ledger.invoices))  # newest first: what the customer asks about
    if not states:
        st.info(t("ui.ledger.no_entries"), icon=":material/event_busy:")
        return
    frame = pd.DataFrame({
        "series": [s.series for s in states],
        "kind": [t(f"ledger.invoice_kind.{s.kind}") for s in states],
        "issue": [_day(s.issue_date) for s in states],
        "due": [_day(s.due_date) for s in states],
        "total": [_lei(s.total) for s in states],
        "open": [_lei(s.open_amount) for s in states],
        "disputed": [_amount(s.disputed) for s in states],
        "status": [t(f"ledger.status.{s.status}") for s in states],
        "days": [s.days_overdue or None for s in states],
        "penalty": [_amount(s.penalty) for s in states],
    })
    styled = frame.style.apply(_status_style([s.status for s in states]), subset=["status"])
    st.dataframe(styled, hide_index=True, width="stretch", height="content", key=f"{key}_invoices", column_config={
        "series": st.column_config.ButtonColumn(t("ui.ledger.col_series"), type="tertiary", key=f"{key}_series",
                                                help=t("ui.ledger.open_invoice_help"), pinned=True),
        **{name: t(f"ui.ledger.col_{name}") for name in ("kind", "issue", "due", "days")},
        "status": t("ledger.col.status"),
        **{name: _money_column(t(f"ui.ledger.col_{name}")) for name in ("total", "open", "disputed", "penalty")},
    })
    clicked = st.session_state.get(f"{key}_series")
    if clicked is not None and 0 <= clicked["row"] < len(states):
        open_invoice(states[clicked["row"]].invoice_id)


def download_ledger(actor: Actor, ledgers: Sequence[Ledger]) -> None:
    """The workbook is built (and the export audited) only when clicked (deferred data)."""
    st.download_button(t("ui.ledger.download"), data=lambda: export_ledger(uow=context.uow(), actor=actor,
                                                                         ledgers=ledgers),
                       icon=":material/download:",
                       file_name=f"fisa-{ledgers[-1].contract.number}.xlsx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       help=t("ui.ledger.download_help"), key="ledger_download")


# ---- one invoice ----

def invoice_summary(detail: InvoiceDetail) -> None:
    state = detail.state
    cells = st.columns(5, border=True)
    cells[0].metric(t("ui.invoice.metric_total"), _lei(detail.total))
    cells[1].metric(t("ui.invoice.metric_open"), _lei(state.open_amount))
    cells[2].metric(t("ui.invoice.metric_disputed"), _lei(state.disputed))
    cells[3].metric(t("ui.invoice.days_overdue"), state.days_overdue)
    cells[4].metric(t("ui.invoice.metric_penalty"), _lei(state.penalty))


def invoice_fields(detail: InvoiceDetail) -> None:
    left, right = st.columns(2)
    with left.container(border=True, height="stretch"):
        st.markdown(f"##### :material/receipt_long: {t('ui.invoice.invoice')}")
        st.markdown("\n".join(f"- **{label}:** {value}" for label, value in [
            (t("ui.invoice.series"), detail.series), (t("ui.invoice.invoice_id"), detail.invoice_number),
            (t("ui.invoice.kind"), t(f"ledger.invoice_kind.{detail.kind}")),
            (t("ui.invoice.issue_date"), _day(detail.issue_date)), (t("ui.invoice.due_date"), _day(detail.due_date)),
            (t("ui.invoice.period"), f"{_day(detail.period_start)} – {_day(detail.period_end)}"),
            (t("ui.invoice.indexes"), f"{detail.old_index} → {detail.new_index}"),
            (t("ui.invoice.kwh"), f"{detail.kwh} kWh"), (t("ui.invoice.value_net"), format_lei(detail.value_net)),
            (t("ui.invoice.vat", rate=detail.vat_percent), format_lei(detail.vat)),
            (t("ui.invoice.total"), f"**{format_lei(detail.total)}**"),
            (t("ui.invoice.balance_at_issue"), format_lei(detail.balance_at_issue)),
        ]))
    with right.container(border=True, height="stretch"):
        st.markdown(f"##### :material/person: {t('ui.invoice.account')}")
        st.markdown("\n".join(f"- **{t(key)}:** {plain(value) or '—'}" for key, value in [
            ("ui.invoice.holder", detail.holder_name), ("ui.invoice.contract", detail.contract_number),
            ("ui.invoice.client_code", detail.client_code), ("ui.invoice.payment_code", detail.payment_code),
            ("ui.invoice.pod", detail.pod), ("ui.invoice.place_address", detail.place_address),
            ("ui.invoice.correspondence_address", detail.correspondence_address),
        ]))


def allocations(detail: InvoiceDetail) -> None:
    st.markdown(f"##### :material/payments: {t('ui.invoice.allocations')}")
    if not detail.allocations:
        st.caption(t("ui.invoice.no_allocations"))
        return
    st.dataframe(pd.DataFrame({
        "reference": [a.payment_reference + (f" ({t('ui.invoice.reversal')})" if a.is_reversal else "")
                      for a in detail.allocations],
        "date": [_day(a.paid_on) for a in detail.allocations],
        "channel": [channel_label(a.channel) for a in detail.allocations],
        "amount": [_lei(a.amount) for a in detail.allocations],
    }), hide_index=True, width="stretch", height="content", column_config={
        **{name: t(f"ui.invoice.col_{name}") for name in ("reference", "date", "channel")},
        "amount": _money_column(t("ui.invoice.col_amount")),
    })


def credit_notes(detail: InvoiceDetail) -> None:
    st.markdown(f"##### :material/request_quote: {t('ui.invoice.credit_notes')}")
    if not detail.credit_notes:
        st.caption(t("ui.invoice.no_credit_notes"))
        return
    st.dataframe(pd.DataFrame({
        "number": [n.number for n in detail.credit_notes],
        "date": [_day(n.issued_on) for n in detail.credit_notes],
        "amount": [_lei(n.amount) for n in detail.credit_notes],
        "reason": [n.reason for n in detail.credit_notes],
    }), hide_index=True, width="stretch", height="content", column_config={
        **{name: t(f"ui.invoice.col_{name}") for name in ("number", "date", "reason")},
        "amount": _money_column(t("ui.invoice.col_amount")),
    })


def disputes(detail: InvoiceDetail, can_open: bool) -> None:
    head, action = st.columns([3, 1], vertical_alignment="center")
    head.markdown(f"##### :material/gavel: {t('ui.invoice.disputes')}")
    if can_open and action.button(t("ui.invoice.open_dispute"), key="invoice_open_dispute", icon=":material/gavel:"):
        st.switch_page("pages/new_dispute.py", query_params={"invoice": str(detail.id)})
    if not detail.disputes:
        st.caption(t("ui.invoice.no_disputes"))
        return
    st.dataframe(pd.DataFrame({
        "case": [d.registration_number for d in detail.disputes],
        "state": [t(f"state.{d.state}") for d in detail.disputes],
        "disputed": [_lei(d.disputed_amount) for d in detail.disputes],
        "registered": [_day(d.registered_on) for d in detail.disputes],
        "open": [t("ui.invoice.yes") if d.is_open else t("ui.invoice.no") for d in detail.disputes],
    }), hide_index=True, width="stretch", height="content", column_config={
        **{name: t(f"ui.invoice.col_{name}") for name in ("case", "state", "registered", "open")},
        "disputed": _money_column(t("ui.invoice.col_disputed")),
    })


def invoice_document(detail: InvoiceDetail) -> None:
    """The PDF copy: a download and its page drawn inline (the same bytes)."""
    with st.spinner(t("ui.invoice.pdf_wait")):  # the PDF and its first page as an image: about a second
        pdf = invoice_pdf(detail)
        first_page = preview_pages("application/pdf", pdf, max_pages=1, width=900)[0]
    st.download_button(t("ui.invoice.download"), data=pdf, file_name=f"factura-{detail.series}.pdf",
                       mime="application/pdf", icon=":material/picture_as_pdf:", on_click="ignore", type="primary",
                       help=t("ui.invoice.download_help"), key="invoice_download", width="stretch")
    with st.container(border=True):
        st.caption(t("ui.invoice.preview"))
        st.image(first_page, width="stretch")


def contract_title(ledger: Ledger, selected: bool) -> None:
    """One contract's heading in the consumption place view: number, holder, period, balance."""
    c = ledger.contract
    st.markdown(f"##### {c.number} · {plain(ledger.holder.name)}" + (f" :blue-badge[{t('ui.ledger.selected')}]"
                                                               if selected else ""))
    st.caption(f"{t(f'ledger.contract_status.{c.status}')} · {_contract_period(c)} · "
               f"{t('ui.ledger.balance')}: {_lei(ledger.balance)}")
