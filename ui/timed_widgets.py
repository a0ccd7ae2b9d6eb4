"""The case page's card of timed work: what the worker will do and when, the missed deadline, compensation."""

import streamlit as st

from core.accounts.money import format_lei
from core.cases.dashboard import compensation_paid
from core.platform.i18n import t
from core.services.timed import case_timed
from ui import context
from ui.widgets import attempt


def timed_card(case_id: int) -> None:
    timed = attempt(lambda: case_timed(uow=context.uow(), actor=context.actor(), case_id=case_id))
    if timed is None:
        return
    lines = [t(f"ui.timed.{event.kind}", day=f"{event.on:%d.%m.%Y}") for event in timed.ahead]
    if timed.deadline_missed_on:
        lines.append(t("ui.timed.missed_at", day=f"{timed.deadline_missed_on:%d.%m.%Y}"))
    if paid := timed.compensation:
        lines.append(t("ui.timed.compensation", amount=format_lei(paid.amount), days=paid.days_late,
                       credit_note=paid.credit_note, day=f"{paid.paid_on:%d.%m.%Y}"))
    with st.container(border=True):
        st.markdown(f"##### {t('ui.timed.title')}")
        for line in lines or [t("ui.timed.nothing_ahead")]:
            st.text(line)  # text, never markdown: it carries a credit note number and amounts


def compensation_table(actor, filters) -> None:
    """Dashboard: compensation paid per month and deadline kind in the period."""
    rows = attempt(lambda: compensation_paid(uow=context.uow(), actor=actor, filters=filters))
    st.subheader(t("ui.dashboard.compensation_title"), anchor=False)
    if not rows:
        st.caption(t("ui.dashboard.compensation_none"))
        return
    st.dataframe([{t("ui.dashboard.compensation_month"): f"{row.month:%m.%Y}",
                   t("ui.dashboard.compensation_kind"): t(f"compensation.kind.{row.deadline_kind}"),
                   t("ui.dashboard.compensation_cases"): row.cases,
                   t("ui.dashboard.compensation_amount"): format_lei(row.amount)} for row in rows],
                 hide_index=True, width="stretch")
