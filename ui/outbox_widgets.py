"""The outbox page's header: the workers' state from their heartbeats, and the queue's figures."""

from datetime import datetime

import streamlit as st

from core.cases.queries import OutboxState
from core.models import utcnow
from core.platform.i18n import t, t_plural
from ui.widgets import local


def waited(since: datetime, now: datetime) -> str:
    """How long something has waited, in whole minutes, then hours from two hours, then days from two days."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 120:
        return t_plural("ui.outbox_state.minutes", minutes)
    if minutes < 48 * 60:
        return t_plural("ui.outbox_state.hours", minutes // 60)
    return t_plural("ui.outbox_state.days", minutes // (24 * 60))


def workers(state: OutboxState) -> None:
    """Whether a worker runs and what its environment configures: what decides if messages leave."""
    running = state.running
    if not state.workers:
        st.warning(t("ui.outbox_state.never"), icon=":material/warning:")
        return
    if not running:
        st.warning(t("ui.outbox_state.stopped", seen=local(state.workers[0].seen_at)), icon=":material/warning:")
        return
    st.success(t_plural("ui.outbox_state.running", len(running), seen=local(running[0].seen_at)),
               icon=":material/sync:")
    for channel, configured in (("email", any(w.email_configured for w in running)),
                                ("sms", any(w.sms_configured for w in running))):
        if configured:
            st.caption(t(f"ui.outbox_state.{channel}_on"))
        else:
            st.info(t(f"ui.outbox_state.{channel}_off"), icon=":material/info:")


def figures(state: OutboxState) -> None:
    queued, sent, failed, oldest = st.columns(4)
    queued.metric(t("ui.outbox_state.queued"), state.queued, border=True)
    sent.metric(t("ui.outbox_state.sent_last_hour"), state.sent_last_hour, border=True)
    failed.metric(t("ui.outbox_state.failed"), state.failed, border=True)
    if state.oldest_waiting is None:
        oldest.metric(t("ui.outbox_state.oldest"), t("ui.outbox_state.nothing_waiting"), border=True)
    else:
        oldest.metric(t("ui.outbox_state.oldest"), waited(state.oldest_waiting, utcnow()), border=True,
                      help=t("ui.outbox_state.oldest_help", created=local(state.oldest_waiting)))
