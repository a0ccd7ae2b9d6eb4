"""The production entry point: the Streamlit app plus the HTTP routes a browser page cannot serve
(the payment processor's signed notification, the sandbox processor's hosted page, and the staff
session cookie, which only an HTTP response can set).
Run with `streamlit run server.py` (or `uvicorn server:app`)."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from core.online.routes import ROUTES
from core.staff.session_routes import SESSION_ROUTES

# app.py routes every page with st.navigation. Streamlit decides on a process's first script run whether
# the pages/ folder is a legacy multipage app; a first visitor arriving by a deep link (an e-mailed upload
# link after a restart) would otherwise get the page run alone, under an automatic menu of every file.
PagesManager.uses_pages_directory = False

app = st.App("app.py", routes=[*ROUTES, *SESSION_ROUTES])
