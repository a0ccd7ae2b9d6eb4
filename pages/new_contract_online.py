"""Contractare online: a customer without an account asks for a contract on a vacant consumption
place. core.services.contracting checks every field at once (each message under its field) and counts
refused place lookups, so guessing places past the limit costs a challenge solved in the browser."""

import streamlit as st

from core.models import CustomerKind
from core.platform.i18n import current_language, t
from core.services.contracting import register_new_contract
from core.staff.auth import customer_actor
from ui import context, contract_form, lookup_wait
from ui.public import lookup, visitor

st.title(t("ui.contract.title"), anchor=False)
if contract_form.CREATED in st.session_state:
    contract_form.confirmation()
    st.stop()

st.caption(t("ui.contract.subtitle"))
kind = st.segmented_control(t("ui.contract.applicant_kind"), list(CustomerKind), key="contract_kind", required=True,
                            default=CustomerKind.PERSON, format_func=lambda v: t(f"customer_kind.{v}"))
with st.form("contract_form", border=True, enter_to_submit=False):
    form = contract_form.form_fields(kind)
    submitted = st.form_submit_button(t("ui.contract.submit"), type="primary", icon=":material/send:",
                                      disabled=lookup_wait.waiting("contract"))

errors: dict[str, str] = {}
case = lookup("contract", submitted, lambda solution: register_new_contract(
    uow=context.uow(), actor=customer_actor(), form=form.values, channel="online",
    language=current_language(), who=visitor(), solution=solution), field_errors=errors)
form.show_errors(errors)
if errors:  # the first field with a message may be scrolled out of sight
    st.error(t("error.validation"), icon=":material/error:")
if case:
    contract_form.remember(case)
    st.rerun()
