"""The refund desk on screen: a refund's case page shows the IBAN to the clerk and masked to the analyst;
the supervisor exports the approved refunds into a payment order and confirms the bank's payment."""

from core.models import Payment
from core.staff.auth import customer_actor
from tests.factories import CLERK, count
from tests.refund_factories import ask, handed_over_with_credit, move
from tests.ui.conftest import texts

CASE = "pages/case_detail.py"
DESK = "pages/refunds.py"


def requested(uow):
    return ask(uow, handed_over_with_credit(uow), customer_actor())


def test_the_case_page_shows_the_iban_to_the_clerk_and_masked_to_the_analyst(uow, open_app):
    case = requested(uow)
    clerk = open_app("clerk", CASE, case_id=case.id)
    assert not clerk.exception, clerk.exception
    assert "RO49AAAA1B31007593840000" in texts(clerk) and "89,54 lei" in texts(clerk)
    assert "Confirmă: Propune restituirea" in [b.label for b in clerk.button]  # the amount's form in its popover
    analyst = open_app("analyst", CASE, case_id=case.id)
    assert not analyst.exception, analyst.exception
    assert "RO49 **** **** **** **** 0000" in texts(analyst)
    assert "RO49AAAA1B31007593840000" not in texts(analyst)


def test_the_supervisor_exports_the_payment_order_then_confirms_the_payment(uow, open_app):
    case = move(uow, requested(uow), "grant_refund", CLERK, amount="89.54")
    at = open_app("supervisor", DESK)
    assert not at.exception, at.exception
    next(b for b in at.button if b.label == "Generează ordinul de plată (1)").click().run()
    assert not at.exception, at.exception
    assert "a fost generat: 1 restituire, total 89,54 lei" in texts(at, "success")
    assert [b.label for b in at.get("download_button")] == ["Descarcă XML (pain.001)", "Descarcă CSV"]
    next(b for b in at.button if b.label == "Confirmă plata").click().run()
    assert not at.exception, at.exception
    assert f"Restituirea {case.registration_number} a fost înregistrată ca plătită." in texts(at, "success")
    assert count(uow, Payment, Payment.channel == "refund") == 1


def test_a_clerk_sees_the_desk_but_neither_exports_nor_confirms(uow, open_app):
    move(uow, requested(uow), "grant_refund", CLERK, amount="89.54")
    at = open_app("clerk", DESK)
    assert not at.exception, at.exception
    assert not any(b.label.startswith("Generează ordinul") for b in at.button)
    assert "supervizor" in texts(at, "info")
