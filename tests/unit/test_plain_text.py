"""User text shown inside markdown (ui.widgets.plain) reads exactly as typed: whatever it holds, Streamlit's
markdown makes no link, image, emphasis, code, formula, heading or list of it."""

import re
import string

from hypothesis import example, given
from hypothesis import strategies as st

from tests.markdown_oracle import only_text, read
from ui.widgets import WORD_JOINER, plain

HOSTILE = ["![x](https://evil.example/p.png)", "[click](https://evil.example)", "<img src=x>", "**bold**",
           ":red[x]", "$x$", "https://evil.example", ":material/home:", "www.evil.example", "ana@evil.example",
           "<https://evil.example>", "# Titlu", "- listă", "1. unu", "> citat", "    cod", "`cod`", "~~tăiat~~",
           "| a | b |\n|---|---|", "Titlu\n===", "&lt;img&gt;", "[x]: https://evil.example", "\\*escaped\\*"]
# markdown's own syntax characters, line breaks, the shapes of links and addresses, and anything else
TYPED = st.text(st.sampled_from(string.punctuation + " \n\r\tawh0:/@.") | st.characters(), max_size=80)


def _shown(text: str) -> str:
    """What the reader should see: the text, with unshowable characters replaced, spacing aside."""
    text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]", "\ufffd", text)
    return " ".join(text.replace(WORD_JOINER, "").split())


@given(TYPED)
@example("![x](https://evil.example/p.png) [click](https://evil.example) www.evil.example ana@evil.example")
@example("\u202eexe.pdf \ud800 \x00 \x1b[31m")
def test_any_typed_text_is_read_as_the_same_plain_text(text):
    reading = read(plain(text))
    assert only_text(reading), (reading.kinds, reading.targets)
    assert " ".join(reading.text.replace(WORD_JOINER, "").split()) == _shown(text)


@given(TYPED)
def test_no_colon_or_dollar_is_left_to_start_a_streamlit_directive_icon_or_formula(text):
    shown = plain(text)
    for place, char in enumerate(shown):
        if char in ":$[":
            backslashes = len(shown[:place]) - len(shown[:place].rstrip("\\"))
            assert backslashes % 2 == 1, (shown, place)


def test_every_hostile_value_reads_as_itself():
    for value in HOSTILE:
        reading = read(plain(value))
        assert only_text(reading), (value, reading.kinds, reading.targets)


def test_the_oracle_sees_what_the_hostile_values_do_unescaped():
    """The check above could not fail if the oracle missed links and emphasis: it does not."""
    for value in HOSTILE[:9]:
        assert not only_text(read(value)), value


def test_the_old_escaper_left_bare_addresses_to_be_linked():
    """Backslash escapes alone are undone before Streamlit links bare addresses: the word joiner is needed."""
    escaped = re.sub("([" + re.escape(string.punctuation) + "])", r"\\\1", "https://evil.example ana@evil.example")
    assert read(escaped).targets == ["https://evil.example", "ana@evil.example"]
    assert read(plain("https://evil.example ana@evil.example")).targets == []
