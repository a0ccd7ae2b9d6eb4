"""How the pages fit a phone (390 px wide): Streamlit stacks every column one under the other below its 640 px
breakpoint, so a table drawn as a row of columns becomes a list of unlabelled values under a list of headers,
and label/value pairs take a screen each. Containers keyed with one of the prefixes below keep their
columns two a line (PAIRS) or side by side (INLINE); a TABLE row shows each value under its column's label
(CSS generated text from the catalogue, so the DOM and the desktop layout stay as they are)."""

import json

import streamlit as st

PHONE = "@media (max-width: 640px)"  # Streamlit's own breakpoint for stacking columns
PAIRS = "phone_pairs"  # key prefix: columns two a line on a phone
INLINE = "phone_inline"  # key prefix: columns stay on one line (a label and its badge)
TABLE_HEAD = "phone_table_head"  # key prefix: a table's header row, hidden on a phone (each cell is labelled)
TABLE_ROW = "phone_table_row"  # key prefix: a table's row, a small card of labelled values on a phone
_COLUMN = '[data-testid="stColumn"]'


def _keyed(prefix: str) -> str:
    return f'[class*="st-key-{prefix}"]'


def stylesheet() -> str:
    """The app-wide rules: smaller headings (a title in at most two lines) and the keyed layouts."""
    return (f"{PHONE}{{"
            "h1{font-size:2rem !important}h2{font-size:1.5rem !important}h3{font-size:1.25rem !important}"
            f"{_keyed(PAIRS)} {_COLUMN},{_keyed(TABLE_ROW)} {_COLUMN}{{min-width:calc(50% - 1rem) !important}}"
            f"{_keyed(INLINE)} [data-testid=stHorizontalBlock]{{flex-wrap:nowrap}}"
            f"{_keyed(INLINE)} {_COLUMN}{{min-width:0 !important;width:auto !important;flex:0 1 auto !important}}"
            f"{_keyed(TABLE_HEAD)}{{display:none !important}}"
            f"{_keyed(TABLE_ROW)}{{border-top:1px solid rgba(49,51,63,.2);padding-top:.75rem}}"
            f"{_keyed(TABLE_ROW)} {_COLUMN}::before{{display:block;font-size:.8rem;opacity:.65}}"
            "}")


def apply() -> None:
    """Once per run, before the page draws (a style-only st.html takes no room on the page)."""
    st.html(f"<style>{stylesheet()}</style>")


def table_labels(name: str, labels: list[str]) -> None:
    """On a phone, labels each cell of the rows keyed TABLE_ROW + name with its column's label (in order)."""
    row = _keyed(f"{TABLE_ROW}_{name}")
    rules = "".join(f"{row} {_COLUMN}:nth-child({i})::before{{content:{json.dumps(label, ensure_ascii=False)}}}"
                    for i, label in enumerate(labels, start=1))
    st.html(f"<style>{PHONE}{{{rules}}}</style>")
