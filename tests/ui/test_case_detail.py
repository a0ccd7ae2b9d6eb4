"""The case page: reviewing documents, workflow actions with their reasons, history, masking."""

from datetime import date

from core.services import cases
from seed_data.sample_documents import sample_pdf
from tests.factories import (
    SUPERVISOR,
    current_version,
    fire,
    invoice_for,
    make_account,
    register_case,
    review_all,
)
from tests.ui.conftest import texts

CASE = "pages/case_detail.py"


def approve_buttons(at):
    return [b for b in at.button if b.label == "Aprobă"]


def test_a_clerk_approves_every_document_verifies_and_sees_documents_verified(uow, open_app):
    case = register_case(uow, make_account(uow))
    at = open_app("clerk", CASE, case_id=case.id)
    assert at.title[0].value == case.registration_number
    assert len(approve_buttons(at)) == 5
    while approve_buttons(at):  # one document at a time, each against the version just shown
        approve_buttons(at)[0].click().run()
        assert not at.error, [e.value for e in at.error]
    assert "Verifică documentele" in [b.label for b in at.button if not b.disabled]
    at.button(key="case_action_verify_documents").click().run()
    assert "Acțiune efectuată: Verifică documentele." in texts(at, "success")
    assert "Documente verificate" in texts(at)  # the state badge
    assert "**Documente verificate**" in texts(at)  # the timeline: from -> to


def test_the_supervisor_who_verified_sees_issue_contract_disabled_with_the_four_eyes_reason(uow, open_app):
    case = register_case(uow, make_account(uow))
    review_all(uow, case.id)
    fire(uow, case.id, "verify_documents", SUPERVISOR)
    at = open_app("supervisor", CASE, case_id=case.id)
    assert at.button(key="case_action_issue_contract").disabled
    assert "contractul trebuie emis de alt supervizor" in texts(at, "caption")


def test_another_supervisor_issues_the_contract(uow, open_app):
    case = register_case(uow, make_account(uow))
    review_all(uow, case.id)
    fire(uow, case.id, "verify_documents", SUPERVISOR)
    at = open_app("supervisor2", CASE, case_id=case.id)
    at.button(key="case_action_issue_contract").click().run()
    assert "Contract emis" in texts(at)
    assert "Cazul este închis" in texts(at, "info")


def test_rejecting_a_document_needs_a_reason_shown_under_the_reason_field(uow, open_app):
    case = register_case(uow, make_account(uow))
    at = open_app("clerk", CASE, case_id=case.id)
    document_id = min(int(b.key.rsplit("_", 1)[1]) for b in at.button if b.key and b.key.startswith("case_reject_"))
    at.button(key=f"case_reject_{document_id}").click().run()
    assert "Motivul este obligatoriu." in texts(at, "error")
    at.text_input(key=f"case_reject_reason_{document_id}").input("Copie neclară").run()
    at.button(key=f"case_reject_{document_id}").click().run()
    assert "respins" in texts(at, "success")
    assert "Motivul respingerii: Copie neclară" in texts(at, "warning")


def test_a_rejected_document_can_be_replaced_and_a_bad_file_is_refused_under_the_uploader(uow, open_app):
    case = register_case(uow, make_account(uow), documents=("right_of_use", "contract_request", "supply_offer",
                                                            "meter_reading"))
    at = open_app("clerk", CASE, case_id=case.id)
    uploader = at.file_uploader(key=f"case_upload_{case.id}_id_card")
    uploader.upload("buletin.pdf", b"this is not a pdf", "application/pdf").run()
    at.button(key="case_upload_go_id_card").click().run()
    assert "Se acceptă doar documente PDF, JPEG sau PNG." in texts(at, "error")
    at.file_uploader(key=f"case_upload_{case.id}_id_card").upload(
        "buletin.pdf", sample_pdf("id_card", ["Ionescu Maria"]), "application/pdf").run()
    at.button(key="case_upload_go_id_card").click().run()
    assert "încărcat" in texts(at, "success")
    assert "Documente primite" in texts(at)  # the last missing document moved the case on by itself


def test_an_action_on_a_case_changed_since_it_was_drawn_is_refused_with_the_stale_message(uow, open_app, staff):
    case = register_case(uow, make_account(uow))
    at = open_app("clerk", CASE, case_id=case.id)
    cases.claim_case(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                     actor=staff("clerk2"))  # a colleague takes the case while the page is on screen
    approve_buttons(at)[0].click().run()
    assert "Cazul a fost modificat între timp de altcineva" in texts(at, "error")
    assert "**Mihai Stan**" in texts(at)  # and the page now shows the case as it is, assignee included
    approve_buttons(at)[0].click().run()
    assert "aprobat" in texts(at, "success")


def test_a_reason_is_required_to_reject_the_request(uow, open_app):
    case = register_case(uow, make_account(uow), documents=())
    at = open_app("clerk", CASE, case_id=case.id)
    at.button(key="case_action_reject").click().run()
    assert "Motivul este obligatoriu." in texts(at, "error")
    at.text_area(key="case_reason_reject").input("Solicitantul a renunțat")
    at.button(key="case_action_reject").click().run()
    assert "Respinsă" in texts(at)
    assert "Solicitantul a renunțat" in texts(at)


def test_an_internal_comment_appears_in_the_history(uow, open_app):
    case = register_case(uow, make_account(uow), documents=())
    at = open_app("clerk", CASE, case_id=case.id)
    at.text_area(key="case_comment").input("Clientul revine mâine cu actul de spațiu.")
    next(b for b in at.button if b.label == "Adaugă comentariul").click().run()
    assert "Comentariul a fost adăugat." in texts(at, "success")
    assert "> Clientul revine mâine cu actul de spațiu." in texts(at)


def test_an_analyst_sees_the_cnp_masked_and_no_actions(uow, open_app):
    case = register_case(uow, make_account(uow))
    at = open_app("analyst", CASE, case_id=case.id)
    shown = texts(at)
    assert "2850505400014" not in shown and "2*********014" in shown
    assert "m***@example.com" in shown and "I. M." in shown
    assert not approve_buttons(at) and not [b for b in at.button if b.key and b.key.startswith("case_action_")]
    assert "doar pentru citire" in texts(at, "info")


def test_a_clerk_sees_the_applicants_cnp_in_full(uow, open_app):
    case = register_case(uow, make_account(uow))
    assert "2850505400014" in texts(open_app("clerk", CASE, case_id=case.id))


def test_a_link_with_the_case_number_opens_that_case(uow, open_app):
    case = register_case(uow, make_account(uow), documents=())
    at = open_app("clerk")
    at.query_params["case"] = str(case.id)
    at.switch_page(CASE).run()
    assert at.title[0].value == case.registration_number


def test_without_a_chosen_case_the_page_points_back_to_the_queue(open_app):
    at = open_app("clerk", CASE)
    assert "Niciun caz deschis" in texts(at)


def test_a_clerk_claims_an_unassigned_case_from_its_page(uow, open_app):
    case = register_case(uow, make_account(uow), documents=())
    at = open_app("clerk", CASE, case_id=case.id)
    at.button(key="case_claim").click().run()
    assert "Cazul este acum în lucru la dumneavoastră." in texts(at, "success")
    assert "**Ana Popa**" in texts(at) and not [b for b in at.button if b.key == "case_claim"]


def test_a_clerk_sends_the_upload_link_again_only_while_documents_are_awaited(uow, open_app):
    awaiting = register_case(uow, make_account(uow), documents=("id_card",))
    at = open_app("clerk", CASE, case_id=awaiting.id)
    at.button(key="case_resend_link").click().run()
    assert "Linkul nou a fost trimis pe e-mail." in texts(at, "success")
    complete = register_case(uow, make_account(uow, pod="RO005E512345679"), pod="RO005E512345679")
    at = open_app("clerk", CASE, case_id=complete.id)
    assert not [b for b in at.button if b.key == "case_resend_link"]


def test_a_supervisor_is_warned_before_issuing_that_a_handover_below_the_last_billed_index_is_a_credit(uow, open_app):
    contract = make_account(uow)
    invoice_for(uow, contract, total_kwh=1000, issue_date=date(2026, 10, 2))  # estimated up to 2000
    case = register_case(uow, contract, handover_index="1028")
    review_all(uow, case.id)
    fire(uow, case.id, "verify_documents", SUPERVISOR)
    at = open_app("supervisor2", CASE, case_id=case.id)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Ultimul index facturat"] == "2000" and metrics["Ultimul index citit"] == "1000"
    assert metrics["Consum facturat la predare"] == "-972 kWh"
    assert metrics["Factura finală estimată"] == "-870,33 lei"
    assert "Factura finală va fi un credit de 870,33 lei" in texts(at, "warning")
    assert not at.button(key="case_action_issue_contract").disabled  # allowed, with the warning
