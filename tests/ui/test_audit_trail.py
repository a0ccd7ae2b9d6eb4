"""The admin's audit page: whether the chain held, a verification on demand, the head to anchor."""

import pytest
from sqlalchemy import text

from core.platform import audit
from tests.factories import make_account, register_case
from tests.ui.conftest import texts

PAGE = "pages/audit_trail.py"


def test_the_admin_verifies_the_chain_on_demand_and_reads_its_head(uow, open_app):
    register_case(uow, make_account(uow))
    at = open_app("admin", PAGE)
    assert "nu a fost încă verificat" in texts(at, "info")
    at.button(key="audit_verify").click().run()
    with uow() as u:
        head = audit.head(u.session.connection())
    assert "Lanțul este intact" in texts(at, "success") and f"{head['seq']} rânduri" in texts(at, "success")
    assert at.code[0].value == head["hash"]


def test_a_broken_chain_is_shown_in_red_with_the_position(uow, open_app):
    register_case(uow, make_account(uow))
    with uow() as u:
        connection = u.session.connection()
        audit.remove_guards(connection)
        connection.execute(text("UPDATE auditevent SET reason = 'rescris' WHERE seq = 2"))
        audit.install_guards(connection)
        u.commit()
    at = open_app("admin", PAGE)
    at.button(key="audit_verify").click().run()
    assert "RUPT la poziția 2" in texts(at, "error") and "un rând a fost modificat" in texts(at, "error")


def test_the_audit_page_is_not_registered_for_an_analyst(uow, open_app):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app("analyst", PAGE)
