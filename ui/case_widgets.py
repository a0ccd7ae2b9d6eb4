"""The case screen's sections. Each one draws part of a core.cases.queries.CaseView and, for staff, calls
one service with the version the page showed (a stale copy is refused with a clear message)."""

import streamlit as st

from core.accounts.money import format_lei
from core.cases.queries import CaseView, DocumentView, TimelineEntry
from core.platform.i18n import t
from core.platform.validation import url_int
from core.services import cases, documents
from core.staff.auth import Actor
from core.workflow.engine import ActionOption
from ui import context
from ui.widgets import (
    attempt,
    deadline_text,
    doc_status_icon,
    doc_status_markdown,
    flash,
    local,
    plain,
    show_field_errors,
    state_badge,
)

UPLOAD_TYPES = ["pdf", "jpg", "jpeg", "png"]
_EVENT_ICONS = {
    "register": ":material/how_to_reg:", "upload_document": ":material/upload_file:",
    "approve_document": ":material/task_alt:", "reject_document": ":material/block:",
    "assign": ":material/person_add:", "comment": ":material/chat:", "reject": ":material/cancel:",
    "cancel": ":material/do_not_disturb_on:", "issue_contract": ":material/contract:",
    "start_review": ":material/manage_search:", "request_information": ":material/contact_mail:",
    "customer_replied": ":material/mark_email_read:", "propose_credit": ":material/request_quote:",
    "uphold": ":material/gavel:", "approve_credit": ":material/verified:", "return_to_review": ":material/undo:",
}


SHOWN = "case_shown"  # (case id, version) drawn by the previous run: what the user is looking at


def remember_shown(view: CaseView) -> None:
    """A click reruns the page, which re-reads the case; the action must still carry the version the
    user saw before clicking, so a colleague's change in between is refused instead of overridden."""
    previous = st.session_state.get(SHOWN)
    st.session_state["case_expected_version"] = previous[1] if previous and previous[0] == view.id else view.version
    st.session_state[SHOWN] = (view.id, view.version)


def _expected() -> int:
    return st.session_state["case_expected_version"]


def _saved(message: str) -> None:
    """After a successful change: say so, and redraw the case from the database."""
    flash(message)
    st.rerun()


def case_id_requested() -> int | None:
    """The case to show: a ?case=<id> link wins over the one picked in the queue."""
    if (linked := url_int(st.query_params.get("case"))) is not None:
        st.session_state[context.CASE_ID] = linked
    return st.session_state.get(context.CASE_ID)


def header(view: CaseView) -> None:
    title, badge = st.columns([4, 1], vertical_alignment="center")
    title.title(view.registration_number, anchor=False)
    with badge:
        state_badge(view.state)
        workflow_version(view)
    when = deadline_text(view.due_date, view.overdue, view.sla_status).split(" · ")
    with st.container(border=True):
        facts = st.columns(4)
        _fact(facts[0], t(f"ui.case.deadline_{view.deadline_name}") if view.deadline_name else t("ui.case.deadline"),
              when[0])
        if len(when) > 1:
            facts[0].badge(when[1], color="red" if view.overdue else "blue")
        _fact(facts[1], t("ui.case.assignee"), view.assignee or t("ui.case.unassigned"))
        _fact(facts[2], t("ui.case.channel"), t(f"ui.channel.{view.channel}"))
        _fact(facts[3], t("ui.case.registered_at"), local(view.registered_at))


def workflow_version(view: CaseView) -> None:
    """The version of its workflow the case runs, and the latest one when the case runs an older one."""
    if view.workflow_version < view.latest_version:
        st.caption(t("ui.case_version.older", version=view.workflow_version, latest=view.latest_version),
                   help=t("ui.case_version.older_help"))
    else:
        st.caption(t("ui.case_version.label", version=view.workflow_version))


def _fact(where, label: str, value: str) -> None:
    where.caption(label)
    where.markdown(f"**{plain(value)}**")


def applicant(view: CaseView) -> None:
    data = view.applicant
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown(f"##### {t('ui.case.applicant')}")
        _facts([
            ("ui.case.applicant_kind", t(f"customer_kind.{data['applicant_kind']}")),
            ("ui.case.name", data["applicant_name"]),
            ("ui.case.national_id", data["national_id"]),
            ("ui.case.email", data["email"]),
            ("ui.case.phone", data["phone"]),
            ("ui.case.correspondence_address", data["correspondence_address"]),
        ])
    place = ([("ui.case.current_holder", view.current_holder), ("ui.case.old_contract", view.old_contract_number)]
             if view.old_contract_number else [])  # a new contract has no old holder
    if view.dispute is None:  # a holder change also hands the place over to a new contract
        place += [
            ("ui.case.new_contract", view.new_contract_number),
            ("ui.case.handover_index", f"{data['handover_index']} kWh" if data["handover_index"] is not None else None),
            ("ui.case.right_of_use", t(f"right_of_use.{data['right_of_use']}") if data["right_of_use"] else None),
            ("ui.case.verified_by", view.verified_by),
        ]
    with right.container(border=True):
        st.markdown(f"##### {t('ui.case.place_contract')}")
        _facts(place)


def _facts(rows: list[tuple[str, str | None]]) -> None:
    st.markdown("\n".join(f"- **{t(key)}:** {plain(value) or '—'}" for key, value in rows))


def dispute_card(view: CaseView) -> None:
    """The contested invoice (a link to it), the reason, the amounts and who proposed and granted the credit."""
    dispute = view.dispute
    with st.container(border=True):
        st.markdown(f"##### {t('ui.case_dispute.title')}")
        invoice, category, disputed, credit = st.columns(4)
        invoice.caption(t("ui.case_dispute.invoice"))
        invoice.page_link("pages/invoice.py", label=dispute.invoice_number, icon=":material/receipt_long:",
                          query_params={"invoice": str(dispute.invoice_id)}, help=t("ui.case_dispute.invoice_help"))
        _fact(category, t("ui.case_dispute.category"), t(f"dispute_category.{dispute.category}"))
        _fact(disputed, t("ui.case_dispute.disputed_amount"), format_lei(dispute.disputed_amount))
        if dispute.credit_amount is not None:
            granted = dispute.credit_note_number is not None
            _fact(credit, t("ui.case_dispute.credit_granted" if granted else "ui.case_dispute.credit_proposed"),
                  format_lei(dispute.credit_amount))
            who = [t("ui.case_dispute.proposed_by", who=plain(dispute.credit_proposed_by))]
            if granted and dispute.credit_approved_by != dispute.credit_proposed_by:
                who.append(t("ui.case_dispute.approved_by", who=plain(dispute.credit_approved_by)))
            credit.caption(" · ".join(who))
            if granted:
                credit.markdown(f"{t('ui.case_dispute.credit_note')}: **{dispute.credit_note_number}**")
        st.caption(t("ui.case_dispute.description"))
        st.markdown(f"> {plain(dispute.description)}" if dispute.description else "—")


def checklist(view: CaseView) -> None:
    """One line per required document with its status, for the side column."""
    if not view.required:
        return
    with st.container(border=True):
        st.markdown(f"##### {t('ui.case.checklist')}")
        st.markdown("  \n".join(f"{doc_status_icon(status)} {t(f'ui.doc_short.{doc_type}')} · "
                                f":gray[{t(f'docstatus.{status}')}]" for doc_type, status in view.required))


def documents_panel(view: CaseView, actor: Actor) -> None:
    """Per required document: its status, the current file (review it), a slot to replace it, older versions."""
    workable = context.is_worker(actor) and view.documents_open
    for doc_type, status in view.required:
        files = [d for d in view.documents if d.doc_type == doc_type]
        current = next((d for d in files if d.is_current), None)
        with st.container(border=True):
            st.markdown(f"**{t(f'document.{doc_type}')}** &nbsp; {doc_status_markdown(status)}")
            if current:
                _document(current, actor, reviewable=workable and current.status == "pending")
            else:
                st.caption(t("ui.case.doc_missing"))
            if workable and status in ("rejected", "missing"):
                _upload(view, actor, doc_type)
            older = [d for d in files if not d.is_current]
            if older:
                st.caption(t("ui.case.doc_history") + " " + "; ".join(
                    f"{plain(d.file_name)} ({t(f'docstatus.{d.status}')}"
                    + (f": {plain(d.review_reason)}" if d.review_reason else "") + ")" for d in older))
    for doc_type in view.optional:  # e.g. a dispute's evidence: any number of files, added while the case is open
        with st.container(border=True):
            st.markdown(f"**{t(f'document.{doc_type}')}**")
            files = [d for d in view.documents if d.doc_type == doc_type and d.is_current]
            for doc in files:
                _document(doc, actor, reviewable=False)
            if not files:
                st.caption(t("ui.case_dispute.evidence_none"))
            if workable:
                _upload_many(view, actor, doc_type, len(files))


def _document(doc: DocumentView, actor: Actor, reviewable: bool) -> None:
    label = f"{plain(doc.file_name)} · {_size(doc.size)}"
    box = st.expander(label, icon=":material/description:", key=f"case_doc_{doc.id}", on_change="rerun")
    with box:
        st.markdown(
            f"{t('ui.case.doc_type_detected')}: `{doc.content_type}` · SHA-256 `{doc.sha256[:12]}…`  \n"
            f"{t('ui.case.doc_uploaded', who=plain(doc.uploaded_by), when=local(doc.uploaded_at))}"
            + (f"  \n{t('ui.case.doc_reviewed', who=plain(doc.reviewed_by))}" if doc.reviewed_by else "")
            + (f"  \n{t('ui.case.doc_reason')}: {plain(doc.review_reason)}" if doc.review_reason else ""))
        if box.open and context.is_worker(actor):  # the file is only read and drawn when someone looks
            _preview(doc, actor)
    if doc.review_reason and doc.status == "rejected":
        st.warning(f"{t('ui.case.doc_reason')}: {plain(doc.review_reason)}", icon=":material/block:")
    if reviewable:
        _review(doc, actor)


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def _preview(doc: DocumentView, actor: Actor) -> None:
    # drawn in the sandbox on the first look at this content, then read from the shared cache; when it
    # cannot be drawn (a bomb, a damaged file) the clerk is told why and can still download and decide
    with st.spinner(t("files.preview_wait")):
        preview = attempt(lambda: documents.document_preview(uow=context.uow(), document_id=doc.id, actor=actor))
    if preview is None:
        return
    if preview.failure:
        st.info(t("files.no_preview", reason=t(f"files.no_preview_reason.{preview.failure}")),
                icon=":material/hide_image:")
    for image in preview.pages:
        st.image(image, width="stretch")
    st.download_button(t("files.download"), key=f"case_doc_download_{doc.id}", file_name=doc.file_name,
                       mime=doc.content_type, on_click="ignore", icon=":material/download:",
                       data=lambda: documents.document_file(uow=context.uow(), document_id=doc.id, actor=actor)[1])


def _review(doc: DocumentView, actor: Actor) -> None:
    approve, reason, reject = st.columns([1, 3, 1], vertical_alignment="bottom")
    if approve.button(t("ui.case.approve"), key=f"case_approve_{doc.id}", icon=":material/check:", type="primary"):
        if attempt(lambda: documents.review_document(uow=context.uow(), document_id=doc.id, approve=True,
                                                     actor=actor, expected_version=_expected())):
            _saved(t(f"ui.doc_approved.{doc.doc_type}"))
    why = reason.text_input(t("ui.case.reject_reason"), key=f"case_reject_reason_{doc.id}",
                            placeholder=t("ui.case.reject_reason_hint"))
    if reject.button(t("ui.case.reject"), key=f"case_reject_{doc.id}", icon=":material/close:"):
        errors: dict[str, str] = {}
        done = attempt(lambda: documents.review_document(uow=context.uow(), document_id=doc.id, approve=False,
                                                         actor=actor, expected_version=_expected(), reason=why),
                       field_errors=errors)
        show_field_errors(errors, "reason")
        if done:
            _saved(t(f"ui.doc_rejected.{doc.doc_type}"))


def _upload(view: CaseView, actor: Actor, doc_type: str) -> None:
    file = st.file_uploader(t("ui.case.upload", document=t(f"document.{doc_type}")), type=UPLOAD_TYPES,
                            key=f"case_upload_{view.id}_{doc_type}", help=t("ui.intake.upload_help"))
    if file is not None and st.button(t("ui.case.upload_submit"), key=f"case_upload_go_{doc_type}",
                                      icon=":material/upload:"):
        errors: dict[str, str] = {}
        done = attempt(lambda: documents.upload_document(
            uow=context.uow(), case_id=view.id, doc_type=doc_type, file_name=file.name, data=file.getvalue(),
            actor=actor, expected_version=_expected()), field_errors=errors)
        show_field_errors(errors, "file")
        if done:
            _saved(t(f"ui.doc_received.{doc_type}"))


def _upload_many(view: CaseView, actor: Actor, doc_type: str, count: int) -> None:
    # keyed by the number of files already there, so the uploader empties once they are saved
    chosen = st.file_uploader(t("ui.case_dispute.evidence_upload"), type=UPLOAD_TYPES, accept_multiple_files=True,
                              key=f"case_upload_{view.id}_{doc_type}_{count}", help=t("ui.intake.upload_help"))
    if chosen and st.button(t("ui.case_dispute.evidence_submit"), key=f"case_upload_go_{doc_type}",
                            icon=":material/upload:"):
        saved = 0
        for file in chosen:  # each file is its own upload: a refused one is named, the others are kept
            errors: dict[str, str] = {}
            # the first file is checked against the case as shown; the rest follow it in the same action
            expected = None if saved else _expected()
            done = attempt(lambda file=file, expected=expected: documents.upload_document(
                uow=context.uow(), case_id=view.id, doc_type=doc_type, file_name=file.name, data=file.getvalue(),
                actor=actor, expected_version=expected), field_errors=errors)
            if "file" in errors:
                st.error(f"{plain(file.name)}: {errors['file']}", icon=":material/error:")
            saved += bool(done)
        if saved:
            _saved(t("ui.case_dispute.evidence_uploaded", count=saved))


def actions_panel(view: CaseView, actor: Actor) -> None:
    """Every step the workflow offers here: a button, or the reason it is not available."""
    with st.container(border=True):
        st.markdown(f"##### {t('ui.case.tab_actions')}")
        if not context.is_worker(actor):
            st.info(t("ui.case.read_only"), icon=":material/visibility:")
        elif not view.actions:
            st.info(t("ui.case.no_actions"), icon=":material/flag:")
        if context.is_worker(actor) and view.actions and view.assignee is None:
            _claim(view, actor)
        for option in view.actions if context.is_worker(actor) else ():
            _action(option, view, actor)
        if context.is_worker(actor) and view.documents_open and any(s in ("missing", "rejected")
                                                                    for _, s in view.required):
            _resend_link(view, actor)


def _resend_link(view: CaseView, actor: Actor) -> None:
    if st.button(t("ui.case.upload_link.resend"), key="case_resend_link", icon=":material/forward_to_inbox:",
                 help=t("ui.case.upload_link.resend_help"), width="stretch") and attempt(
            lambda: cases.resend_upload_link(uow=context.uow(), case_id=view.id, expected_version=_expected(),
                                             actor=actor)):
        _saved(t("ui.case.upload_link.sent"))


def _claim(view: CaseView, actor: Actor) -> None:
    if st.button(t("ui.case.claim"), key="case_claim", icon=":material/back_hand:", width="stretch") and attempt(
            lambda: cases.claim_case(uow=context.uow(), case_id=view.id, expected_version=_expected(), actor=actor)):
        _saved(t("ui.case.claimed"))


def _action(option: ActionOption, view: CaseView, actor: Actor) -> None:
    """Steps needing a reason open a small form; the others fire at once."""
    label = t(f"trigger.{option.trigger}")
    if not option.allowed:
        st.button(label, key=f"case_action_{option.trigger}", disabled=True, width="stretch",
                  help=t(option.reason_key))
        st.caption(f":material/lock: {t(option.reason_key)}")
        return
    reason = amount = None
    slots = {}  # field -> the place right under it for its message
    if {"reason", "amount"} & set(option.requires):
        # keyed: after a step, the next step's popover must not inherit the open state of the one it replaces
        where = st.popover(label, width="stretch", icon=":material/edit_note:", key=f"case_popover_{option.trigger}")
        with where.form(f"case_form_{option.trigger}", border=False):  # typing does not rerun
            if "amount" in option.requires:
                amount = st.text_input(t("ui.case_dispute.amount"), key=f"case_amount_{option.trigger}",
                                       placeholder=t("ui.case_dispute.amount_hint"),
                                       help=t("ui.case_dispute.amount_help"))
                slots["amount"] = st.empty()
            if "reason" in option.requires:
                reason = st.text_area(t("ui.case.action_reason", action=label), key=f"case_reason_{option.trigger}",
                                      height=110, max_chars=1000)
                slots["reason"] = st.empty()
            clicked = st.form_submit_button(t("ui.case.confirm", action=label), key=f"case_action_{option.trigger}",
                                            type="primary")
    else:
        where = st
        clicked = st.button(label, key=f"case_action_{option.trigger}", type="primary", width="stretch")
    if not clicked:
        return
    errors: dict[str, str] = {}
    with st.spinner(t("ui.case.action_running", action=label)):  # issuing a contract writes several records
        done = attempt(lambda: cases.fire_trigger(
            uow=context.uow(), case_id=view.id, expected_version=_expected(), trigger=option.trigger,
            actor=actor, reason=reason, amount=amount), where=where, field_errors=errors)
    for name in errors:
        show_field_errors(errors, name, where=slots.get(name, where))
    if done:
        _saved(t("ui.case.action_done", action=label))


def comment_form(view: CaseView, actor: Actor) -> None:
    if not context.is_worker(actor):
        return
    with st.form("case_comment_form", clear_on_submit=True, border=True):
        body = st.text_area(t("ui.case.comment"), key="case_comment", placeholder=t("ui.case.comment_hint"),
                            height=90, max_chars=2000)
        sent = st.form_submit_button(t("ui.case.comment_submit"), icon=":material/send:")
    if sent and attempt(lambda: cases.add_comment(uow=context.uow(), case_id=view.id, body=body, actor=actor)):
        _saved(t("ui.case.comment_saved"))


def timeline(view: CaseView) -> None:
    if not view.timeline:
        st.caption(t("ui.case.timeline_empty"))
    for entry in view.timeline:
        moved = bool(entry.to_state) and entry.from_state != entry.to_state
        with st.expander(_event_title(entry), icon=_EVENT_ICONS.get(entry.kind, ":material/sync_alt:"), type="step",
                         expanded=bool(entry.text) or moved):
            st.markdown(_event_body(entry))


def _event_title(entry: TimelineEntry) -> str:
    what = t(f"trigger.{entry.kind}")
    if entry.details.get("doc_type"):
        what += f": {t('document.' + entry.details['doc_type'])}"
    if entry.kind == "assign" and entry.details.get("assignee"):
        what += f" → {plain(entry.details['assignee'])}"
    role = f" ({t(f'ui.role.{entry.role}')})" if entry.role else ""
    return f"**{what}** · {plain(entry.actor)}{role} · {local(entry.at)}"


def _event_body(entry: TimelineEntry) -> str:
    lines = []
    if entry.to_state and entry.from_state != entry.to_state:
        before = t(f"state.{entry.from_state}") if entry.from_state else t("ui.case.timeline_new")
        lines.append(f"{before} → **{t(f'state.{entry.to_state}')}**")
    if entry.text:
        lines.append(f"> {plain(entry.text)}")
    return "\n\n".join(lines) or t("ui.case.timeline_no_details")


def diagram(view: CaseView) -> None:
    st.caption(t("ui.case.diagram_hint"))
    st.graphviz_chart(view.diagram, width="stretch")
