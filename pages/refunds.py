"""Restituiri: approved refunds waiting for the payment order, the button that exports them (pain.001 XML and
CSV), the refunds sent to the bank with a button to confirm each payment, and the files to download again."""

import streamlit as st

from core.accounts.money import format_lei
from core.models import Role
from core.platform.i18n import t, t_plural
from core.services import cases
from core.services.refunds import export_payment_order, refund_desk
from ui import context
from ui.refund_widgets import exports_table, refunds_table
from ui.widgets import attempt, flash, plain, show_flash

actor = context.actor()
supervisor = actor.role == Role.SUPERVISOR
st.title(t("ui.nav.refunds"), anchor=False)
st.caption(t("ui.refunds.intro"))
show_flash()
desk = attempt(lambda: refund_desk(uow=context.uow(), actor=actor))
if desk is None:
    st.stop()
if not supervisor:
    st.info(t("ui.refunds.supervisor_only"), icon=":material/info:")

st.subheader(t("ui.refunds.approved"), anchor=False)
if desk.approved:
    refunds_table(desk.approved)
    if supervisor and st.button(t("ui.refunds.export", count=len(desk.approved)), key="refunds_export",
                                type="primary", icon=":material/file_export:"):
        if export := attempt(lambda: export_payment_order(uow=context.uow(), actor=actor)):
            flash(t_plural("ui.refunds.exported_done", export.transfers, message_id=export.message_id,
                           total=format_lei(export.total)))
            st.rerun()
else:
    st.caption(t("ui.refunds.none_approved"))

st.subheader(t("ui.refunds.exported"), anchor=False)
if not desk.exported:
    st.caption(t("ui.refunds.none_exported"))
for line in desk.exported:
    number, holder, amount, iban, confirm = st.columns([1.3, 1.5, 1, 2, 1.2], vertical_alignment="center")
    number.markdown(f"**{line.registration_number}**")
    holder.write(line.holder_name)
    amount.write(format_lei(line.amount))
    iban.caption(plain(line.iban))
    if supervisor and confirm.button(t("ui.refunds.confirm"), key=f"refunds_confirm_{line.case_id}",
                                     icon=":material/task_alt:") and attempt(
            lambda line=line: cases.fire_trigger(uow=context.uow(), case_id=line.case_id,
                                                 expected_version=line.version, trigger="confirm_refund",
                                                 actor=actor)):
        flash(t("ui.refunds.confirmed", number=line.registration_number))
        st.rerun()

st.subheader(t("ui.refunds.exports"), anchor=False)
if desk.exports and supervisor:
    exports_table(desk.exports, actor)
else:
    st.caption(t("ui.refunds.none_exports"))
