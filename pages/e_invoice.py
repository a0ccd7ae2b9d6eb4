"""Placeholder until this service is built."""

import streamlit as st

st.title("e_invoice")
