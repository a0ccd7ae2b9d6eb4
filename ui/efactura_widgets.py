"""The e-Factura block of the invoice page: the document's state at the tax authority, its index and
deadline, the failed rules with a re-check once the data are corrected, and downloads of the XML and the
authority's answer; the dashboard's figures, each opening the staff e-Factura list on what it counts."""

import streamlit as st

from core.efactura.revalidate import RECHECKERS, revalidate_submission
from core.efactura.status import (
    BACKLOG_FILTERS,
    NOT_PREPARED,
    backlog,
    invoice_answer,
    invoice_submission,
    invoice_xml,
)
from core.platform.i18n import format_count, t
from core.staff.auth import Actor
from ui import context
from ui.efactura_address import to_params
from ui.widgets import attempt, flash, plain, show_flash

BADGE = {"accepted": "green", "rejected": "red", "invalid": "red", "failed": "red", "uploaded": "blue",
         "prepared": "gray", NOT_PREPARED: "gray"}


def submission_panel(invoice_id: int, actor: Actor) -> None:
    view = attempt(lambda: invoice_submission(uow=context.uow(), actor=actor, invoice_id=invoice_id))
    if view is None:
        return
    show_flash()
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
        if view.state == "invalid":
            recheck_button(actor, view.submission_id, view.version, key="efactura_recheck")
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


def recheck_button(actor: Actor, submission_id: int, version: int, key: str) -> None:
    """Rebuilds and re-checks a refused document as this reader saw it (its version); for who may only."""
    if actor.role not in RECHECKERS:
        return
    if not st.button(t("ui.efactura.recheck"), key=key, help=t("ui.efactura.recheck_help"), icon=":material/replay:"):
        return
    with st.spinner(t("ui.efactura.rechecking")):
        result = attempt(lambda: revalidate_submission(uow=context.uow(), actor=actor, submission_id=submission_id,
                                                       expected_version=version))
    if result is None:
        return  # the refusal is shown (someone re-checked it first, or it is no longer refused)
    if result.state == "prepared":
        flash(t("ui.efactura.recheck_passed", number=plain(result.number)))
    else:
        flash(t("ui.efactura.recheck_still_invalid", number=plain(result.number)), kind="error")
    st.rerun()


def backlog_tiles(actor: Actor) -> None:
    """The dashboard's e-Factura figures: what the authority has not accepted, what is late or due soon; under
    each, a link to the staff list filtered to exactly what it counts (the filter in the address)."""
    figures = attempt(lambda: backlog(uow=context.uow(), actor=actor))
    if figures is None:
        return
    st.subheader(t("ui.efactura.backlog_title"), anchor=False)
    for where, (key, filters) in zip(st.columns(4), BACKLOG_FILTERS.items(), strict=True):
        where.metric(t(f"ui.efactura.backlog_{key}"), format_count(getattr(figures, key)), border=True)
        where.page_link("pages/efactura.py", label=t("ui.efactura.backlog_open"), icon=":material/arrow_forward:",
                        query_params=to_params(filters))
    st.caption(t("ui.efactura.backlog_hint"))
