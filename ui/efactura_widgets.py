"""The e-Factura block of the invoice page: the document's state at the tax authority, its index and
deadline, the failed rules, and downloads of the XML and the authority's answer."""

import streamlit as st

from core.efactura.status import NOT_PREPARED, backlog, invoice_answer, invoice_submission, invoice_xml
from core.platform.i18n import t
from core.staff.auth import Actor
from ui import context
from ui.widgets import attempt, plain

BADGE = {"accepted": "green", "rejected": "red", "invalid": "red", "failed": "red", "uploaded": "blue",
         "prepared": "gray", NOT_PREPARED: "gray"}


def submission_panel(invoice_id: int, actor: Actor) -> None:
    view = attempt(lambda: invoice_submission(uow=context.uow(), actor=actor, invoice_id=invoice_id))
    if view is None:
        return
    with st.container(border=True):
        st.markdown(f"**{t('ui.efactura.title')}** :{BADGE[view.state]}-badge[{t(f'efactura.state.{view.state}')}]")
        facts = []
        if view.upload_index:
            facts.append(t("ui.efactura.index", index=plain(view.upload_index)))
        if view.deadline:
            facts.append(t("ui.efactura.deadline", day=view.deadline.strftime("%d.%m.%Y")))
        if facts:
            st.caption(" · ".join(facts))
        if view.late:
            st.warning(t("ui.efactura.late"), icon=":material/schedule:")
        if view.failed_rules:
            st.caption(t("ui.efactura.failed_rules"))
            st.text("\n".join(view.failed_rules))
        elif view.last_error:
            st.caption(t("ui.efactura.last_error"))
            st.text(view.last_error)
        xml, answer = st.columns(2)
        xml.download_button(t("ui.efactura.download_xml"), key="efactura_xml", on_click="ignore", width="stretch",
                            data=lambda: invoice_xml(uow=context.uow(), actor=actor, invoice_id=invoice_id),
                            file_name=f"efactura-{view.number}.xml", mime="application/xml", icon=":material/code:")
        if view.has_answer:
            answer.download_button(
                t("ui.efactura.download_answer"), key="efactura_answer", on_click="ignore", width="stretch",
                data=lambda: invoice_answer(uow=context.uow(), actor=actor, invoice_id=invoice_id),
                file_name=f"efactura-{view.number}-raspuns.zip", mime="application/zip", icon=":material/verified:")


def backlog_tiles(actor: Actor) -> None:
    """The dashboard's e-Factura figures: what the authority has not accepted, what is late or due soon."""
    figures = attempt(lambda: backlog(uow=context.uow(), actor=actor))
    if figures is None:
        return
    st.subheader(t("ui.efactura.backlog_title"), anchor=False)
    for where, key, value in zip(st.columns(4), ("not_accepted", "refused", "late", "due_soon"), (
            figures.not_accepted, figures.refused, figures.late, figures.due_soon), strict=True):
        where.metric(t(f"ui.efactura.backlog_{key}"), f"{value:,}".replace(",", "."), border=True)
    st.caption(t("ui.efactura.backlog_hint"))
