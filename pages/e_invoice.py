"""Factura prin e-mail sau SMS: with the payment code and the holder's CNP/CUI, the holder sees each
delivery channel (address masked), starts or stops it, and confirms with the code sent to the address;
the change and its time are recorded only then."""

import streamlit as st

from core.online.delivery import ChannelState, confirm, delivery_status, request_change
from core.platform.i18n import current_language, t
from ui import context, lookup_form
from ui.widgets import attempt, flash, local, plain, show_field_errors, show_flash

PREFIX = "e_invoice"

st.title(t("ui.nav.e_invoice"), anchor=False)
st.caption(t("ui.e_invoice.subtitle"))
contract_id = lookup_form.found_contract(PREFIX, service="delivery")
if contract_id is None:
    st.stop()

show_flash()
lookup_form.another_account_button(PREFIX)
states = attempt(lambda: delivery_status(uow=context.uow(), contract_id=contract_id)) or []


def ask_code(state: ChannelState) -> None:
    """Start (an address to type) or stop (the code goes to the address in use)."""
    channel = state.channel
    with st.form(f"{PREFIX}_{channel}_request", border=False, enter_to_submit=True):
        address = None
        if state.address is None:
            address = st.text_input(t(f"ui.e_invoice.address_{channel}"), key=f"{PREFIX}_{channel}_address",
                                    placeholder=t("ui.e_invoice.address_sms_hint") if channel == "sms" else None)
        else:
            st.caption(t("ui.e_invoice.stop_hint", address=plain(state.address)))
        errors: dict[str, str] = {}
        slot = st.container()
        label = t("ui.e_invoice.send_code" if state.address is None else "ui.e_invoice.stop")
        if st.form_submit_button(label, key=f"{PREFIX}_{channel}_send"):
            sent = attempt(lambda: request_change(uow=context.uow(), contract_id=contract_id, channel=channel,
                                                  opt_in=state.address is None, address=address,
                                                  lang=current_language()), where=slot, field_errors=errors)
            show_field_errors(errors, "address", slot)
            if sent:
                st.rerun()


def enter_code(state: ChannelState) -> None:
    pending = state.pending
    st.info(t("ui.e_invoice.code_sent", address=plain(pending.address), time=local(pending.expires_at)),
            icon=":material/sms:")
    with st.form(f"{PREFIX}_{state.channel}_confirm", border=False, enter_to_submit=True):
        code = st.text_input(t("ui.e_invoice.code"), key=f"{PREFIX}_{state.channel}_code", max_chars=6,
                             help=t("ui.e_invoice.code_help"))
        errors: dict[str, str] = {}
        slot = st.container()
        if st.form_submit_button(t("ui.e_invoice.confirm"), type="primary", key=f"{PREFIX}_{state.channel}_ok"):
            done = attempt(lambda: confirm(uow=context.uow(), contract_id=contract_id, consent_id=pending.consent_id,
                                           code=code), where=slot, field_errors=errors)
            show_field_errors(errors, "code", slot)
            if done:
                when = local(done.confirmed_at)
                flash(t("ui.e_invoice.confirmed_on", time=when, address=plain(done.address)) if done.opt_in
                      else t("ui.e_invoice.confirmed_off", time=when))
                st.rerun()


for state in states:
    with st.container(border=True):
        st.subheader(t(f"ui.e_invoice.{state.channel}"), anchor=False)
        if state.address:
            active = t("ui.e_invoice.active", address=plain(state.address))
            st.markdown(f":green-badge[:material/check_circle: {active}]")
        else:
            st.markdown(f":gray-badge[{t('ui.e_invoice.inactive')}]")
        if state.since:
            st.caption(t("ui.e_invoice.since" if state.address else "ui.e_invoice.stopped", time=local(state.since)))
        if state.pending:
            enter_code(state)
        ask_code(state)
