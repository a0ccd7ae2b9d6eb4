"""Copia facturii: with the payment code and the holder's CNP/CUI, the latest invoice and those of the last
12 months (ID, dates, kWh, value, status), the balance to date and the correspondence address; a PDF copy
of each, and a dispute on any of them. A closed contract left with credit offers its refund to an IBAN."""

import streamlit as st

from core.accounts.money import format_lei
from core.cases.queries import today
from core.online.invoice_copy import CopyRow, ask_refund, copy_for, dispute_invoice, pdf_for, refund_offer, xml_for
from core.platform.i18n import current_language, format_count, t
from core.services.disputes import CATEGORIES
from ui import context, lookup_form, phone_layout
from ui.dispute_form import show_errors
from ui.intake_form import Form
from ui.ledger_widgets import status_badge
from ui.widgets import attempt, flash, plain, show_flash

PREFIX = "invoice_copy"
COLUMNS = [1.3, 1, 1, 0.8, 1.1, 1.1, 0.8, 1.4]

st.title(t("ui.nav.invoice_copy"), anchor=False)
st.caption(t("ui.invoice_copy.subtitle"))
contract_id = lookup_form.found_contract(PREFIX, service="invoice_copy")
if contract_id is None:
    st.stop()

show_flash()
copy = attempt(lambda: copy_for(uow=context.uow(), contract_id=contract_id, today=today()))
if copy is None:
    lookup_form.another_account_button(PREFIX)
    st.stop()


def pdf_button(row: CopyRow, where=st, place: str = "row") -> None:
    """The PDF is drawn only when clicked (a callable), not for every invoice on every rerun."""
    where.download_button(
        t("ui.invoice_copy.download" if place == "latest" else "ui.invoice_copy.pdf"),
        help=t("ui.invoice_copy.download"), key=f"{PREFIX}_pdf_{place}_{row.invoice_number}", on_click="ignore",
        data=lambda: pdf_for(uow=context.uow(), contract_id=contract_id, invoice_number=row.invoice_number,
                             lang=current_language()),
        file_name=f"factura-{row.invoice_number}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:")


def dispute_popover(row: CopyRow, where) -> None:
    """The holder's dispute on this invoice; each message under its field, the number once registered."""
    with where.popover(t("ui.invoice_copy.dispute"), icon=":material/gavel:"):
        st.markdown(f"**{t('ui.invoice_copy.dispute_title', number=row.invoice_number)}**")
        st.caption(t("ui.invoice_copy.dispute_hint"))
        top = st.container()
        with st.form(f"{PREFIX}_dispute_{row.invoice_number}", border=False):
            form = Form(prefix=f"{PREFIX}_dispute_{row.invoice_number}", labels="ui.new_dispute")
            form.values["category"] = st.selectbox(
                t("ui.new_dispute.category"), CATEGORIES, key=f"{form.prefix}_category", index=None,
                format_func=lambda v: t(f"dispute_category.{v}"), placeholder="—")
            form.slots["category"] = st.empty()
            form.text("amount", placeholder="125,50", help=t("ui.new_dispute.amount_help"))
            form.values["description"] = st.text_area(
                t("ui.new_dispute.description"), key=f"{form.prefix}_description", max_chars=1000,
                placeholder=t("ui.invoice_copy.description_hint"))
            form.slots["description"] = st.empty()
            form.text("email", help=t("ui.new_dispute.email_help"))
            sent = st.form_submit_button(t("ui.invoice_copy.dispute_submit"), type="primary")
    if sent:
        errors: dict[str, str] = {}
        case = attempt(lambda: dispute_invoice(uow=context.uow(), contract_id=contract_id,
                                               invoice_number=row.invoice_number, form=form.values,
                                               language=current_language()), where=top, field_errors=errors)
        show_errors(form, errors, top)
        if case:
            flash(t("ui.invoice_copy.dispute_created", number=case.registration_number))
            st.rerun()


facts, balance = st.columns([2, 1])
with facts.container(border=True):
    st.caption(t("ui.invoice_copy.address"))
    st.markdown(f"**{plain(copy.correspondence_address)}**")
    lookup_form.another_account_button(PREFIX)
with balance.container(border=True):
    st.metric(t("ui.invoice_copy.balance"), format_lei(copy.balance))
    st.caption(t("ui.invoice_copy.balance_owed" if copy.balance > 0 else
                 "ui.invoice_copy.balance_credit" if copy.balance < 0 else "ui.invoice_copy.balance_none"))



def refund_request(offer) -> None:
    """The credit a closed contract owes the holder, and the request for it (or the one in progress)."""
    with st.container(border=True, key=f"{PREFIX}_refund"):
        st.subheader(t("ui.refund_request.title", amount=format_lei(offer.amount)), anchor=False)
        st.caption(t("ui.refund_request.hint"))
        if offer.open_number:
            st.info(t("ui.refund_request.open_case", number=offer.open_number), icon=":material/hourglass_top:")
            return
        top = st.container()
        with st.form(f"{PREFIX}_refund_form", border=False):
            form = Form(prefix=f"{PREFIX}_refund", labels="ui.refund_request")
            form.text("iban", max_chars=40, placeholder="RO49 AAAA 1B31 0075 9384 0000",
                      help=t("ui.refund_request.iban_help"))
            form.text("holder_name", max_chars=70, help=t("ui.refund_request.holder_name_help"))
            form.text("email", max_chars=254, help=t("ui.refund_request.email_help"))
            sent = st.form_submit_button(t("ui.refund_request.submit"), type="primary")
    if sent:
        errors: dict[str, str] = {}
        case = attempt(lambda: ask_refund(uow=context.uow(), contract_id=contract_id, form=form.values,
                                          language=current_language()), where=top, field_errors=errors)
        form.show_errors(errors)
        if case:
            flash(t("ui.refund_request.created", number=case.registration_number))
            st.rerun()


if offer := attempt(lambda: refund_offer(uow=context.uow(), contract_id=contract_id)):
    refund_request(offer)

if copy.latest:
    latest = copy.latest
    with st.container(border=True):
        st.subheader(t("ui.invoice_copy.latest"), anchor=False)
        facts = st.container(key=phone_layout.PAIRS + "_latest").columns(5)
        for where, label, value in zip(facts, ("invoice", "issue_date", "due_date", "kwh", "total"), (
                latest.invoice_number, latest.issue_date.strftime("%d.%m.%Y"), latest.due_date.strftime("%d.%m.%Y"),
                format_count(latest.kwh), format_lei(latest.total)), strict=True):
            where.caption(t(f"ui.invoice_copy.{label}"))
            where.markdown(f"**{value}**")
        badge, download = st.columns([3, 1], vertical_alignment="center")
        with badge:
            status_badge(latest.status)
        pdf_button(latest, download, place="latest")
        download.download_button(
            t("ui.efactura.copy_xml"), help=t("ui.efactura.copy_xml_help"), key=f"{PREFIX}_xml_{latest.invoice_number}",
            on_click="ignore", data=lambda: xml_for(uow=context.uow(), contract_id=contract_id,
                                                    invoice_number=latest.invoice_number),
            file_name=f"efactura-{latest.invoice_number}.xml", mime="application/xml", icon=":material/code:")

st.subheader(t("ui.invoice_copy.months"), anchor=False)
st.caption(t("ui.invoice_copy.months_hint", since=copy.since.strftime("%d.%m.%Y")))
if not copy.invoices:
    st.info(t("ui.invoice_copy.none"), icon=":material/info:")
    st.stop()
HEADERS = [t(f"ui.invoice_copy.{label}") for label in ("invoice", "issue_date", "due_date", "kwh", "total", "status",
                                                          "pdf", "dispute")]
phone_layout.table_labels(PREFIX, HEADERS[:6])  # the PDF and dispute buttons say what they are
for where, header in zip(st.container(key=phone_layout.TABLE_HEAD).columns(COLUMNS), HEADERS, strict=True):
    where.caption(header)
for row in copy.invoices:
    cells = st.container(key=f"{phone_layout.TABLE_ROW}_{PREFIX}_{row.invoice_number}")
    number, issued, due, kwh, total, status, pdf, dispute = cells.columns(COLUMNS, vertical_alignment="center")
    number.markdown(f"**{row.invoice_number}**")
    issued.write(row.issue_date.strftime("%d.%m.%Y"))
    due.write(row.due_date.strftime("%d.%m.%Y"))
    kwh.write(format_count(row.kwh))
    total.write(format_lei(row.total))
    with status:
        status_badge(row.status)
    pdf_button(row, pdf)
    if row.disputable:
        dispute_popover(row, dispute)
