"""Rapoarte: pick a report, a period and (where it applies) a case type; the first rows show at once,
masked as the reader's role requires, and the whole workbook downloads on click."""

import streamlit as st

from core.platform.i18n import t
from core.reports import preview
from ui import context
from ui import report_widgets as reports
from ui.widgets import attempt

actor = context.actor()
st.title(t("ui.reports.title"), anchor=False)
st.caption(t("ui.reports.intro"))
chosen = attempt(reports.choices)
if chosen:
    name, period, filters = chosen
    shown = attempt(lambda: preview(uow=context.uow(), actor=actor, name=name, period=period, filters=filters))
    if shown:
        reports.preview_table(*shown)
        reports.download_report(actor, name, period, filters)
