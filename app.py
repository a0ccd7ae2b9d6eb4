"""Ghiseu back office: the router. It readies the database, sets the language, and offers each
signed-in role only its own pages (a page left out cannot be opened, not even by URL)."""

import streamlit as st

from core.cases.dashboard import READERS as DASHBOARD_READERS
from core.models import Role
from core.platform.i18n import LANGUAGES, t
from core.reports.base import READERS as REPORT_READERS
from ui import context, phone_layout
from ui.bootstrap import bootstrap, wait_for_demo_data
from ui.streamlit_texts import translate_streamlit_texts
from ui.widgets import plain

# an emoji favicon is drawn by the browser; a :material/...: one is fetched from fonts.gstatic.com
st.set_page_config(page_title="Ghiseu", page_icon="⚡", layout="wide")
context.apply_language()
translate_streamlit_texts()
phone_layout.apply()


def page(name: str, icon: str, **options) -> st.Page:
    return st.Page(f"pages/{name}.py", title=t(f"ui.nav.{name}"), icon=icon, **options)


def signed_out_pages(staff_desk: bool) -> dict[str, list[st.Page]]:
    """The public self-service pages (no account) and the staff sign-in, which is the first page at a
    desk where someone just signed out. A back-office deep link (/case_detail?case=7) shows the sign-in
    form under its own address, so the same address opens the case once the user has signed in."""
    public = [page("public_home", ":material/storefront:", default=not staff_desk),  # first: needs no data
              page("pay", ":material/credit_card:"),
              page("invoice_copy", ":material/receipt:"),
              page("holder_change_online", ":material/swap_horiz:"),
              page("new_contract_online", ":material/add_home:"),
              page("e_invoice", ":material/mark_email_read:"),
              page("upload", ":material/upload_file:", visibility="hidden")]  # reached by the e-mailed link
    aliases = [page("sign_in", ":material/login:", url_path=name, visibility="hidden")
               for name in ("queue", "case_detail", "new_request", "new_dispute", "outbox", "ledger",
                            "invoice", "dashboard", "efactura", "reports", "audit_trail", "users", "refunds")]
    sign_in = page("sign_in", ":material/login:", default=staff_desk)
    return {t("ui.nav.section_public"): public, t("ui.nav.section_staff"): [sign_in, *aliases]}


def role_pages(role: Role, leave: st.Page) -> dict[str, list[st.Page]]:
    """The role's pages; "/" is a hidden page that opens the first of them under its own address."""
    home = st.Page("pages/staff_home.py", title=t("ui.nav.queue"), default=True, visibility="hidden")
    work = t("ui.nav.section_work")
    queue = page("queue", ":material/inbox:")
    hidden = [leave, home]  # signing out, and the root address
    case = page("case_detail", ":material/folder_open:")
    accounts = {t("ui.nav.section_accounts"): [page("ledger", ":material/account_balance_wallet:"),
                                               page("invoice", ":material/receipt_long:")]}
    supervision = ({t("ui.nav.section_supervision"): [page("dashboard", ":material/monitoring:"),
                                                      page("efactura", ":material/cloud_sync:")]}
                   if role in DASHBOARD_READERS else {})
    if role in REPORT_READERS:
        accounts[t("ui.nav.section_reports")] = [page("reports", ":material/table_view:")]
    if role in (Role.CLERK, Role.SUPERVISOR):
        return {work: [queue, case, page("new_request", ":material/note_add:"),
                       page("new_dispute", ":material/gavel:"), page("refunds", ":material/currency_exchange:"),
                       *hidden], **supervision, **accounts}
    if role == Role.ADMIN:
        admin = [page("outbox", ":material/outgoing_mail:"), page("audit_trail", ":material/verified_user:"),
                 st.Page("pages/users.py", title=t("access.nav.users"), icon=":material/manage_accounts:")]
        return {t("ui.nav.section_admin"): admin, work: [queue, case, *hidden],
                **supervision, **accounts}
    return {work: [queue, case, *hidden], **supervision, **accounts}  # analyst: reads, personal data masked


def sidebar(actor, leave: st.Page) -> None:
    with st.sidebar:
        if actor:
            st.markdown(f"**{plain(actor.display_name or actor.username)}**  \n{t(f'ui.role.{actor.role}')}")
            st.page_link(leave, label=t("ui.nav.sign_out"), icon=":material/logout:")
        st.segmented_control(t("ui.nav.language"), LANGUAGES, key=context.LANGUAGE, required=True,
                             format_func=lambda code: code.upper())


actor = context.current_actor()
# signing out is a hidden page, so the next user starts from the root address, not from our last case
leave = page("sign_out", ":material/logout:", visibility="hidden")
menu = role_pages(actor.role, leave) if actor else signed_out_pages(context.at_staff_desk())
current = st.navigation(menu)
sidebar(actor, leave)
bootstrap()  # migrates at once; a first start seeds in the background
# the public home needs no data; every other page (the staff sign-in too) shows the seed's bar until it is done
public = [] if actor else menu[t("ui.nav.section_public")]
if not public or current is not public[0]:
    wait_for_demo_data("ui.bootstrap.public_wait" if any(current is p for p in public) else "ui.bootstrap.staff_wait")
current.run()
context.keep_language_in_address()
