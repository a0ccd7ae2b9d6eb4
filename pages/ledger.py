"""Fișa contului: find an account by a code or the holder's name, then its money at a glance (balance to
date, overdue, under dispute, penalties), the holder, place and contract, and every entry in date order
with a running balance, for the contract or for every contract of its consumption place (across a holder
change). Downloads as Excel. Deep link: ?contract=<id>."""

import streamlit as st

from core.accounts.ledger import account_ledger, find_accounts, place_ledger
from core.platform.i18n import t
from core.platform.validation import url_int
from core.staff.masking import sees_personal_data
from ui import account_link, context
from ui import ledger_widgets as ledger
from ui.cashier import cashier
from ui.widgets import attempt, empty_state, plain, show_flash
from workflows import holder_change, payment_dispute

actor = context.actor()
if (linked := url_int(st.query_params.get("contract"))) is not None:  # deep link: ?contract=<id>
    st.session_state[ledger.CONTRACT] = linked

st.title(t("ui.ledger.title"), anchor=False)
st.caption(t("ui.ledger.subtitle") if sees_personal_data(actor.role) else t("ui.ledger.subtitle_masked"))
text = st.text_input(t("ui.ledger.search"), key=ledger.SEARCH, placeholder=t("ui.ledger.search_hint"),
                     icon=":material/search:")
if text.strip():
    found = attempt(lambda: find_accounts(uow=context.uow(), actor=actor, text=text))
    if found and found.total == 1:
        if st.session_state.get("ledger_opened_for") != text:  # a code names one account: open it, once
            st.session_state["ledger_opened_for"] = text
            ledger.open_account(found.rows[0].contract_id)
    elif found and found.rows:
        ledger.search_results(found)
    elif found is not None:
        empty_state(t("ui.ledger.no_results_title"), t("ui.ledger.no_results_hint") if sees_personal_data(actor.role)
                    else t("ui.ledger.masked_search"), icon=":material/search_off:")

contract_id = st.session_state.get(ledger.CONTRACT)
if contract_id is None:
    if not text.strip():
        empty_state(t("ui.ledger.start_title"), t("ui.ledger.start_hint"), icon=":material/account_balance_wallet:")
    st.stop()

head = st.container()  # drawn once the ledger is read, above the controls that shape it
period_cell, place_cell, download_cell = st.columns([2, 2, 1], vertical_alignment="bottom")
period = period_cell.date_input(t("ui.ledger.period"), value=[], format="DD.MM.YYYY", key="ledger_period",
                                help=t("ui.ledger.period_help"))
whole_place = place_cell.toggle(t("ui.ledger.place_toggle"), key="ledger_place", help=t("ui.ledger.place_toggle_help"))
period_from, period_to = (list(period) + [None, None])[:2]
read = place_ledger if whole_place else account_ledger
found = attempt(lambda: read(uow=context.uow(), actor=actor, contract_id=contract_id, period_from=period_from,
                             period_to=period_to))
if found is None:
    st.stop()
ledgers = found if whole_place else [found]
shown = next(item for item in ledgers if item.contract.id == contract_id)
st.query_params["contract"] = str(contract_id)  # the address bar now links to this account

with head:
    st.subheader(t("ui.ledger.contract_heading", number=shown.contract.number, holder=plain(shown.holder.name)),
                 anchor=False)
    show_flash()
    ledger.summary(shown)
    cashier(shown, actor)
    ledger.cards(shown)
    starts = [(page, label, icon) for page, label, icon, workflow in (  # only for those who may register them
        ("pages/new_request.py", "ui.account_link.start_holder_change", ":material/swap_horiz:", holder_change),
        ("pages/new_dispute.py", "ui.account_link.start_dispute", ":material/gavel:", payment_dispute))
        if actor.role in workflow.WORKFLOW.transition("register").roles]
    for where, (page, label, icon) in zip(st.columns(4), starts):  # noqa: B905 (fewer links than columns)
        where.page_link(page, label=t(label), icon=icon, query_params=account_link.link_params(shown))
with download_cell:
    ledger.download_ledger(actor, ledgers)
for item in ledgers:
    with st.container(border=whole_place):
        if whole_place:
            ledger.contract_title(item, selected=item.contract.id == contract_id)
        entries, invoices = st.tabs([f":material/list_alt: {t('ui.ledger.entries')}",
                                     f":material/receipt_long: {t('ui.ledger.invoices')}"])
        with entries:
            ledger.entries_table(item, key=f"ledger_{item.contract.id}")
        with invoices:
            ledger.invoices_table(item, key=f"ledger_{item.contract.id}")
