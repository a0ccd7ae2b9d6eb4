"""The online contracting form: widgets named after the fields core.services.contracting checks, each
with a slot right under it for that field's message, and the confirmation shown once registered."""

import streamlit as st

from core.models import Case
from core.platform.i18n import t
from core.staff.masking import mask_email
from core.workflow.registry import workflow_of
from ui import intake_form
from ui.intake_form import Form
from ui.widgets import plain

PREFIX = "contract"  # widget and session keys of this page
CREATED = "contract_created"  # what the confirmation shows: number, masked e-mail, documents deadline, documents


def form_fields(kind: str) -> Form:
    """Draws the fields inside the caller's st.form, a row at a time, and returns what was typed."""
    form = Form(values={"applicant_kind": kind}, channel="online", prefix=PREFIX, labels="ui.contract")
    st.markdown(f"##### {t('ui.contract.section_place')}")
    form.row(("pod", dict(placeholder="RO005E512345678", help=t("ui.contract.pod_help"))),
             ("address", dict(help=t("ui.contract.address_help"))))

    form.applicant(kind)

    st.markdown(f"##### {t('ui.contract.section_start')}")
    index, right = st.columns(2)
    form.text("handover_index", index, help=t("ui.contract.index_help"))
    form.right_of_use(right)
    st.caption(t("ui.contract.privacy"))
    return form


def remember(case: Case) -> None:
    """Keeps what the confirmation shows, for the run after the form is gone."""
    due = case.due_date.strftime("%d.%m.%Y") if case.due_date else ""
    documents = workflow_of(case).required_documents(case.data["applicant_kind"])
    st.session_state[CREATED] = (case.registration_number, mask_email(case.data["email"]), due, documents)


def confirmation() -> None:
    number, email, due, documents = st.session_state[CREATED]
    with st.container(border=True):
        st.success(t("ui.contract.created", number=number), icon=":material/task_alt:")
        st.markdown(t("ui.contract.created_hint", email=plain(email)))
        st.markdown(f"##### {t('ui.contract.documents_title')}")
        st.markdown("\n".join(f"- {t(f'ui.contract.document.{doc_type}')}" for doc_type in documents))
        st.caption(t("ui.contract.documents_hint", due_date=due))
        st.button(t("ui.contract.another"), icon=":material/add_home:", on_click=start_over)


def start_over() -> None:
    """Forgets the request just sent and every field, for another request from this browser."""
    intake_form.start_over(PREFIX)
