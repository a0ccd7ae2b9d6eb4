"""The root address for a signed-in user: opens the role's first page under its own address (/queue,
/outbox). Streamlit serves a default page only at "/", so a reload or a deep link at the page's own
name (where the sign-in hand-over lands) would otherwise say "Page not found"."""

import streamlit as st

from core.models import Role
from ui import context

st.switch_page("pages/outbox.py" if context.actor().role == Role.ADMIN else "pages/queue.py",
               query_params=st.query_params.to_dict())  # a shared queue address keeps its filters
