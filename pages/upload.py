"""Încărcarea documentelor: the applicant's private page, opened from the e-mailed link (?token=...),
without an account. It shows the request's number and stage and each required document's status; a
missing or rejected document gets an uploader. An unknown, expired or revoked link gets one neutral answer."""

import streamlit as st

from core.platform.i18n import t
from ui import phone_layout, upload_widgets
from ui.widgets import local, plain, show_flash, state_badge

st.title(t("ui.upload.title"), anchor=False)
token = st.query_params.get("token", "")
view = upload_widgets.opened(token)
if view is None:
    st.stop()

show_flash()
st.subheader(t("ui.upload.case", number=view.registration_number), anchor=False)
st.markdown(t("ui.upload.greeting", name=plain(view.applicant_name)))
with st.container(key=phone_layout.INLINE):
    label, badge = st.columns([1, 5], vertical_alignment="center")
    label.markdown(f"**{t('ui.upload.state')}**")
    with badge:
        state_badge(view.state)
st.caption(t("ui.upload.expires", date=local(view.expires_at, with_time=False)))

if not view.accepts_uploads:
    st.info(t("ui.upload.closed"), icon=":material/info:")
elif not any(slot.awaited for slot in view.documents):
    st.success(t("ui.upload.all_sent"), icon=":material/task_alt:")
for slot in view.documents:
    upload_widgets.document_card(slot, token, view.accepts_uploads)
