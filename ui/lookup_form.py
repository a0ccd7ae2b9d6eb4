"""The public lookup by payment code and CNP/CUI that the invoice copy and delivery pages share. It goes
through core.online.access (recorded, neutral answer, a challenge solved in the browser past the limits) and
keeps the contract found in this browser session only, never in the address."""

import streamlit as st

from core.online import access
from core.online.invoice_copy import holder_check
from core.platform.i18n import t
from ui import context, lookup_wait, public


def _key(prefix: str) -> str:
    return f"{prefix}_contract"


def found_contract(prefix: str, service: str) -> int | None:
    """The contract this session looked up on the page (`prefix` names its session keys); otherwise draws
    the lookup form and returns None. The neutral refusal shows in the form; a challenge is solved below it."""
    if (contract_id := st.session_state.get(_key(prefix))) is not None:
        return contract_id
    with st.form(f"{prefix}_lookup", border=True, enter_to_submit=True):
        st.caption(t("ui.lookup.intro"))
        code_column, id_column = st.columns(2)
        code = code_column.text_input(t("ui.lookup.payment_code"), key=f"{prefix}_payment_code", max_chars=9,
                                      help=t("ui.lookup.payment_code_help"))
        national_id = id_column.text_input(t("ui.lookup.national_id"), key=f"{prefix}_national_id", max_chars=15,
                                           help=t("ui.lookup.national_id_help"))
        refusal = st.empty()
        submitted = st.form_submit_button(t("ui.lookup.submit"), type="primary", icon=":material/search:",
                                          disabled=lookup_wait.waiting(prefix))
    contract_id = public.lookup(prefix, submitted, lambda solution: access.find_contract(
        uow=context.uow(), who=public.visitor(), service=service, payment_code=code,
        matches=holder_check(national_id), solution=solution), where=refusal)
    if contract_id is not None:
        st.session_state[_key(prefix)] = contract_id
        st.rerun()
    return None


def forget(prefix: str) -> None:
    """"Another account": drops the contract and everything the page kept under its prefix."""
    for key in [k for k in st.session_state if str(k).startswith(f"{prefix}_")]:
        del st.session_state[key]


def another_account_button(prefix: str) -> None:
    st.button(t("ui.lookup.another"), key=f"{prefix}_another", icon=":material/person_search:",
              on_click=forget, args=(prefix,))
