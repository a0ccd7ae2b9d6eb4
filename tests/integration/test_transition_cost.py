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


@contextmanager
def statements(uow):
    """Counts the statements the block sends, by (verb, table)."""
    seen: Counter[tuple[str, str]] = Counter()

    def note(_conn, _cursor, statement, *_):
        verb = statement.split(None, 1)[0].upper()
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
