"""What an applicant sees of their documents on the public pages: the confirmation after an online
request, and on the private upload page one card per required document, with an uploader where one is
still awaited. The content of every file is checked by core.online.uploads, not by the browser."""

from collections.abc import Callable

import streamlit as st

from core.online.uploads import DocumentSlot, UploadView, open_upload, upload_for_token
from core.platform.config import settings
from core.platform.i18n import t
from ui import context, public
from ui.intake_form import UPLOAD_TYPES
from ui.widgets import doc_status_markdown, flash, plain, show_field_errors

MB = 1024 * 1024
_OPENED = "upload_link_view"  # (token, UploadView) of the link this session opened


def confirmation(number: str, documents: list[str], link: str | None, email: str,
                 on_another: Callable[[], None]) -> None:
    """The registration number, what to upload, and the way to the upload page."""
    with st.container(border=True):
        st.success(t("ui.holder_online.created", number=number), icon=":material/task_alt:")
        st.write(t("ui.holder_online.keep_number"))
        if documents:
            st.markdown(f"##### {t('ui.holder_online.to_upload')}")
            st.markdown("\n".join(f"- {t(f'document.{doc_type}')}" for doc_type in documents))
        if link:
            st.link_button(t("ui.holder_online.upload"), link, type="primary", icon=":material/upload_file:")
            st.caption(t("ui.holder_online.emailed", email=plain(email)))
        st.button(t("ui.holder_online.another"), icon=":material/restart_alt:", on_click=on_another)


def opened(token: str) -> UploadView | None:
    """The case behind the link, or a friendly neutral explanation (the same for every refusal). Opening the
    page is the lookup (past the limits the page first solves a challenge, then opens the link by itself);
    the view is then kept for this session and refreshed by each upload, so a rerun is not another lookup."""
    kept = st.session_state.get(_OPENED)
    if kept and kept[0] == token:
        return kept[1]
    view = public.lookup("upload_link", True, lambda solution: open_upload(
        uow=context.uow(), token=token, who=public.visitor(), solution=solution), where=_RefusalBox(st.container()))
    if view is not None:
        st.session_state[_OPENED] = (token, view)
    return view


class _RefusalBox:
    """Where public.lookup shows a refused link: a bordered box with the neutral words and a way home."""

    def __init__(self, where):
        self.where = where

    def error(self, message: str, icon: str | None = None) -> None:
        with self.where.container(border=True):
            st.markdown(f"#### :material/link_off: {t('ui.upload.invalid_title')}")
            st.write(message)
            st.page_link("pages/public_home.py", label=t("ui.upload.home"), icon=":material/storefront:")


def document_card(slot: DocumentSlot, token: str, accepts_uploads: bool) -> None:
    """One required document: its status, the reviewer's reason when rejected, and an uploader while it
    is awaited (once sent it awaits review, and the uploader goes away)."""
    name = t(f"document.{slot.doc_type}")
    with st.container(border=True):
        st.markdown(f"**{name}** &nbsp; {doc_status_markdown(slot.status)}")
        if slot.file_name:
            st.caption(t("ui.upload.document_file", name=plain(slot.file_name)))
        if slot.reason:
            st.warning(t("ui.upload.rejected_reason", reason=plain(slot.reason)), icon=":material/feedback:")
        if accepts_uploads and slot.awaited:
            _uploader(slot.doc_type, name, token)


def _uploader(doc_type: str, name: str, token: str) -> None:
    file = st.file_uploader(t("ui.upload.choose", document=name), type=UPLOAD_TYPES, key=f"upload_file_{doc_type}",
                            help=t("ui.intake.upload_help"), max_upload_size=-(-settings.upload_max_bytes // MB))
    if file is None:
        return
    clicked = st.button(t("ui.upload.submit"), key=f"upload_go_{doc_type}", type="primary", icon=":material/upload:")
    errors: dict[str, str] = {}
    done = public.lookup(f"upload_go_{doc_type}", clicked, lambda solution: upload_for_token(
        uow=context.uow(), token=token, doc_type=doc_type, file_name=file.name, data=file.getvalue(),
        who=public.visitor(), solution=solution), field_errors=errors)
    show_field_errors(errors, "file")
    if done:
        st.session_state[_OPENED] = (token, done)
        flash(t("ui.upload.uploaded", document=name))
        st.rerun()
