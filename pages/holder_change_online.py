"""Schimbarea titularului, online: the public form (no account). core.online.holder_change checks the
invoice codes like every public lookup and registers the request in the same workflow as the counter;
the confirmation shows the number, the documents to send and the private upload link the e-mail carries."""

import streamlit as st

from core.models import CustomerKind
from core.online.holder_change import request_holder_change
from core.platform.i18n import current_language, t
from core.staff.masking import mask_email
from core.workflow import registry
from ui import context, intake_form, public, upload_widgets
from workflows import holder_change

PREFIX = "holder_online"
CREATED = f"{PREFIX}_created"  # (number, documents to send, upload link, masked e-mail); cleared with the form

st.title(t("ui.holder_online.title"), anchor=False)
created = st.session_state.get(CREATED)
if created:
    upload_widgets.confirmation(*created, on_another=lambda: intake_form.start_over(PREFIX))
    st.stop()

st.caption(t("ui.holder_online.subtitle"))
kind = st.segmented_control(t("ui.intake.applicant_kind"), list(CustomerKind), key=f"{PREFIX}_kind", required=True,
                            default=CustomerKind.PERSON, format_func=lambda v: t(f"customer_kind.{v}"))
documents = registry.latest(holder_change.WORKFLOW.name).required_documents(kind)
with st.form(f"{PREFIX}_form", border=True, enter_to_submit=False):
    form = intake_form.form_fields(kind, prefix=PREFIX, at_counter=False)
    st.markdown(f"##### {t('ui.holder_online.documents_title')}")
    st.caption(t("ui.holder_online.documents_hint"))
    st.markdown("\n".join(f"- {t(f'document.{doc_type}')}" for doc_type in documents))
    submitted = st.form_submit_button(t("ui.holder_online.submit"), type="primary", icon=":material/send:")

errors: dict[str, str] = {}
result = public.lookup(PREFIX, submitted, lambda solution: request_holder_change(
    uow=context.uow(), who=public.visitor(), form=form.values, language=current_language(), solution=solution),
    field_errors=errors)
form.show_errors(errors)
if errors:  # the first field with a message may be scrolled out of sight
    st.error(t("error.validation"), icon=":material/error:")
if result:
    case, link = result
    st.session_state[CREATED] = (case.registration_number, documents, link, mask_email(case.data["email"]))
    st.rerun()
