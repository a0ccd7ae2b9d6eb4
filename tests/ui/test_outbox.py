"""The admin's outbox: what was queued for customers, recipients masked, bodies readable."""

import pytest

from tests.factories import make_account, register_case
from tests.ui.conftest import shown, table, texts

OUTBOX = "pages/outbox.py"


def test_the_admin_sees_the_confirmation_email_with_a_masked_recipient(uow, open_app):
    case = register_case(uow, make_account(uow), documents=())
    at = open_app("admin", OUTBOX)
    rows = table(at)
    assert list(rows["recipient"]) == ["m***@example.com"]
    assert case.registration_number in rows["subject"][0]
    assert rows["status"][0] == "În coadă"
    assert [m.value for m in at.metric] == ["1", "0", "0"]


def test_the_admin_lands_on_the_outbox_and_is_told_messages_wait_for_the_worker(uow, open_app):
    at = open_app("admin")
    assert at.title[0].value == "Mesaje trimise"
    assert "python -m core.worker" in texts(at, "info")
    assert "Niciun mesaj" in texts(at)


def test_filtering_by_sent_hides_the_queued_message(uow, open_app):
    register_case(uow, make_account(uow), documents=())
    at = open_app("admin", OUTBOX)
    at.segmented_control(key="outbox_status").set_value("sent").run()
    assert not at.dataframe and "Niciun mesaj" in texts(at)


def test_the_message_body_is_readable_in_an_expander(uow, open_app):
    case = register_case(uow, make_account(uow), documents=())
    at = open_app("admin", OUTBOX)
    assert case.registration_number in shown(at.expander[0].label)
    assert "Actul de identitate al noului titular" in texts(at, "text")


@pytest.mark.parametrize("username", ["clerk", "analyst"])
def test_only_the_admin_has_the_outbox(open_app, username):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app(username).switch_page(OUTBOX)
