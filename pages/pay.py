"""Plata facturii, without an account: payment code + e-mail -> the current invoice and the total due ->
"Plătește" sends this tab to the card processor's page. The processor sends the customer back to
?intent=<id>, where the page shows what its notification said (paid, declined, cancelled, waiting)."""

import streamlit as st

from core.accounts.money import format_lei
from core.online import payments
from core.platform.i18n import current_language, t
from core.staff.auth import customer_actor
from ui import context, lookup_wait
from ui import pay_widgets as pay
from ui.public import lookup, visitor
from ui.widgets import attempt, flash, show_field_errors, show_flash

st.title(t("ui.pay.title"), anchor=False)
if returned := st.query_params.get("intent"):
    result = attempt(lambda: payments.payment_outcome(uow=context.uow(), public_id=returned))
    if result:
        pay.outcome(result)
    if st.button(t("ui.pay.again"), icon=":material/credit_card:"):
        st.query_params.clear()
        st.rerun()
    st.stop()

st.caption(t("ui.pay.intro"))
errors: dict[str, str] = {}
with st.form("pay_lookup", enter_to_submit=True):
    code = st.text_input(t("ui.pay.payment_code"), key="pay_code", max_chars=9, help=t("ui.pay.payment_code_help"))
    email = st.text_input(t("ui.pay.email"), key="pay_email", max_chars=254)
    email_error, refusal = st.empty(), st.empty()
    submitted = st.form_submit_button(t("ui.pay.lookup"), type="primary", icon=":material/search:",
                                      disabled=lookup_wait.waiting("pay"))
if submitted:
    st.session_state.pop(pay.FOUND, None)
found = lookup("pay", submitted, lambda solution: payments.amounts_due(
    uow=context.uow(), actor=customer_actor(), who=visitor(), payment_code=code, email=email, solution=solution),
    where=refusal, field_errors=errors)
show_field_errors(errors, "email", where=email_error)
if found is not None:
    st.session_state[pay.FOUND] = found

due = st.session_state.get(pay.FOUND)
if due is None:
    st.stop()
show_flash()
pay.amounts(due)
if not due.choices:
    st.success(t("pay.nothing_due"), icon=":material/check_circle:")
    st.stop()
what = pay.choice(due)
amount = due.amount_for(what)
st.caption(t("ui.pay.card_note"))


def start() -> payments.StartedPayment:
    """The processor is asked for the amount on the button; if a payment landed since the lookup, the
    page shows the fresh amounts with the reason instead."""
    try:
        return payments.create_intent(uow=context.uow(), actor=customer_actor(), contract_id=due.contract_id,
                                      email=due.email, what=what, amount=amount, language=current_language())
    except payments.AmountChanged as changed:
        st.session_state[pay.FOUND] = changed.due
        flash(str(changed), "error")
        st.rerun()


if st.button(t("ui.pay.pay", amount=format_lei(amount)), type="primary", icon=":material/credit_card:"):
    with st.spinner(t("ui.spinner.pay")):  # a round trip to the processor
        started = attempt(start)
    if started:
        pay.go_to(started.url)
