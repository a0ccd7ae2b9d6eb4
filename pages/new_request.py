"""Cerere nouă: a holder change taken at the counter or by phone. Every field is checked by
core.services.intake at once; each message appears under its field and nothing is saved until all pass."""

import streamlit as st

from core.models import CustomerKind
from core.platform.i18n import t
from core.services.intake import register_holder_change
from ui import context, intake_form
from ui.widgets import attempt

actor = context.actor()
st.title(t("ui.intake.title"), anchor=False)

created = st.session_state.get(intake_form.CREATED)
if created:
    case_id, number, state = created
    with st.container(border=True):
        st.success(t("ui.intake.created", number=number), icon=":material/task_alt:")
        st.markdown(f"{t('ui.intake.created_state')}: **{t(f'state.{state}')}**  \n{t('ui.intake.created_hint')}")
        left, right = st.columns(2)
        if left.button(t("ui.intake.open_case"), icon=":material/folder_open:", type="primary", width="stretch"):
            context.open_case(case_id)
        right.button(t("ui.intake.another"), icon=":material/note_add:", width="stretch",
                     on_click=intake_form.start_over)
    st.stop()

st.caption(t("ui.intake.subtitle"))
kind = st.segmented_control(t("ui.intake.applicant_kind"), list(CustomerKind), key="intake_kind", required=True,
                            default=CustomerKind.PERSON, format_func=lambda v: t(f"customer_kind.{v}"))
with st.form("intake_form", border=True, enter_to_submit=False):
    form = intake_form.form_fields(kind)
    submitted = st.form_submit_button(t("ui.intake.submit"), type="primary", icon=":material/how_to_reg:")

if submitted:
    errors: dict[str, str] = {}
    case = attempt(lambda: register_holder_change(
        uow=context.uow(), actor=actor, form=form.values, uploads=form.upload_list(), channel=form.channel,
        language="ro"), field_errors=errors)
    form.show_errors(errors)
    if errors:  # the first field with a message may be scrolled out of sight
        st.error(t("error.validation"), icon=":material/error:")
    if case:
        st.session_state[intake_form.CREATED] = (case.id, case.registration_number, case.state)
        st.rerun()
