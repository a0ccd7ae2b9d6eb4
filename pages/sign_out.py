"""Ieșire: forgets the signed-in user; the router then shows the sign-in form at the root address, so
the next person at this desk does not start on the previous user's case."""

import streamlit as st

from ui import context

context.sign_out()
st.rerun()
