"""The account page's way into a holder change or a dispute: a link `?contract=<id>&place=<POD>` that opens the
form with the account already named. The address is typed by anyone, so both values are checked (a whole
number, a well-formed POD, the contract's own place, readable by this clerk) before anything is filled in;
a link that fails any check fills nothing and says so."""

import streamlit as st

from core.accounts.ledger import Ledger, account_ledger
from core.accounts.money import format_lei
from core.platform.errors import DomainError
from core.platform.i18n import t
from core.platform.validation import FieldError, pod, url_int
from ui import context

_FILLED = "account_link_filled"  # (page, contract id) already filled: later reruns keep what the clerk typed


def link_params(ledger: Ledger) -> dict[str, str]:
    """The query parameters that name this account to the forms."""
    return {"contract": str(ledger.contract.id), "place": ledger.place.pod}


def linked_account(actor) -> Ledger | None:
    """The account the address names, once it passed every check; None when the address names none. A
    named but wrong account (unknown, another place, not readable) shows one warning and gives None."""
    raw_contract, raw_place = st.query_params.get("contract"), st.query_params.get("place")
    if raw_contract is None and raw_place is None:
        return None
    contract_id = url_int(raw_contract)
    try:
        place = pod(raw_place)
    except FieldError:
        place = None
    ledger = None
    if contract_id is not None and place is not None:
        try:
            ledger = account_ledger(uow=context.uow(), actor=actor, contract_id=contract_id)
        except DomainError:
            ledger = None
    if ledger is None or ledger.place.pod != place:
        st.warning(t("ui.account_link.invalid"), icon=":material/link_off:")
        return None
    return ledger


def fill_once(page: str, ledger: Ledger, values: dict[str, str]) -> None:
    """Writes `values` (widget key -> text) into the form's widgets the first time this page opens for this
    account, so a rerun never overwrites what the clerk has since typed."""
    marker = (page, ledger.contract.id)
    if st.session_state.get(_FILLED) == marker:
        return
    st.session_state.update(values)
    st.session_state[_FILLED] = marker


def invoice_choice(ledger: Ledger) -> int | None:
    """The dispute's invoice, picked among the linked contract's own (newest first, the newest chosen)."""
    invoices = sorted(ledger.invoices, key=lambda i: (i.issue_date, i.invoice_id), reverse=True)
    if not invoices:
        st.info(t("ui.account_link.no_invoices", contract=ledger.contract.number), icon=":material/info:")
        return None
    chosen = st.selectbox(
        t("ui.account_link.dispute_invoice", contract=ledger.contract.number, pod=ledger.place.pod), invoices,
        key=f"account_link_invoice_{ledger.contract.id}", format_func=lambda i: t(
            "ui.account_link.invoice_option", number=i.invoice_number, issued=i.issue_date.strftime("%d.%m.%Y"),
            total=format_lei(i.total), status=t(f"ledger.status.{i.status}")))
    return chosen.invoice_id
