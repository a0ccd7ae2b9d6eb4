"""What the public pages share: the visitor as the rate limits count them."""

import uuid

import streamlit as st

from core.config import settings
from core.online import access

_VISITOR = "public_visitor_id"


def visitor() -> access.Client:
    """This browser session and its client address."""
    session_id = st.session_state.setdefault(_VISITOR, uuid.uuid4().hex)
    return access.client(_address(), session_id)


def _address() -> str | None:
    """The client address; behind a trusted reverse proxy, the one it appended to CLIENT_ADDRESS_HEADER
    (the rightmost: anything left of it was written by the client and can be forged)."""
    if settings.client_address_header:
        forwarded = st.context.headers.get(settings.client_address_header) or ""
        return forwarded.split(",")[-1].strip() or None
    address = st.context.ip_address
    return address if isinstance(address, str) else None  # not a string under AppTest
