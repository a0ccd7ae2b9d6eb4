"""The case page names people as the queue does (full names, "client") and speaks in whole sentences."""

from core.services import cases
from core.staff.auth import customer_actor
from tests.factories import current_version, make_account, register_case
from tests.ui.conftest import texts

CASE = "pages/case_detail.py"


def test_the_case_page_shows_the_assignees_full_name_and_client_for_an_online_upload(uow, open_app, staff):
    case = register_case(uow, make_account(uow), actor=customer_actor())
    cases.claim_case(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                     actor=staff("clerk"))
    at = open_app("clerk", CASE, case_id=case.id)
    shown = texts(at)
    assert "**Ana Popa**" in shown  # Responsabil
    assert "Încărcat de client" in shown
    assert "**clerk**" not in shown and "customer" not in shown
    history = " ".join(e.label for e in at.expander)
    assert "· Ana Popa (Operator) ·" in history and "· client (Client) ·" in history  # the timeline


def test_approving_a_document_says_so_in_a_sentence_that_agrees_with_the_documents_gender(uow, open_app):
    case = register_case(uow, make_account(uow))
    at = open_app("clerk", CASE, case_id=case.id)
    said = []
    while approve := [b for b in at.button if b.label == "Aprobă"]:
        approve[0].click().run()
        said.append(texts(at, "success"))
    assert "Actul de identitate a fost aprobat." in said and "Cererea de contract a fost aprobată." in said
    assert "Verificat de Ana Popa" in texts(at)
