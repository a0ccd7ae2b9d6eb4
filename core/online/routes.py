"""HTTP routes served beside the Streamlit app (mounted by server.py)."""

ROUTES: list = []
