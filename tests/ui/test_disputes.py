"""Payment disputes on screen: the counter form, and the dispute's case page with its credit actions."""

from datetime import timedelta

from core.cases.queries import today
from core.services import cases
from core.services.disputes import open_dispute
from tests.factories import CLERK, SUPERVISOR, current_version, invoice_for, make_account
from tests.ui.conftest import message_under, numbers, texts

NEW = "pages/new_dispute.py"
CASE = "pages/case_detail.py"


def recent_invoice(uow, total_kwh: int = 200):
    """An invoice issued a few days ago, so it may still be disputed whatever today is."""
    return invoice_for(uow, make_account(uow), total_kwh=total_kwh, issue_date=today() - timedelta(days=5))


def fill(at, amount="50,00", category="wrong_reading", description="Indexul facturat este mai mare decât cel real."):
    at.selectbox(key="dispute_0_category").set_value(category)
    at.text_input(key="dispute_0_amount").input(amount)
    at.text_area(key="dispute_0_description").input(description)
    next(b for b in at.button if b.label == "Înregistrează contestația").click().run()
    assert not at.exception, at.exception
    return at


def disputed(uow, invoice, amount="600.00"):
    return open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice.id, form={
        "category": "double_billing", "amount": amount, "description": "Factura a fost emisă de două ori."})


def move(uow, case, trigger, actor=CLERK, **fields):
    return cases.fire_trigger(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                              trigger=trigger, actor=actor, **fields)


def test_a_clerk_opens_a_dispute_from_the_form_and_sees_its_registration_number(uow, open_app):
    invoice = recent_invoice(uow)
    at = open_app("clerk", NEW, invoice_id=invoice.id)
    assert f"Factura {invoice.invoice_number}" in texts(at)
    at = fill(at)
    assert "Contestația a fost înregistrată cu numărul CTS-" in texts(at, "success")
    next(b for b in at.button if b.label == "Deschide cazul").click().run()
    assert at.title[0].value.startswith("CTS-")
    assert "Index citit greșit" in texts(at) and "50,00 lei" in texts(at)


def test_an_amount_with_three_decimals_is_explained_under_the_amount(uow, open_app):
    invoice = recent_invoice(uow)
    at = fill(open_app("clerk", NEW, invoice_id=invoice.id), amount="12,345")
    assert message_under(at, "dispute_0_amount") == "Suma poate avea cel mult două zecimale (bani)."
    assert not at.success


def test_a_second_dispute_on_the_same_invoice_is_refused_at_the_top_of_the_form(uow, open_app):
    invoice = recent_invoice(uow)
    first = disputed(uow, invoice, amount="20")
    at = fill(open_app("clerk", NEW, invoice_id=invoice.id))
    assert f"Factura are deja o contestație deschisă: {first.registration_number}." in texts(at, "error")


def test_without_an_invoice_the_form_finds_one_by_its_invoice_id(uow, open_app):
    invoice = recent_invoice(uow)
    at = open_app("clerk", NEW)
    assert "Alegeți factura contestată" in texts(at)
    at.text_input(key="dispute_search_number").input("123")
    next(b for b in at.button if b.label == "Caută factura").click().run()
    assert "ID-ul facturii are 11 cifre." in texts(at, "error")
    at.text_input(key="dispute_search_number").input(invoice.invoice_number)
    next(b for b in at.button if b.label == "Caută factura").click().run()
    assert f"Factura {invoice.invoice_number}" in texts(at)


def test_a_dispute_under_review_offers_to_uphold_and_to_propose_a_credit(uow, open_app):
    case = disputed(uow, recent_invoice(uow, total_kwh=900))
    move(uow, case, "start_review")
    at = open_app("clerk", CASE, case_id=case.id)
    assert not at.button(key="case_action_uphold").disabled
    assert not at.button(key="case_action_propose_credit").disabled
    labels = [b.label for b in at.button]
    assert "Confirmă: Admite și emite nota de credit" in labels and "Confirmă: Propune un credit" in labels
    assert "Facturare dublă" in texts(at) and "600,00 lei" in texts(at)


def test_a_credit_amount_with_three_decimals_is_explained_under_the_amount(uow, open_app):
    case = disputed(uow, recent_invoice(uow, total_kwh=900))
    move(uow, case, "start_review")
    at = open_app("clerk", CASE, case_id=case.id)
    at.text_input(key="case_amount_uphold").input("12,345")
    at.text_area(key="case_reason_uphold").input("Index corectat")
    at.button(key="case_action_uphold").click().run()
    assert message_under(at, "case_amount_uphold") == "Suma poate avea cel mult două zecimale (bani)."


def test_a_clerk_upholds_a_small_credit_and_the_case_shows_its_credit_note(uow, open_app):
    case = disputed(uow, recent_invoice(uow, total_kwh=900))
    move(uow, case, "start_review")
    at = open_app("clerk", CASE, case_id=case.id)
    at.text_input(key="case_amount_uphold").input("125,50")
    at.text_area(key="case_reason_uphold").input("Index corectat după fotografie.")
    at.button(key="case_action_uphold").click().run()
    assert "Acțiune efectuată: Admite și emite nota de credit." in texts(at, "success")
    assert "Admisă" in texts(at) and "125,50 lei" in texts(at) and "Notă de credit" in texts(at)


def test_a_credit_above_the_threshold_upheld_directly_is_refused_with_the_reason(uow, open_app):
    case = disputed(uow, recent_invoice(uow, total_kwh=900))
    move(uow, case, "start_review")
    at = open_app("clerk", CASE, case_id=case.id)
    at.text_input(key="case_amount_uphold").input("550")
    at.text_area(key="case_reason_uphold").input("Dublă facturare")
    at.button(key="case_action_uphold").click().run()
    assert "Creditul depășește pragul de aprobare" in texts(at, "error")


def test_a_supervisor_who_proposed_a_credit_sees_the_approval_disabled_with_its_reason(uow, open_app):
    case = disputed(uow, recent_invoice(uow, total_kwh=900))
    move(uow, case, "start_review")
    move(uow, case, "propose_credit", actor=SUPERVISOR, amount="550", reason="Dublă facturare")
    at = open_app("supervisor", CASE, case_id=case.id)
    assert at.button(key="case_action_approve_credit").disabled
    assert "Ați propus acest credit; trebuie aprobat de alt supervizor." in texts(at, "caption")
    assert "Credit propus" in texts(at) and "propus de Elena Dumitru" in texts(at, "caption")


def test_the_queue_filters_disputes_and_offers_their_states(uow, open_app):
    case = disputed(uow, recent_invoice(uow), amount="20")
    at = open_app("clerk", "pages/queue.py")
    at.selectbox(key="queue_type").set_value("payment_dispute").run()
    assert numbers(at.dataframe[0].value) == [case.registration_number]
    states = at.selectbox(key="queue_state").options
    assert "În analiză" in states and "Depusă, așteaptă documente" not in states
