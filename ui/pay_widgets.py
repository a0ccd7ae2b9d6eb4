"""The pieces of the public payment page: the amounts a payment code shows, the choice of what to pay,
the hand-over to the card processor's page, and what the customer sees on coming back."""

import json

import streamlit as st

from core.accounts.money import format_lei
from core.models import IntentStatus
from core.online.payments import AmountsDue, PaymentOutcome, PayWhat
from core.platform.i18n import t

FOUND = "pay_found"  # the AmountsDue of this session's last successful lookup
_OUTCOMES = {  # status -> (message kind, icon)
    IntentStatus.SUCCEEDED: ("success", ":material/check_circle:"),
    IntentStatus.DECLINED: ("error", ":material/credit_card_off:"),
    IntentStatus.ABANDONED: ("warning", ":material/cancel:"),
    IntentStatus.CREATED: ("info", ":material/hourglass_top:"),
}
_TITLES = {IntentStatus.SUCCEEDED: "paid", IntentStatus.DECLINED: "declined", IntentStatus.ABANDONED: "abandoned",
           IntentStatus.CREATED: "pending"}


def amounts(due: AmountsDue) -> None:
    """The current invoice's value and the total due, side by side; nothing about the holder."""
    invoice_cell, total_cell = st.columns(2)
    with invoice_cell.container(border=True, height="stretch"):
        if due.invoice_id is None:
            st.metric(t("ui.pay.current_invoice"), "—")
            st.caption(t("ui.pay.no_invoice"))
        else:
            st.metric(t("ui.pay.current_invoice"), format_lei(due.invoice_total))
            st.caption(t("ui.pay.invoice_caption", number=due.invoice_number,
                         due_date=due.invoice_due_date.strftime("%d.%m.%Y")))
            if due.invoice_open != due.invoice_total:
                st.caption(t("ui.pay.invoice_left", amount=format_lei(due.invoice_open)))
    with total_cell.container(border=True, height="stretch"):
        st.metric(t("ui.pay.total_due"), format_lei(due.total_due))
        st.caption(t("ui.pay.total_caption"))


def choice(due: AmountsDue) -> PayWhat:
    """The total due, or the current invoice alone when the customer prefers and it is less."""
    if len(due.choices) == 1:
        return due.choices[0]
    return st.radio(t("ui.pay.what"), due.choices, key="pay_what",
                    format_func=lambda what: t(f"ui.pay.what_{what}", amount=format_lei(due.amount_for(what))))


def go_to(url: str) -> None:
    """Sends this tab to the processor's page (a link stays in case scripts are blocked)."""
    st.info(t("ui.pay.redirecting"), icon=":material/lock:")
    st.html(f"<script>window.location.assign({json.dumps(url)});</script>", unsafe_allow_javascript=True)
    st.markdown(f"[{t('ui.pay.redirect_link')}]({url})")


def outcome(result: PaymentOutcome) -> None:
    """Paid, declined, cancelled or still waiting, as the processor's notification left the intent."""
    kind, icon = _OUTCOMES[result.status]
    name = _TITLES[result.status]
    amount = format_lei(result.amount)
    getattr(st, kind)(f"**{t(f'ui.pay.{name}_title')}**  \n{t(f'ui.pay.{name}', amount=amount)}", icon=icon)
    if result.status == IntentStatus.SUCCEEDED:
        st.caption(t("ui.pay.reference", reference=result.reference))
    elif result.status == IntentStatus.CREATED:
        st.button(t("ui.pay.refresh"), icon=":material/refresh:")
