"""The counter's money actions on an account: take a payment (it pays the chosen invoice first, then the
oldest), and, for supervisors, take back a payment recorded in error with a compensating entry."""

import streamlit as st

from core.accounts.ledger import EntryKind, Ledger
from core.accounts.money import format_lei
from core.models import Role
from core.platform.i18n import t
from core.services.payments import register_payment, reverse_payment
from core.staff.auth import Actor
from ui import context
from ui.widgets import attempt, flash, show_field_errors


def cashier(ledger: Ledger, actor: Actor) -> None:
    if not context.is_worker(actor) or ledger.contract.status != "active":
        return
    pay, undo = st.columns(2)
    with pay.popover(t("ui.cashier.take_payment"), icon=":material/payments:", width="stretch"):
        _take_payment(ledger, actor)
    if actor.role == Role.SUPERVISOR:
        with undo.popover(t("ui.cashier.reverse"), icon=":material/undo:", width="stretch"):
            _reverse(ledger, actor)


def _take_payment(ledger: Ledger, actor: Actor) -> None:
    owed = {i.invoice_id: i for i in ledger.invoices if i.open_amount > 0}
    with st.form("cashier_payment_form", border=False):
        amount = st.text_input(t("ui.cashier.amount"), key="cashier_amount", placeholder="125,50")
        slot = st.empty()
        named = st.selectbox(t("ui.cashier.invoice"), [None, *owed], key="cashier_invoice",
                             format_func=lambda i: t("ui.cashier.oldest_first") if i is None else
                             f"{owed[i].series} · {format_lei(owed[i].open_amount)}")
        sent = st.form_submit_button(t("ui.cashier.submit"), type="primary", icon=":material/payments:")
    if sent:
        errors: dict[str, str] = {}
        done = attempt(lambda: register_payment(uow=context.uow(), actor=actor, contract_id=ledger.contract.id,
                                                amount=amount, invoice_id=named), field_errors=errors)
        show_field_errors(errors, "amount", slot)
        if done:
            flash(t("ui.cashier.taken", amount=format_lei(done.amount), reference=done.reference))
            st.rerun()


def _reverse(ledger: Ledger, actor: Actor) -> None:
    payments = {e.payment_id: e for e in ledger.entries if e.kind == EntryKind.PAYMENT and not e.reversed}
    if not payments:
        st.caption(t("ui.cashier.nothing_to_reverse"))
        return
    with st.form("cashier_reverse_form", border=False):
        picked = st.selectbox(t("ui.cashier.payment"), list(payments), key="cashier_reverse_payment",
                              format_func=lambda p: f"{payments[p].on:%d.%m.%Y} · {payments[p].reference} · "
                                                    f"{format_lei(payments[p].credit)}")
        reason = st.text_area(t("ui.cashier.reason"), key="cashier_reverse_reason", height=80, max_chars=500)
        slot = st.empty()
        sent = st.form_submit_button(t("ui.cashier.reverse_submit"), icon=":material/undo:")
    if sent:
        errors: dict[str, str] = {}
        done = attempt(lambda: reverse_payment(uow=context.uow(), actor=actor, payment_id=picked, reason=reason),
                       field_errors=errors)
        show_field_errors(errors, "reason", slot)
        if done:
            flash(t("ui.cashier.reversed", reference=done.reference))
            st.rerun()
