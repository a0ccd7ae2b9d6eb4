"""An invoice's lines (one row per kind and VAT rate) and the handover checks a holder-change case shows
before its contract is issued. They draw what core returned; nothing here computes money."""

import pandas as pd
import streamlit as st

from core.accounts.handover import HandoverPreview
from core.accounts.invoice_lines import StoredLine
from core.accounts.money import format_lei
from core.platform.i18n import t

COLUMNS = ("kind", "period", "kwh", "unit_price", "value", "vat_rate", "vat", "total")


def _day(value) -> str:
    return value.strftime("%d.%m.%Y")


def _lei(amount) -> str:
    return format_lei(amount).removesuffix(" lei")


def invoice_lines(lines: list[StoredLine]) -> None:
    """One row per stored line: what it bills, its period, kWh, unit price, value, VAT rate, VAT, total."""
    st.markdown(f"##### :material/format_list_numbered: {t('lines.table.title')}")
    st.dataframe(pd.DataFrame({
        "kind": [t(line.label_key) for line in lines],
        "period": [f"{_day(line.period_start)} – {_day(line.period_end)}" for line in lines],
        "kwh": [line.kwh for line in lines],
        "unit_price": [f"{line.unit_price_net:f}".replace(".", ",") for line in lines],
        "value": [_lei(line.value_net) for line in lines],
        "vat_rate": [f"{line.vat_percent}%" for line in lines],
        "vat": [_lei(line.vat) for line in lines],
        "total": [_lei(line.total) for line in lines],
    }, columns=COLUMNS), hide_index=True, width="stretch", height="content", key="invoice_lines",
        column_config={name: st.column_config.TextColumn(t(f"lines.table.{name}"),
                                                         alignment="left" if name in ("kind", "period") else "right")
                       for name in COLUMNS})


def handover_checks(preview: HandoverPreview) -> None:
    """The indexes and the final invoice the handover index implies, with the refusal or the credit warning."""
    with st.container(border=True, key="handover_checks"):
        st.markdown(f"##### :material/speed: {t('lines.handover.title')}")
        cells = st.columns(5)
        cells[0].metric(t("lines.handover.last_billed"), preview.last_billed_index)
        cells[1].metric(t("lines.handover.last_read"), preview.last_read_index)
        cells[2].metric(t("lines.handover.handover"), preview.handover_index)
        cells[3].metric(t("lines.handover.kwh"), f"{preview.kwh} kWh")
        cells[4].metric(t("lines.handover.total"), format_lei(preview.total) if preview.total is not None
                        else t("lines.handover.refused"))
        if preview.below_last_reading:
            st.error(t("lines.handover.below_reading", index=preview.handover_index, read=preview.last_read_index),
                     icon=":material/block:")
        elif preview.is_credit:
            st.warning(t("lines.handover.credit", billed=preview.last_billed_index,
                         kwh=preview.last_billed_index - preview.handover_index, amount=format_lei(-preview.total)),
                       icon=":material/warning:")
        st.caption(t("lines.handover.hint"))
