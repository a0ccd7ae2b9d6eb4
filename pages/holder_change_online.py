"""Placeholder until this service is built."""

import streamlit as st

st.title("holder_change_online")
