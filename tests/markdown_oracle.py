"""How Streamlit's markdown would read a string, closely enough to tell whether user text inside it makes a
link, an image, emphasis, code, a formula or a block of its own. markdown-it-py (CommonMark with GFM
tables and strikethrough, dollar maths) parses the syntax; then the step Streamlit runs after parsing,
on the text itself, is copied from its bundle (mdast-util-gfm-autolink-literal: bare https://, www. and
e-mail addresses become links even when every character was escaped). remark-directive's colon syntax
is added as a rule of its own."""

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

_DIRECTIVE = re.compile(r":[A-Za-z][\w-]*")


def _directive(state, silent: bool) -> bool:
    """remark-directive's text directive (Streamlit's :red[..], :blue-badge[..], :material/..: icons):
    an unescaped colon followed by a name."""
    found = _DIRECTIVE.match(state.src, state.pos)
    if state.src[state.pos] != ":" or not found:
        return False
    if not silent:
        state.push("directive", "", 0).content = found.group()
    state.pos = found.end()
    return True


_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(dollarmath_plugin)
_MD.inline.ruler.before("emphasis", "directive", _directive)
# Streamlit's own patterns (JavaScript \w is ASCII); the "preceded by a space or punctuation" condition
# is left out, so the oracle finds at least every link Streamlit would make
_BARE_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE | re.ASCII)
_BARE_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
_TEXT = {"text", "softbreak", "hardbreak"}


@dataclass
class Reading:
    targets: list[str] = field(default_factory=list)  # every link and image address, bare ones included
    kinds: set[str] = field(default_factory=set)  # every token type met (paragraph_open, strong_open, ...)
    text: str = ""  # the text a reader sees, line breaks as "\n"


def read(source: str) -> Reading:
    reading = Reading()
    for block in _MD.parse(source):
        reading.kinds.add(block.type)
        for token in block.children or ():
            reading.kinds.add(token.type)
            if token.type in ("link_open", "image"):
                reading.targets.append(str(token.attrGet("href") or token.attrGet("src")))
            if token.type == "text":
                reading.targets += [m.group() for m in _BARE_URL.finditer(token.content)]
                reading.targets += [m.group() for m in _BARE_EMAIL.finditer(token.content)]
                reading.text += token.content
            elif token.type in ("softbreak", "hardbreak"):
                reading.text += "\n"
    return reading


def only_text(reading: Reading) -> bool:
    """Nothing but paragraphs of plain text (and line breaks) in it."""
    return reading.kinds <= {"paragraph_open", "paragraph_close", "inline", *_TEXT} and not reading.targets
