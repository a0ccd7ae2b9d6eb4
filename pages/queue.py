"""Coada de lucru: open cases by deadline, filtered and searched, 25 a page; staff claim or assign
them, everyone opens them. Analysts and admins read it with personal data masked."""

import streamlit as st

from core.cases.queries import list_queue
from core.platform.i18n import t, t_plural
from core.platform.validation import url_int
from ui import context
from ui import queue_widgets as queue
from ui.widgets import empty_state, show_flash

PAGE_SIZE = 25

actor = context.actor()
if (case_id := url_int(st.query_params.get("case"))) is not None:  # deep link: ?case=<id>
    context.open_case(case_id)

st.title(t("ui.queue.title"), anchor=False)
st.caption(t("ui.queue.subtitle") if context.is_worker(actor) else t("ui.queue.subtitle_read_only"))
show_flash()

staff = queue.staff_list(actor)
queue.sort_from_address()
filters = queue.filter_bar(actor, staff)
order = queue.sort_bar()
page = list_queue(uow=context.uow(), actor=actor, filters=filters, sort=order,
                  page=st.session_state.get(queue.PAGE, 1), page_size=PAGE_SIZE)
if not page.rows and page.page > 1:  # the filter shrank the list under the page we were on
    page = list_queue(uow=context.uow(), actor=actor, filters=filters, sort=order, page=1, page_size=PAGE_SIZE)

if not page.rows:
    empty_state(t("ui.queue.empty_title"), t("ui.queue.empty_hint"))
else:
    if context.is_worker(actor):
        queue.toolbar(actor, queue.selected(page.rows), staff)
    queue.table(page.rows, {username: name for username, name, _ in staff}, selectable=context.is_worker(actor))
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.caption(t_plural("ui.queue.count", page.total, page=page.page, pages=page.pages))
    with right:
        st.pagination(page.pages, key=queue.PAGE, width="stretch")
