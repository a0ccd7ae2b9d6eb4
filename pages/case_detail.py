"""Detalii caz: one case as core.cases.queries.case_view shows it to this role — header, the workflow
actions beside the documents to review (a dispute's invoice and credit, or a holder change's handover
checks, above them), applicant data, history with comments, the workflow diagram. Every case type, same screen."""

import streamlit as st

from core.accounts.handover import handover_preview
from core.cases.queries import case_view
from core.platform.i18n import t
from core.services.refunds import refund_line
from core.staff.people import with_names
from ui import case_widgets as case
from ui import context, line_widgets
from ui.refund_widgets import refund_card
from ui.timed_widgets import timed_card
from ui.widgets import attempt, empty_state, show_flash

actor = context.actor()
case_id = case.case_id_requested()
if case_id is None:
    st.title(t("ui.nav.case_detail"), anchor=False)
    empty_state(t("ui.case.none_title"), t("ui.case.none_hint"), icon=":material/folder_open:")
    st.page_link("pages/queue.py", label=t("ui.case.back_to_queue"), icon=":material/inbox:")
    st.stop()

view = attempt(lambda: case_view(uow=context.uow(), case_id=case_id, actor=actor))
if view is None:
    st.page_link("pages/queue.py", label=t("ui.case.back_to_queue"), icon=":material/inbox:")
    st.stop()
st.query_params["case"] = str(view.id)  # the address bar now links to this case
case.remember_shown(view)
view = with_names(uow=context.uow(), view=view)  # full names, not usernames

case.header(view)
show_flash()
main, side = st.columns([2.4, 1], gap="medium")
with side:
    case.actions_panel(view, actor)
    case.checklist(view)
    timed_card(view.id)
with main:
    if view.dispute:
        case.dispute_card(view)
    if context.is_worker(actor) and (handover := attempt(lambda: handover_preview(
            uow=context.uow(), case_id=view.id, actor=actor))):
        line_widgets.handover_checks(handover)
    if view.case_type == "refund" and (line := attempt(lambda: refund_line(uow=context.uow(), actor=actor,
                                                                            case_id=view.id))):
        refund_card(line)
    documents, applicant, history, flow = st.tabs([
        f":material/description: {t('ui.case.tab_documents')}", f":material/person: {t('ui.case.tab_applicant')}",
        f":material/history: {t('ui.case.tab_history')}", f":material/account_tree: {t('ui.case.tab_flow')}",
    ], key="case_tabs")  # keyed: the open tab survives the rerun after an action
    with documents:
        case.documents_panel(view, actor)
    with applicant:
        case.applicant(view)
    with history:
        case.comment_form(view, actor)
        case.timeline(view)
    with flow:
        case.diagram(view)
