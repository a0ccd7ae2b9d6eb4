"""One scanner over everything an AppTest run drew: every string that reaches the browser as markdown
(bodies, labels, help, captions, badges, options of radios and pills, expander, tab and popover titles),
checked for user text that would become a link, an image, emphasis, a colour, an icon or a formula; and
the hostile values it looks for, written into a case."""

from collections.abc import Iterator

from google.protobuf.message import Message
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from core.models import Case, CaseComment, CaseDocument, Role
from core.staff.auth import Actor
from core.workflow import engine
from tests.markdown_oracle import read

# what an attacker types into every field: each one, left unescaped, is markup Streamlit would draw
PAYLOADS = ("![x](https://evil.example/p.png)", "[click](https://evil.example)", "<img src=x>", "**bold**",
            ":red[x]", "$x$", "https://evil.example", ":material/home:", "ana@evil.example")
HOSTILE = " ".join(PAYLOADS)
SHORT = "[click](https://evil.example)"  # for the columns that hold a username (64 characters)
EVIL = "evil.example"

# elements whose text is never read as markdown (st.text, st.code, tables, charts, images)
_AS_TEXT = {"text", "code", "arrow_data_frame", "arrow_table", "json", "vega_lite_chart", "graphviz_chart",
            "imgs", "image", "pdf"}
# fields that hold a widget's value, an address or an id, not words to draw
_NOT_DRAWN = {"value", "default", "placeholder", "id", "form_id", "url", "page", "page_script_hash", "icon",
              "type", "key", "raw_value", "set_value", "data", "spec"}
# widgets whose options are drawn as plain text (st.selectbox, st.multiselect)
_PLAIN_OPTIONS = {"selectbox", "multiselect"}


def _strings(message: Message, kind: str, path: str = "") -> Iterator[tuple[str, str]]:
    for descriptor, value in message.ListFields():
        name = descriptor.name
        if name in _NOT_DRAWN or (name == "options" and kind in _PLAIN_OPTIONS):
            continue
        values = value if descriptor.is_repeated else [value]
        for item in values:
            if isinstance(item, Message):
                yield from _strings(item, kind, f"{path}{name}.")
            elif isinstance(item, str):
                yield f"{kind}.{path}{name}", item


def _nodes(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def drawn_markdown(at: AppTest) -> list[tuple[str, str]]:
    """(element.field, text) for every markdown-bearing string on the page, main area and sidebar."""
    found = []
    for node in _nodes(at._tree):
        proto, kind = getattr(node, "proto", None), getattr(node, "type", "")
        if isinstance(proto, Message) and kind not in _AS_TEXT:
            found += _strings(proto, kind)
    return found


def markup_from_user_text(at: AppTest) -> list[tuple[str, str, str]]:
    """(where, what, text) for each payload drawn as markup: a link or image to the attacker's host, or a
    payload left unescaped. Empty when every piece of user text is shown as typed."""
    problems = []
    for where, text in drawn_markdown(at):
        problems += [(where, "link", target) for target in read(text).targets if EVIL in target]
        problems += [(where, "unescaped", payload) for payload in PAYLOADS[:6] + PAYLOADS[7:8] if payload in text]
    return problems


def shows_hostile_text(at: AppTest) -> bool:
    """The page did draw the hostile values (escaped), so a clean scan means something."""
    return any("evil" in text for _, text in drawn_markdown(at))


def poison_case(session: Session, case_id: int) -> Case:
    """The case's own user-typed values as an attacker would type them: applicant, e-mail, address,
    dispute description, file names, review reasons, timeline reasons and actors, comments. Written to the
    rows directly (the caller commits): what counts is what the pages do with whatever is stored."""
    case = session.get(Case, case_id)
    case.applicant_name = HOSTILE
    case.data = {**case.data, "applicant_name": HOSTILE, "email": f"{HOSTILE}@evil.example",
                 "correspondence_address": f"{HOSTILE}, {HOSTILE}", "description": HOSTILE}
    for doc in session.exec(select(CaseDocument).where(CaseDocument.case_id == case_id)):
        doc.file_name, doc.uploaded_by = f"{HOSTILE}.pdf", SHORT
        doc.review_reason = HOSTILE if doc.review_reason else None
        session.add(doc)
    # audit rows are append-only (and chained): the hostile values arrive as any action's would, from an
    # account named like markup, with a reason typed with markup
    intruder = Actor(SHORT, Role.CLERK, SHORT)
    engine.record_event(session, case, intruder, "assign", reason=HOSTILE, assignee=SHORT)
    engine.record_event(session, case, intruder, "resend_upload_link", reason=HOSTILE)
    for comment in session.exec(select(CaseComment).where(CaseComment.case_id == case_id)):
        comment.body = HOSTILE
        session.add(comment)
    session.add(case)
    return case
