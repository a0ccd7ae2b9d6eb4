"""Payment disputes: opened by a clerk against one invoice, reviewed, paused while the customer answers,
upheld with a credit note (four-eyes above the threshold) or rejected."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from core.accounts import allocation
from core.accounts.money import format_lei
from core.cases.queries import case_view
from core.models import Case, Contract, CreditNote, OutboxMessage, clock_at
from core.platform.config import settings
from core.platform.errors import PermissionDenied, TransitionRefused, ValidationFailed
from core.services import cases
from core.services.disputes import open_dispute
from core.services.payments import register_payment
from tests.factories import (
    ANALYST,
    CLERK,
    SUPERVISOR,
    SUPERVISOR2,
    current_version,
    invoice_for,
    make_account,
    refused,
    reload,
)

NOV_20 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def dispute(uow, invoice, amount="50.00", category="wrong_reading", actor=CLERK, **extra):
    form = {"category": category, "amount": amount, "description": "Indexul facturat este mai mare decât cel real.",
            **extra}
    with clock_at(NOV_20):
        return open_dispute(uow=uow(), actor=actor, invoice_id=invoice.id, form=form)


def errors(uow, invoice, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failed:
        dispute(uow, invoice, **kwargs)
    return failed.value.messages("ro")


def move(uow, case, trigger, actor=CLERK, **fields):
    with clock_at(NOV_20):
        return cases.fire_trigger(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                                  trigger=trigger, actor=actor, **fields)


def test_opening_a_dispute_registers_it_with_a_15_working_day_deadline_and_tells_the_customer(uow):
    # Friday 20 Nov 2026: 15 working days, skipping 30 Nov and 1 Dec, end on 15 Dec
    invoice = invoice_for(uow, make_account(uow))
    case = dispute(uow, invoice)
    assert case.registration_number.startswith("CTS-2026-") and case.state == "opened"
    assert case.disputed_amount == Decimal("50.00") and case.due_date == date(2026, 12, 15)
    with uow() as u:
        mail = u.session.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).one()
    assert invoice.invoice_number in mail.body and "pentru suma de 50,00 lei," in mail.body


@pytest.mark.parametrize(("amount", "message"), [
    ("12.345", "Suma poate avea cel mult două zecimale (bani)."),
    ("-5", "Suma trebuie să fie mai mare decât zero."),
    ("0", "Suma trebuie să fie mai mare decât zero."),
    ("doi lei", "Suma se scrie în lei, cu cel mult două zecimale (ex. 125,50)."),
])
def test_a_malformed_amount_is_refused_next_to_the_field(uow, amount, message):
    invoice = invoice_for(uow, make_account(uow))
    assert errors(uow, invoice, amount=amount) == {"amount": message}


def test_a_dispute_above_what_is_left_to_pay_is_refused(uow):
    invoice = invoice_for(uow, make_account(uow))
    assert errors(uow, invoice, amount=str(invoice.total + 1)) == {
        "amount": f"Suma contestată nu poate depăși suma rămasă de plată pe factură ({invoice.total:.2f} lei)."}


def test_a_paid_and_closed_invoice_cannot_be_disputed(uow):
    contract = make_account(uow)
    invoice = invoice_for(uow, contract)
    register_payment(uow=uow(), actor=CLERK, contract_id=contract.id, amount=str(invoice.total))
    assert errors(uow, invoice) == {"invoice": "Factura este achitată integral și închisă; nu mai poate fi contestată."}


def test_a_second_open_dispute_on_the_same_invoice_is_refused(uow):
    invoice = invoice_for(uow, make_account(uow))
    first = dispute(uow, invoice)
    assert errors(uow, invoice) == {"invoice": f"Factura are deja o contestație deschisă: {first.registration_number}."}


def test_a_dispute_filed_more_than_30_days_after_issue_is_refused_with_that_reason(uow):
    invoice = invoice_for(uow, make_account(uow), issue_date=date(2026, 10, 15))
    assert errors(uow, invoice) == {"invoice": "Factura a fost emisă pe 15.10.2026; o contestație se poate depune "
                                               "în cel mult 30 de zile de la emitere."}


@pytest.mark.parametrize(("local_time", "accepted"), [
    (datetime(2026, 11, 20, 0, 5), True),  # day 30 after the 21 October issue, from its first minutes
    (datetime(2026, 11, 20, 23, 55), True),  # to its last, in Bucharest time (21:55 UTC)
    (datetime(2026, 11, 21, 0, 5), False),  # day 31 already, though it is still 20 November in UTC
])
def test_a_dispute_is_accepted_on_the_30th_day_after_the_issue_and_refused_on_the_31st(uow, local_time, accepted):
    invoice = invoice_for(uow, make_account(uow), issue_date=date(2026, 10, 21))
    form = {"category": "wrong_reading", "amount": "50.00", "description": "Index greșit."}
    with clock_at(local_time.replace(tzinfo=ZoneInfo("Europe/Bucharest"))):
        if accepted:
            assert open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice.id, form=form).state == "opened"
        else:
            with pytest.raises(ValidationFailed) as failed:
                open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice.id, form=form)
            assert failed.value.messages("ro") == {"invoice": "Factura a fost emisă pe 21.10.2026; o contestație se "
                                                              "poate depune în cel mult 30 de zile de la emitere."}


def test_nothing_is_written_when_a_dispute_is_refused(uow):
    invoice = invoice_for(uow, make_account(uow))
    errors(uow, invoice, amount="0")
    with uow() as u:
        assert u.session.exec(select(func.count()).select_from(Case)).one() == 0


def test_an_analyst_cannot_open_a_dispute(uow):
    invoice = invoice_for(uow, make_account(uow))
    with pytest.raises(PermissionDenied):
        dispute(uow, invoice, actor=ANALYST)


def test_asking_the_customer_pauses_the_deadline_and_the_answer_moves_it_on(uow):
    invoice = invoice_for(uow, make_account(uow))
    case = dispute(uow, invoice)
    move(uow, case, "start_review")
    paused = move(uow, case, "request_information", reason="Trimiteți o fotografie a contorului.")
    assert (paused.state, paused.sla_status) == ("awaiting_customer", "paused")
    with clock_at(datetime(2026, 11, 24, 9, 0, tzinfo=UTC)):  # paused Fri-Tue: the deadline moves 2 working days
        resumed = cases.fire_trigger(uow=uow(), case_id=case.id, expected_version=current_version(uow, case.id),
                                     trigger="customer_replied", actor=CLERK, reason="Fotografia arată 1180 kWh.")
    assert (resumed.state, resumed.sla_status, resumed.due_date) == ("under_review", "running", date(2026, 12, 17))


def test_upholding_issues_a_credit_note_that_lowers_the_balance(uow):
    contract = make_account(uow)
    invoice = invoice_for(uow, contract)
    case = dispute(uow, invoice, amount="40.00")
    move(uow, case, "start_review")
    upheld = move(uow, case, "uphold", amount="30,00", reason="Index corectat după fotografie.")
    assert (upheld.state, upheld.credit_amount) == ("resolved_upheld", Decimal("30.00")) and upheld.closed_at
    with uow() as u:
        note = u.session.exec(select(CreditNote).where(CreditNote.case_id == case.id)).one()
        balance = allocation.balance(u.session, contract.id)
        mail = u.session.exec(select(OutboxMessage).where(OutboxMessage.template == "payment_dispute.upheld")).one()
    assert note.amount == Decimal("30.00") and note.invoice_id == invoice.id
    assert balance == invoice.total - Decimal("30.00")
    assert note.number in mail.body and "în valoare de 30,00 lei," in mail.body


def test_amounts_in_dispute_e_mails_are_written_as_on_every_screen(uow, monkeypatch):
    # "1.234,50 lei" (core.accounts.money.format_lei), in both languages, never "1234.50 lei"
    monkeypatch.setattr(settings, "dispute_credit_approval_threshold", Decimal("5000"))
    invoice = invoice_for(uow, make_account(uow), total_kwh=3000)
    with clock_at(NOV_20):
        case = open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice.id, language="en", form={
            "category": "wrong_reading", "amount": "1234.5", "description": "Indexul real este mai mic."})
    move(uow, case, "start_review")
    move(uow, case, "uphold", amount="1000", reason="Index corectat după fotografie.")
    with uow() as u:
        bodies = {m.template: m.body for m in u.session.exec(select(OutboxMessage).where(
            OutboxMessage.case_id == case.id))}
    assert format_lei(Decimal("1234.50")) == "1.234,50 lei"
    assert f"invoice {invoice.invoice_number}, for 1.234,50 lei, as" in bodies["payment_dispute.opened"]
    assert "for 1.000,00 lei; it shows" in bodies["payment_dispute.upheld"]


def test_a_credit_larger_than_the_disputed_amount_is_refused(uow):
    case = dispute(uow, invoice_for(uow, make_account(uow)), amount="40.00")
    move(uow, case, "start_review")
    with refused(TransitionRefused, "guard.credit_above_dispute"):
        move(uow, case, "uphold", amount="40.01", reason="x")


def test_a_credit_above_the_threshold_needs_another_supervisors_approval(uow):
    invoice = invoice_for(uow, make_account(uow), total_kwh=900)
    case = dispute(uow, invoice, amount="600.00")
    move(uow, case, "start_review")
    with refused(TransitionRefused, "guard.credit_needs_approval"):
        move(uow, case, "uphold", amount="550", reason="Dublă facturare")
    proposed = move(uow, case, "propose_credit", actor=SUPERVISOR, amount="550", reason="Dublă facturare")
    assert (proposed.state, proposed.credit_proposed_by) == ("credit_proposed", "supervisor")
    with refused(TransitionRefused, "guard.own_proposal"):
        move(uow, case, "approve_credit", actor=SUPERVISOR)
    with pytest.raises(PermissionDenied):
        move(uow, case, "approve_credit", actor=CLERK)
    approved = move(uow, case, "approve_credit", actor=SUPERVISOR2)
    assert approved.state == "resolved_upheld"
    with uow() as u:
        assert u.session.exec(select(CreditNote.amount).where(CreditNote.case_id == case.id)).one() == Decimal("550.00")


def test_rejecting_needs_a_reason_and_issues_no_credit(uow):
    case = dispute(uow, invoice_for(uow, make_account(uow)))
    with refused(TransitionRefused, "engine.requires_reason"):
        move(uow, case, "reject", reason="")
    rejected = move(uow, case, "reject", reason="Indexul facturat corespunde citirii.")
    assert rejected.state == "resolved_rejected" and rejected.closed_at
    with uow() as u:
        assert u.session.exec(select(func.count()).select_from(CreditNote)).one() == 0


def test_a_new_dispute_may_be_opened_once_the_previous_one_is_resolved(uow):
    invoice = invoice_for(uow, make_account(uow))
    first = dispute(uow, invoice)
    move(uow, first, "reject", reason="Neîntemeiată")
    assert dispute(uow, invoice).registration_number != first.registration_number
    assert reload(uow, first.id).state == "resolved_rejected"


def test_the_dispute_belongs_to_the_invoices_contract(uow):
    contract = make_account(uow)
    case = dispute(uow, invoice_for(uow, contract))
    with uow() as u:
        assert u.session.get(Contract, case.old_contract_id).payment_code == case.payment_code


def test_the_case_page_offers_upholding_and_proposing_before_an_amount_is_typed(uow):
    case = dispute(uow, invoice_for(uow, make_account(uow)))
    move(uow, case, "start_review")
    offered = {a.trigger: a.allowed for a in case_view(uow=uow(), case_id=case.id, actor=CLERK).actions}
    assert offered == {"request_information": True, "uphold": True, "propose_credit": True, "reject": True}
