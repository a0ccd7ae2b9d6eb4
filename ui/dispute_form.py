"""The dispute form's pieces: which invoice it is for (a link, or a search by invoice ID), the invoice's
summary, and the fields core.services.disputes checks, each with a slot under it for its message
(evidence files use `doc_<n>`, as the service does)."""

import streamlit as st

from core.accounts.ledger import InvoiceDetail
from core.accounts.money import format_lei
from core.cases.queries import find_invoice
from core.platform.errors import DomainError
from core.platform.i18n import t
from core.platform.validation import url_int
from core.services.disputes import CATEGORIES
from ui import context
from ui.intake_form import CHANNELS, UPLOAD_TYPES, Form
from ui.widgets import plain

CREATED = "dispute_created"  # (case id, registration number) of the dispute just registered
INVOICE_ID = "invoice_id"  # the invoice the form is for (a ?invoice=<id> link wins)
_GENERATION = "dispute_generation"  # bumped for the next dispute, so every field starts empty


def invoice_requested() -> int | None:
    if (linked := url_int(st.query_params.get("invoice"))) is not None:
        st.session_state[INVOICE_ID] = linked
    return st.session_state.get(INVOICE_ID)


def _show_invoice(invoice_id: int) -> None:
    st.session_state[INVOICE_ID] = invoice_id
    st.query_params["invoice"] = str(invoice_id)  # the address now names the invoice, as a link would
    st.rerun()


def invoice_search(actor) -> None:
    """The invoice ID printed on the invoice (11 digits) → that invoice's form."""
    with st.form("dispute_search", border=True, enter_to_submit=True):
        number = st.text_input(t("ui.new_dispute.search"), key="dispute_search_number", max_chars=11,
                               placeholder=t("ui.new_dispute.search_hint"), icon=":material/search:")
        slot = st.empty()
        submitted = st.form_submit_button(t("ui.new_dispute.search_submit"), icon=":material/search:")
    if not submitted:
        return
    number = number.strip()
    if not (number.isdigit() and len(number) == 11):
        slot.error(t("ui.new_dispute.bad_number"), icon=":material/error:")
        return
    try:
        found = find_invoice(uow=context.uow(), actor=actor, invoice_number=number)
    except DomainError as err:
        slot.error(str(err), icon=":material/error:")
        return
    if found is None:
        slot.error(t("ui.new_dispute.not_found", number=number), icon=":material/error:")
    else:
        _show_invoice(found)


def other_invoice() -> None:
    """Back to the search, forgetting the invoice (and the link naming it)."""
    st.session_state.pop(INVOICE_ID, None)
    st.query_params.pop("invoice", None)


def invoice_card(invoice: InvoiceDetail) -> None:
    with st.container(border=True):
        head, change = st.columns([4, 1], vertical_alignment="center")
        head.markdown(f"##### :material/receipt_long: {t('ui.new_dispute.invoice', number=invoice.invoice_number)}")
        change.button(t("ui.new_dispute.other_invoice"), key="dispute_other_invoice", icon=":material/swap_horiz:",
                      on_click=other_invoice, width="stretch")
        facts = st.columns(6)
        for where, label, value in zip(facts, (
                "series", "holder", "payment_code", "issue_date", "due_date", "total"), (
                invoice.series, invoice.holder_name, invoice.payment_code, invoice.issue_date.strftime("%d.%m.%Y"),
                invoice.due_date.strftime("%d.%m.%Y"), format_lei(invoice.total)), strict=True):
            where.caption(t(f"ui.new_dispute.{label}"))
            where.markdown(f"**{plain(value)}**")
        st.metric(t("ui.new_dispute.open_amount"), format_lei(invoice.state.open_amount))
    if invoice.open_dispute:
        st.warning(t("ui.new_dispute.already_open", number=invoice.open_dispute), icon=":material/info:")


def _prefix() -> str:
    return f"dispute_{st.session_state.setdefault(_GENERATION, 0)}"


def form_fields(invoice: InvoiceDetail) -> Form:
    """Draws the fields inside the caller's st.form and returns what was typed. Widget keys carry a
    generation number, so "another dispute" starts from empty fields."""
    form = Form(prefix=_prefix(), labels="ui.new_dispute")
    category, amount = st.columns([2, 1])
    form.values["category"] = category.selectbox(
        t("ui.new_dispute.category"), CATEGORIES, key=f"{form.prefix}_category", index=None,
        format_func=lambda v: t(f"dispute_category.{v}"), placeholder="—")
    form.slots["category"] = category.empty()
    form.text("amount", amount, placeholder="125,50", help=t("ui.new_dispute.amount_help"))
    form.values["description"] = st.text_area(t("ui.new_dispute.description"), key=f"{form.prefix}_description",
                                              placeholder=t("ui.new_dispute.description_hint"), max_chars=1000,
                                              height=110)
    form.slots["description"] = st.empty()
    email, channel = st.columns([2, 1])
    form.text("email", email, placeholder=invoice.holder_email or "", help=t("ui.new_dispute.email_help"))
    form.channel = channel.radio(t("ui.new_dispute.channel"), CHANNELS, key=f"{form.prefix}_channel",
                                 horizontal=True, format_func=lambda v: t(f"ui.channel.{v}"))
    files = st.file_uploader(t("ui.new_dispute.evidence"), type=UPLOAD_TYPES, accept_multiple_files=True,
                             key=f"{form.prefix}_evidence", help=t("ui.intake.upload_help"))
    form.uploads = dict(enumerate(files or []))
    form.slots["evidence"] = st.container()  # one message per refused file
    return form


def evidence(form: Form) -> list[tuple[str, bytes]]:
    return [(f.name, f.getvalue()) for f in form.uploads.values()]


def show_errors(form: Form, messages: dict[str, str], top) -> None:
    """Each message under its field; the invoice's own refusals (too late, paid, already disputed) on top,
    a refused file under the uploader with its name."""
    for name, message in messages.items():
        if name == "invoice":
            top.error(message, icon=":material/error:")
        elif name.startswith("doc_"):
            file = form.uploads.get(int(name.removeprefix("doc_")))
            form.slots["evidence"].error(f"{plain(file.name)}: {message}" if file else message, icon=":material/error:")
        else:
            form.slots.get(name, top).error(message, icon=":material/error:")


def start_over() -> None:
    """Forgets the registered dispute and its invoice, and empties every field for the next one."""
    st.session_state.pop(CREATED, None)
    other_invoice()
    st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1
