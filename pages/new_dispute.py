"""Contestație nouă: a customer's dispute about one invoice, taken at the counter or by phone. Reached
from a link naming the invoice (?invoice=<id>) or by its invoice ID; core.services.disputes checks every
field and the invoice's own rules at once, each message appears under its field, nothing is saved until
all pass."""

import streamlit as st

from core.accounts.ledger import invoice_detail
from core.platform.i18n import t
from core.services.disputes import open_dispute
from ui import context
from ui import dispute_form as dispute
from ui.widgets import attempt, empty_state

actor = context.actor()
st.title(t("ui.new_dispute.title"), anchor=False)

created = st.session_state.get(dispute.CREATED)
if created:
    case_id, number = created
    with st.container(border=True):
        st.success(t("ui.new_dispute.created", number=number), icon=":material/task_alt:")
        st.markdown(t("ui.new_dispute.created_hint"))
        left, right = st.columns(2)
        if left.button(t("ui.new_dispute.open_case"), icon=":material/folder_open:", type="primary",
                       width="stretch"):
            context.open_case(case_id)
        right.button(t("ui.new_dispute.another"), icon=":material/gavel:", width="stretch",
                     on_click=dispute.start_over)
    st.stop()

st.caption(t("ui.new_dispute.subtitle"))
invoice_id = dispute.invoice_requested()
if invoice_id is None:
    empty_state(t("ui.new_dispute.empty_title"), t("ui.new_dispute.empty_hint"), icon=":material/receipt_long:")
    dispute.invoice_search(actor)
    st.stop()

invoice = attempt(lambda: invoice_detail(uow=context.uow(), actor=actor, invoice_id=invoice_id))
if invoice is None:
    dispute.other_invoice()
    dispute.invoice_search(actor)
    st.stop()

top = st.container()  # the invoice's own refusals: too late, paid, already disputed
dispute.invoice_card(invoice)
with st.form("dispute_form", border=True, enter_to_submit=False):
    form = dispute.form_fields(invoice)
    submitted = st.form_submit_button(t("ui.new_dispute.submit"), type="primary", icon=":material/gavel:")

if submitted:
    errors: dict[str, str] = {}
    case = attempt(lambda: open_dispute(
        uow=context.uow(), actor=actor, invoice_id=invoice.id, form=form.values,
        uploads=dispute.evidence(form), channel=form.channel, language="ro"), where=top, field_errors=errors)
    dispute.show_errors(form, errors, top)
    if case:
        st.session_state[dispute.CREATED] = (case.id, case.registration_number)
        st.rerun()
