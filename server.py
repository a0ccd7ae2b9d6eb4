"""The production entry point: the Streamlit app plus the HTTP routes a browser page cannot serve
(the payment processor's signed notification, the sandbox processor's hosted page).
Run with `streamlit run server.py` (or `uvicorn server:app`)."""

import streamlit as st

from core.online.routes import ROUTES

app = st.App("app.py", routes=ROUTES)
