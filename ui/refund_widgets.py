"""The refund desk's pieces: a refund's card on the case page, the lists of approved and exported refunds,
and the payment order files to download again. User text (names) is shown as text."""

import pandas as pd
import streamlit as st

from core.accounts.money import format_lei
from core.platform.i18n import t
from core.services.refunds import ExportLine, RefundLine, payment_order_file
from ui import context
from ui.widgets import plain


def refund_card(line: RefundLine) -> None:
    """The case page's refund facts: the credit, the amount, where it goes, the file and the payment."""
    with st.container(border=True, key="case_refund"):
        st.markdown(f"##### {t('ui.case_refund.title')}")
        facts = [("contract", line.contract_number), ("credit", format_lei(line.credit)),
                 ("amount", format_lei(line.amount) if line.amount is not None else None),
                 ("proposed_by", line.proposed_by), ("iban", line.iban), ("holder", line.holder_name),
                 ("export", line.export_message_id), ("payment", line.payment_reference)]
        st.markdown("\n".join(f"- **{t(f'ui.case_refund.{key}')}:** {plain(value) or '—'}" for key, value in facts))


def refunds_table(lines: list[RefundLine]) -> None:
    frame = pd.DataFrame({
        t("ui.refunds.col_number"): [r.registration_number for r in lines],
        t("ui.refunds.col_holder"): [r.applicant_name for r in lines],
        t("ui.refunds.col_contract"): [r.contract_number for r in lines],
        t("ui.refunds.col_amount"): [format_lei(r.amount) for r in lines],
        t("ui.refunds.col_iban"): [r.iban for r in lines],
        t("ui.refunds.col_account_holder"): [r.holder_name for r in lines],
    })
    st.dataframe(frame, hide_index=True, width="stretch")


def exports_table(exports: list[ExportLine], actor) -> None:
    """Each file with its totals and both downloads, read only when clicked."""
    for export in exports:
        name, created, totals, xml, csv = st.columns([2, 1.2, 1.2, 1, 1], vertical_alignment="center")
        name.markdown(f"**{export.message_id}**")
        created.caption(f"{export.created_at:%d.%m.%Y %H:%M} · {plain(export.created_by)}")
        totals.write(f"{export.transfers} · {format_lei(export.total)}")
        for where, kind, mime in ((xml, "xml", "application/xml"), (csv, "csv", "text/csv")):
            where.download_button(
                t(f"ui.refunds.download_{kind}"), key=f"refunds_{kind}_{export.export_id}", on_click="ignore",
                data=lambda e=export.export_id, k=kind: payment_order_file(uow=context.uow(), actor=actor,
                                                                           export_id=e, kind=k)[1],
                file_name=f"{export.message_id}.{kind}", mime=mime, icon=":material/download:")
