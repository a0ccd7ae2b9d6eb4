"""The public entry: the online services, each one click away, without an account."""

import streamlit as st

from core.platform.i18n import t

SERVICES = (("pay", ":material/credit_card:"), ("invoice_copy", ":material/receipt:"),
            ("holder_change_online", ":material/swap_horiz:"), ("new_contract_online", ":material/add_home:"),
            ("e_invoice", ":material/mark_email_read:"))

st.title(t("ui.public.home.title"), anchor=False)
st.caption(t("ui.public.home.subtitle"))
for row in (SERVICES[:3], SERVICES[3:]):
    for column, (name, icon) in zip(st.columns(3), row, strict=False):
        with column.container(border=True, height="stretch"):
            st.subheader(t(f"ui.nav.{name}"), anchor=False)
            st.write(t(f"ui.public.home.{name}"))
            st.page_link(f"pages/{name}.py", label=t("ui.public.home.open"), icon=icon)
st.info(t("ui.public.home.where_codes"), icon=":material/info:")
st.caption(t("ui.public.home.staff"))
