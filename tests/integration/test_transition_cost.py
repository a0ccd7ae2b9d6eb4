"""What one transition costs the database (issue 12: transitions ≥ 500/s with audit and outbox): the case row is
written once, so its version moves by one per action; the documents are read only where the message shows
them, and once for all the actions a case page lists."""

import re
from collections import Counter
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import select

from core.models import Case, OutboxMessage
from core.platform.i18n import t
from core.workflow import engine
from tests.factories import CLERK, current_version, fire, make_account, register_case, reload

WRITES = re.compile(r"\b(INSERT)\s+INTO\s+\"?(\w+)|\b(UPDATE)\s+\"?(\w+)\s+SET", re.IGNORECASE)


def _writes(statement: str) -> list[tuple[str, str]]:
    """(verb, table) of every write in a statement, a data-modifying WITH clause's too."""
    return [(m[0] or m[2], m[1] or m[3]) for m in WRITES.findall(statement)]


@contextmanager
def statements(uow, order: list | None = None):
    """Counts the statements the block sends, by (verb, table); the writes a statement holds count one each
    (and go to `order`, in the order sent)."""
    seen: Counter[tuple[str, str]] = Counter()

    def note(_conn, _cursor, statement, *_):
        verb = statement.split(None, 1)[0].upper()
        writes = _writes(statement)
        if order is not None:
            order.append(writes)
        if writes:
            seen.update((v.upper(), table) for v, table in writes)
            return
        table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", statement, re.IGNORECASE)
        seen[verb, table.group(1) if table else ""] += 1

    bind = uow().engine
    event.listen(bind, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(bind, "before_cursor_execute", note)


def test_a_transition_writes_the_case_once_and_moves_its_version_by_one(uow):
    case = register_case(uow, make_account(uow))  # every document sent: documents_received
    before = current_version(uow, case.id)
    with statements(uow) as seen:
        fire(uow, case.id, "reject", CLERK, reason="Cerere dublă")
    assert reload(uow, case.id).state == "rejected"
    assert current_version(uow, case.id) == before + 1  # a page showing the old version is refused once
    assert seen["UPDATE", "service_case"] == 1
    assert seen["INSERT", "auditevent"] == 1 and seen["INSERT", "outboxmessage"] == 1


def test_the_audit_head_is_taken_last_and_held_for_two_statements(uow):
    """Every writer of the audit chain waits for its head: a transition writes its case and its message first,
    then takes the head, appends its event and moves the head's hash, so the head is held the least time."""
    case = register_case(uow, make_account(uow))
    order: list = []
    with statements(uow, order):
        fire(uow, case.id, "reject", CLERK, reason="Cerere dublă")
    writes = [w for w in order if w]
    taken = writes.index([("UPDATE", "audithead")])
    assert {w for ws in writes[:taken] for w in ws} == {("UPDATE", "service_case"), ("INSERT", "outboxmessage")}
    after = [sorted(w) for w in writes[taken + 1:]]
    expected = [[("INSERT", "auditevent"), ("UPDATE", "audithead")]]  # one statement where WITH may write
    assert after == (expected if uow().engine.dialect.name == "postgresql" else [[w] for w in expected[0]])


def test_a_message_that_does_not_list_documents_does_not_read_them(uow):
    case = register_case(uow, make_account(uow), documents=("id_card",))  # submitted, four documents awaited
    with statements(uow) as seen:
        fire(uow, case.id, "reject", CLERK, reason="Cerere dublă")
    assert seen["SELECT", "casedocument"] == 0
    with uow() as u:
        body = u.session.exec(select(OutboxMessage.body).where(
            OutboxMessage.case_id == case.id, OutboxMessage.template == "holder_change.rejected")).one()
    assert "Cerere dublă" in body


def test_a_message_that_lists_documents_still_names_the_ones_awaited_and_only_those(uow):
    case = register_case(uow, make_account(uow), documents=("id_card",))
    with uow() as u:
        body = u.session.exec(select(OutboxMessage.body).where(
            OutboxMessage.case_id == case.id, OutboxMessage.template == "holder_change.registered")).one()
    assert t("document.right_of_use") in body and t("document.id_card") not in body


def test_the_actions_of_a_case_page_read_its_documents_once(uow):
    case = register_case(uow, make_account(uow))  # documents_received: verify, request changes, reject, cancel
    with uow() as u, statements(uow) as seen:
        options = engine.available_actions(u.session, u.session.get(Case, case.id), CLERK)
    assert {o.trigger for o in options} >= {"verify_documents", "request_changes", "reject", "cancel"}
    assert seen["SELECT", "casedocument"] == 1
