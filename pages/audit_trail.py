"""Jurnalul de audit (admin): whether the audit chain held at its last verification, a verification on
demand, and the chain's head to keep outside the database (anchoring)."""

import json

import streamlit as st

from core.platform.audit import chain_status, verify_now
from core.platform.i18n import format_count, t
from ui import context
from ui.widgets import attempt, local

actor = context.actor()
st.title(t("audit_page.title"), anchor=False)
st.caption(t("audit_page.subtitle"))

status = attempt(lambda: chain_status(uow=context.uow(), actor=actor))
if status is None:
    st.stop()
with st.container(border=True):
    st.markdown(f"##### {t('audit_page.last_title')}")
    last = status.last
    if last is None:
        st.info(t("audit_page.never"), icon=":material/info:")
    elif last.ok:
        st.success(t("audit_page.ok", rows=last.rows, at=local(last.at)), icon=":material/verified_user:")
    else:
        st.error(t("audit_page.broken", seq=last.broken_seq, problem=t(f"audit_page.problem.{last.problem}"),
                   at=local(last.at)), icon=":material/gpp_bad:")
    if st.button(t("audit_page.verify_now"), icon=":material/fact_check:", key="audit_verify"):
        with st.spinner(t("audit_page.verifying")):
            attempt(lambda: verify_now(uow=context.uow(), actor=actor))
        st.rerun()

with st.container(border=True):
    st.markdown(f"##### {t('audit_page.head_title')}")
    st.caption(t("audit_page.head_hint"))
    position, digest = st.columns([1, 4])
    position.metric(t("audit_page.head_seq"), format_count(status.head['seq']))
    with digest:
        st.caption(t("audit_page.head_hash"))
        st.code(status.head["hash"], language=None)
    st.download_button(t("audit_page.download_head"), data=json.dumps(status.head, indent=2),
                       file_name=f"ghiseu-audit-head-{status.head['seq']}.json", mime="application/json",
                       icon=":material/download:", on_click="ignore", key="audit_head_download")
