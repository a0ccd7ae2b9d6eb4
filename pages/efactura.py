"""RO e-Factura (staff): every document reported, or to be reported, to the tax authority, 25 a page from the
database, filtered by state, by the 5-day limit, by issue period and by number (the filters live in the address,
so the dashboard's figures open it filtered); each number opens its invoice, and a document the rules refused
shows its failed rules and, for supervisors, a re-check once its data are corrected. Analysts and admins read it."""

import streamlit as st

from core.efactura.listing import list_submissions
from core.platform.i18n import t, t_plural
from ui import context
from ui import efactura_list_widgets as board
from ui.widgets import attempt, empty_state, show_flash

PAGE_SIZE = 25

actor = context.actor()
st.title(t("ui.nav.efactura"), anchor=False)
st.caption(t("ui.efactura_list.subtitle"))
show_flash()

filters = board.filter_bar()
page = attempt(lambda: list_submissions(uow=context.uow(), actor=actor, filters=filters,
                                        page=st.session_state.get(board.PAGE, 1), page_size=PAGE_SIZE))
if page is None:
    st.stop()
if not page.rows:
    empty_state(t("ui.efactura_list.empty_title"), t("ui.efactura_list.empty_hint"), icon=":material/receipt_long:")
    st.stop()
board.table(page.rows)
left, right = st.columns([3, 2], vertical_alignment="center")
left.caption(t_plural("ui.efactura_list.count", page.total, page=page.page, pages=page.pages))
with right:
    st.pagination(page.pages, key=board.PAGE, width="stretch")
board.refused(page.rows, actor)
