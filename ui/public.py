"""What the public pages share: the visitor as the rate limits count them, and the page frame."""

import uuid

import streamlit as st

from core.online import access

_VISITOR = "public_visitor_id"


def visitor() -> access.Client:
    """This browser session and its client address (Streamlit gives the address behind no proxy;
    behind one, the session still counts)."""
    session_id = st.session_state.setdefault(_VISITOR, uuid.uuid4().hex)
    address = st.context.ip_address  # not a string under AppTest
    return access.client(address if isinstance(address, str) else None, session_id)
