"""Small display pieces every page shares: state badges, deadlines, local times, field errors, the
one way to call a service and show its refusal, and messages that survive a rerun."""

import re
import string
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TypeVar

import streamlit as st

from core.cases.queries import today
from core.platform.errors import DomainError, ValidationFailed
from core.platform.i18n import t, t_plural
from core.platform.workdays import local_time, working_days_late

T = TypeVar("T")

_STATE_COLORS = {
    "submitted": "orange", "documents_received": "blue", "documents_verified": "violet",
    "contract_issued": "green", "rejected": "red", "cancelled": "gray",
    "opened": "orange", "under_review": "blue", "awaiting_customer": "gray", "credit_proposed": "violet",
    "resolved_upheld": "green", "resolved_rejected": "red",
}
_DOC_STATUS = {  # status -> (badge color, material icon)
    "pending": ("orange", ":material/hourglass_top:"), "approved": ("green", ":material/check_circle:"),
    "rejected": ("red", ":material/cancel:"), "missing": ("gray", ":material/help:"),
}
_FLASH = "flash"
# every ASCII punctuation character may be backslash-escaped in CommonMark, and escaping all of them also
# stops what Streamlit parses on top: :red[..] directives, :material/..: icons, $..$ maths
_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")
# characters that would reorder or hide what is around them (bidi overrides and isolates, C0/C1 controls
# other than line breaks and tabs), and lone surrogates, which cannot even be sent to the browser
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Streamlit links bare addresses after parsing, in the text itself (escapes are gone by then): an invisible
# word joiner where its patterns need "://", "www." or "@" followed by a name stops them
_AUTOLINK_START = re.compile(r"(\\:\\/\\/|(?i:www)(?=\\\.)|\\@)")
WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """Text someone typed (a name, an address, a reason, a file name), for an element that parses markdown
    (markdown, captions, alerts, labels, help, badges, options of radios and pills), shown as typed: no
    link, image, emphasis, colour, icon or formula of its own, line breaks kept, nothing hidden or
    reordered. Every stored value a user wrote goes through it before such an element shows it."""
    if text is None:
        return ""
    text = _UNSHOWABLE.sub("\ufffd", str(text).replace("\r\n", "\n").replace("\r", "\n")).strip()
    escaped = _AUTOLINK_START.sub(lambda m: m.group() + WORD_JOINER, _MARKDOWN_SPECIAL.sub(r"\\\1", text))
    return escaped.replace("\n", "\\\n")  # a backslash ends a line with a break, inside the same paragraph


def state_badge(state: str) -> None:
    st.badge(t(f"state.{state}"), color=_STATE_COLORS.get(state, "gray"))


def doc_status_markdown(status: str) -> str:
    """The same badge as markdown text, to put several in one block."""
    color, icon = _DOC_STATUS.get(status, ("gray", ""))
    return f":{color}-badge[{icon} {t(f'docstatus.{status}')}]"


def doc_status_icon(status: str) -> str:
    color, icon = _DOC_STATUS.get(status, ("gray", ""))
    return f":{color}[{icon}]"


def local(moment: datetime | None, with_time: bool = True) -> str:
    """Europe/Bucharest wall-clock text (stored timestamps are aware UTC on both databases)."""
    if moment is None:
        return ""
    return local_time(moment).strftime("%d.%m.%Y %H:%M" if with_time else "%d.%m.%Y")


def deadline_text(due: date | None, overdue: bool, sla_status: str = "running") -> str:
    """"12.05.2026 · în 3 zile lucrătoare", or "· depășit" once it has passed."""
    if due is None:
        return t("ui.deadline.none")
    when = due.strftime("%d.%m.%Y")
    if sla_status == "stopped":
        return when
    if overdue:  # passed over a weekend or a public holiday: late, but not yet by a working day
        late = working_days_late(due, today())
        return f"{when} · {t('ui.deadline.overdue', days=working_days(late)) if late else t('ui.deadline.passed')}"
    if sla_status == "paused":
        return f"{when} · {t('ui.deadline.paused')}"
    left = working_days_late(today(), due)  # working days from today up to the due date
    if left <= 1:
        return f"{when} · {t('ui.deadline.today' if left == 0 else 'ui.deadline.left_one')}"
    return f"{when} · {t('ui.deadline.left', days=working_days(left))}"


def working_days(count: int) -> str:
    """"o zi", "5 zile", "24 de zile" lucrătoare (core.platform.i18n.t_plural)."""
    return t_plural("ui.deadline.days", count)


def show_field_errors(errors: Mapping[str, str], field: str, where=st) -> None:
    """The message for one field, right under it (nothing when the field is fine)."""
    if field in errors:
        where.error(errors[field], icon=":material/error:")


def attempt(action: Callable[[], T], where=st, field_errors: dict | None = None) -> T | None:
    """Runs one service call; a refusal is shown as a readable message, never a traceback.
    Given `field_errors`, a ValidationFailed fills it (field -> message) instead, for messages shown under
    their fields by the caller."""
    try:
        return action()
    except ValidationFailed as err:
        if field_errors is None:
            for message in err.messages().values():
                where.error(message, icon=":material/error:")
        else:
            field_errors.update(err.messages())
    except DomainError as err:
        where.error(str(err), icon=":material/error:")
    return None


def flash(message: str, kind: str = "success") -> None:
    """A message shown once on the next run, for actions followed by st.rerun (which re-reads data)."""
    st.session_state.setdefault(_FLASH, []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop(_FLASH, []):
        if kind == "error":
            st.error(message, icon=":material/error:")
        else:
            st.success(message, icon=":material/check_circle:")


def empty_state(title: str, hint: str, icon: str = ":material/inbox:") -> None:
    with st.container(border=True):
        st.markdown(f"#### {icon} {title}")
        st.caption(hint)
