"""Placeholder until this service is built."""

import streamlit as st

st.title("new_contract_online")
