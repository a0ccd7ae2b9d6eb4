"""The reports screen's pieces: the choice of report, period and case type, the preview table and the
download button. The workbook is built only when the button is clicked (deferred data), from the same
choices the preview used."""

import io
from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from core.cases.queries import today
from core.platform.i18n import t
from core.platform.xlsx import local_naive
from core.reports import REPORTS, Filters, Period, run_report
from core.staff.auth import Actor
from core.workflow import registry
from ui import context

REPORT, PERIOD, CASE_TYPE = "reports_name", "reports_period", "reports_case_type"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def choices() -> tuple[str, Period, Filters] | None:
    """The report, period and filters on screen; None (with a hint) while the period is half chosen."""
    left, middle, right = st.columns([2, 2, 2])
    name = left.selectbox(t("ui.reports.report"), list(REPORTS), key=REPORT,
                          format_func=lambda n: t(f"reports.name.{n}"))
    end = today()
    chosen = middle.date_input(t("ui.reports.period"), value=(end - timedelta(days=30), end), key=PERIOD,
                               format="DD.MM.YYYY")
    case_type = None
    if REPORTS[name].case_type_filter:
        case_type = right.selectbox(t("ui.reports.case_type"), [None, *registry.names()], key=CASE_TYPE,
                                    format_func=lambda c: t(f"case_type.{c}") if c else t("ui.reports.all_types"))
    if not isinstance(chosen, tuple | list) or len(chosen) != 2:
        st.info(t("ui.reports.pick_period"), icon=":material/date_range:")
        return None
    return name, Period(*chosen), Filters(case_type=case_type)


def preview_table(headings: list[str], rows: list[tuple]) -> None:
    st.markdown(f"##### {t('ui.reports.preview')}")
    if not rows:
        st.caption(t("ui.reports.preview_none"))
        return
    ids = [f"c{i}" for i in range(len(headings))]  # two headings may read alike; ids never repeat
    frame = pd.DataFrame([[local_naive(v) if isinstance(v, datetime) else v for v in row] for row in rows],
                         columns=ids)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=dict(zip(ids, headings, strict=True)))


def download_report(actor: Actor, name: str, period: Period, filters: Filters) -> None:
    st.download_button(t("ui.reports.download"), data=lambda: _workbook(actor, name, period, filters),
                       file_name=_file_name(name, period.date_from, period.date_to), mime=XLSX, on_click="ignore",
                       icon=":material/download:", type="primary", help=t("ui.reports.download_help"),
                       key="reports_download")
    st.caption(t("ui.reports.download_wait"))  # the button itself spins while the workbook is written


def _workbook(actor: Actor, name: str, period: Period, filters: Filters) -> bytes:
    buffer = io.BytesIO()
    run_report(uow=context.uow(), actor=actor, name=name, period=period, filters=filters, out=buffer)
    return buffer.getvalue()


def _file_name(name: str, start: date, end: date) -> str:
    return f"raport-{name}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
