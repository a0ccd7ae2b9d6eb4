"""Mesaje trimise (outbox): every e-mail the product queued, by status, newest first, recipients masked.
The worker (`python -m core.platform.worker`) delivers them; this page only watches, through the workers'
heartbeats and the queue's figures (ui.outbox_widgets)."""

import pandas as pd
import streamlit as st

from core.cases.queries import list_outbox, outbox_state
from core.models import OutboxStatus
from core.platform.i18n import t, t_plural
from ui import context, outbox_widgets
from ui.widgets import empty_state, local, plain

PAGE_SIZE = 50
PAGE = "outbox_page"
_ICONS = {"queued": ":material/schedule_send:", "sent": ":material/mark_email_read:", "failed": ":material/error:"}

actor = context.actor()
st.title(t("ui.outbox.title"), anchor=False)
st.caption(t("ui.outbox.subtitle"))
state = outbox_state(uow=context.uow(), actor=actor)
outbox_widgets.workers(state)
outbox_widgets.figures(state)

status = st.segmented_control(
    t("ui.outbox.filter"), ["", *OutboxStatus], key="outbox_status", required=True, default="",
    format_func=lambda v: t(f"ui.outbox.status_{v}") if v else t("ui.outbox.all"),
    on_change=lambda: st.session_state.update({PAGE: 1}))
page = list_outbox(uow=context.uow(), actor=actor, status=status or None,
                   page=st.session_state.get(PAGE, 1), page_size=PAGE_SIZE)

if not page.rows:
    empty_state(t("ui.outbox.empty_title"), t("ui.outbox.empty_hint"), icon=":material/mail:")
    st.stop()

frame = pd.DataFrame({
    "created": [local(m.created_at) for m in page.rows],
    "status": [t(f"ui.outbox.status_{m.status}") for m in page.rows],
    "recipient": [m.recipient for m in page.rows],
    "subject": [m.subject for m in page.rows],
    "attempts": [m.attempts for m in page.rows],
    "error": [m.last_error or "" for m in page.rows],
})
event = st.dataframe(frame, hide_index=True, width="stretch", key="outbox_table", on_select="rerun",
                     selection_mode="single-row", column_config={
                         "created": t("ui.outbox.col_created"), "status": t("ui.outbox.col_status"),
                         "recipient": t("ui.outbox.col_recipient"), "subject": t("ui.outbox.col_subject"),
                         "attempts": t("ui.outbox.col_attempts"), "error": t("ui.outbox.col_error")})
left, right = st.columns([3, 2], vertical_alignment="center")
left.caption(t_plural("ui.outbox_state.messages", page.total, page=page.page, pages=page.pages))
with right:
    st.pagination(page.pages, key=PAGE, width="stretch")

picked = event.selection.rows
message = page.rows[picked[0]] if picked else page.rows[0]
with st.expander(t("ui.outbox.body_title", subject=plain(message.subject)), icon=_ICONS.get(message.status),
                 expanded=bool(picked)):
    st.caption(t("ui.outbox.body_meta", recipient=plain(message.recipient), created=local(message.created_at)))
    st.text(message.body)
if not picked:
    st.caption(t("ui.outbox.pick_hint"))
