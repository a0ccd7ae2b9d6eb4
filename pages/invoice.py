"""Factură: one stored invoice in full (fields, status, one row per line at its own VAT rate), the payments
allocated to it, its credit notes and disputes, and the PDF copy the customer gets, downloadable and previewed.
Deep link: ?invoice=<id>."""

import streamlit as st

from core.accounts.ledger import invoice_detail
from core.platform.i18n import t
from core.platform.validation import url_int
from ui import context, line_widgets
from ui import ledger_widgets as ledger
from ui.efactura_widgets import submission_panel
from ui.widgets import attempt, empty_state

actor = context.actor()
if (linked := url_int(st.query_params.get("invoice"))) is not None:  # deep link: ?invoice=<id>
    st.session_state[ledger.INVOICE] = linked
invoice_id = st.session_state.get(ledger.INVOICE)
if invoice_id is None:
    st.title(t("ui.nav.invoice"), anchor=False)
    empty_state(t("ui.invoice.none_title"), t("ui.invoice.none_hint"), icon=":material/receipt_long:")
    st.page_link("pages/ledger.py", label=t("ui.invoice.to_ledger"), icon=":material/account_balance_wallet:")
    st.stop()

detail = attempt(lambda: invoice_detail(uow=context.uow(), actor=actor, invoice_id=invoice_id))
if detail is None:
    st.page_link("pages/ledger.py", label=t("ui.invoice.to_ledger"), icon=":material/account_balance_wallet:")
    st.stop()
st.query_params["invoice"] = str(detail.id)  # the address bar now links to this invoice

ledger.back_to_ledger(detail.contract_id)
title, badge = st.columns([4, 1], vertical_alignment="center")
title.title(t("ui.invoice.title", series=detail.series), anchor=False)
with badge:
    ledger.status_badge(detail.state.status)
ledger.invoice_summary(detail)
main, side = st.columns([1.6, 1], gap="medium")
with main:
    ledger.invoice_fields(detail)
    line_widgets.invoice_lines(detail.lines)
    ledger.allocations(detail)
    ledger.credit_notes(detail)
    ledger.disputes(detail, can_open=context.is_worker(actor))
with side:
    ledger.invoice_document(detail)
    submission_panel(detail.id, actor)
