"""Streamlit's own frontend texts in the reader's language. Streamlit 1.67 has no parameter for the file
uploader's "Upload" button, its "10MB per file • PDF, JPG, PNG" line or the status widget's "Stop"
(they are literals in its JavaScript), so a stylesheet hides each literal and draws the catalogue's text
in its place (CSS `::after`: React re-renders the element, never the pseudo-element, so nothing flickers
back). Every uploader accepts the same types (UPLOAD_TYPES) under the same limit, so one line fits all."""

import json

import streamlit as st

from core.platform.config import settings
from core.platform.i18n import t

MB = 1024 * 1024
_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
_TARGETS = {  # element whose literal text is replaced -> catalogue key
    f'{_DROPZONE} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p': "streamlit.upload",
    '[data-testid="stFileUploaderDropzoneInstructions"] span': "streamlit.limit",
    '[data-testid="stStatusWidget"] [data-testid="stBaseButton-header"]': "streamlit.stop",
}


def stylesheet() -> str:
    """The CSS for the current language (a catalogue text, quoted as JSON without \\u escapes: a valid CSS string)."""
    limit = -(-settings.upload_max_bytes // MB)
    return "".join(
        f"{selector}{{font-size:0 !important}}"
        f"{selector}::after{{content:{json.dumps(t(key, mb=limit), ensure_ascii=False)};font-size:14px}}"
        for selector, key in _TARGETS.items())


def translate_streamlit_texts() -> None:
    """Once per run, before the page draws (a style-only st.html takes no room on the page)."""
    st.html(f"<style>{stylesheet()}</style>")
