"""Refunds of credit left on a closed contract: the old holder told of the final invoice, the request with a
Romanian IBAN, the proposal never above the credit, four-eyes above the threshold, one payment order file
per refund, and the bank's confirmation recorded once as a negative payment that brings the balance to zero."""

from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources

import pytest
from lxml import etree
from sqlmodel import select

from core.accounts.ledger import EntryKind, account_ledger
from core.accounts.payment_order import NAMESPACE
from core.accounts.refunds import record_refund, refundable
from core.models import AuditEvent, Case, Contract, OutboxMessage, Payment, Refund, RefundExport, clock_at
from core.platform.config import settings
from core.platform.errors import DomainError, PermissionDenied, StaleCase, TransitionRefused, ValidationFailed
from core.services import cases
from core.services.payments import reverse_payment
from core.services.refunds import export_payment_order, payment_order_file, refund_desk, refund_line
from core.staff.auth import customer_actor
from tests.concurrency import at_once
from tests.factories import (
    ANALYST,
    CLERK,
    CLERK2,
    SUPERVISOR,
    SUPERVISOR2,
    count,
    current_version,
    fire,
    make_account,
    refused,
    register_case,
    reload,
    review_all,
)
from tests.refund_factories import (
    CREDIT,
    GOOD_IBAN,
    ask,
    balance,
    final_invoice,
    handed_over_with_credit,
    move,
)

CUSTOMER = customer_actor()
NS = {"p": NAMESPACE}


def approved(uow, contract=None, amount=str(CREDIT)) -> Case:
    case = ask(uow, contract or handed_over_with_credit(uow), CUSTOMER)
    return move(uow, case, "grant_refund", CLERK, amount=amount)


def exported(uow) -> Case:
    case = approved(uow)
    export_payment_order(uow=uow(), actor=SUPERVISOR)
    return reload(uow, case.id)


def refund_payments(uow) -> list[Payment]:
    with uow() as u:
        return list(u.session.exec(select(Payment).where(Payment.channel == "refund")))


def field_errors(uow, contract, **form) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failed:
        ask(uow, contract, CUSTOMER, **form)
    return failed.value.messages("ro")


# the old holder's e-mail after a handover

def test_the_old_holder_is_emailed_the_negative_final_invoice_and_how_to_ask_for_the_credit_online(uow):
    contract = handed_over_with_credit(uow)
    final = final_invoice(uow, contract)
    assert final.total == -CREDIT
    with uow() as u:
        mail = u.session.exec(select(OutboxMessage).where(OutboxMessage.recipient == "ion.popescu@example.com")).one()
    assert mail.template == "refund.final_invoice_credit"
    assert final.invoice_number in mail.body and "-89,54 lei" in mail.body and "credit de 89,54 lei" in mail.body
    assert "http://localhost:8501/invoice_copy" in mail.body and contract.payment_code in mail.body


def test_a_final_invoice_that_leaves_a_debt_tells_the_old_holder_to_pay_by_the_due_date(uow):
    contract = make_account(uow)
    case = register_case(uow, contract, handover_index="1500")  # 500 kWh, nothing paid
    review_all(uow, case.id)
    fire(uow, case.id, "verify_documents", SUPERVISOR)
    fire(uow, case.id, "issue_contract", SUPERVISOR2)
    final = final_invoice(uow, contract)
    with uow() as u:
        mail = u.session.exec(select(OutboxMessage).where(OutboxMessage.recipient == "ion.popescu@example.com")).one()
    assert mail.template == "refund.final_invoice_debt"
    assert f"Mai aveți de plată {final.total:.2f} lei".replace(".", ",") in mail.body
    assert final.due_date.strftime("%d.%m.%Y") in mail.body and "invoice_copy" not in mail.body


# what may be refunded

def test_only_a_closed_contracts_credit_is_refundable(uow):
    active = make_account(uow, pod="RO005E500000001", national_id="1800101221144")
    closed = handed_over_with_credit(uow)
    with uow() as u:
        assert refundable(u.session, active.id) == Decimal("0.00")
        assert refundable(u.session, closed.id) == CREDIT
    with refused(DomainError, "refund.nothing_to_refund"):
        ask(uow, active, CUSTOMER)
    assert count(uow, Case, Case.case_type == "refund") == 0


# the request

def test_a_refund_request_keeps_the_iban_normalised_starts_the_deadline_and_acknowledges_with_it_masked(uow):
    contract = handed_over_with_credit(uow)
    case = ask(uow, contract, CUSTOMER, iban="ro49 aaaa 1b31 0075 9384 0000")
    assert case.registration_number.startswith("RST-") and case.state == "requested" and case.channel == "online"
    assert case.due_date is not None and case.sla_status == "running"
    with uow() as u:
        refund = u.session.exec(select(Refund).where(Refund.case_id == case.id)).one()
        mail = u.session.exec(select(OutboxMessage).where(OutboxMessage.template == "refund.requested")).one()
    assert (refund.iban, refund.holder_name) == ("RO49AAAA1B31007593840000", "Popescu Ion")
    assert "RO49 **** **** **** **** 0000" in mail.body and "RO49AAAA1B31007593840000" not in mail.body
    assert "89,54 lei" in mail.body and case.due_date.strftime("%d.%m.%Y") in mail.body


@pytest.mark.parametrize(("iban", "message"), [
    ("DE89 3704 0044 0532 0130 00", "Restituim doar într-un cont dintr-o bancă din România: IBAN-ul începe cu RO."),
    ("RO49 AAAA 1B31 0075 9384 0001", "IBAN-ul nu este valid: cifrele de control nu corespund. "
                                      "Verificați-l pe extrasul de cont."),
    ("RO49 AAAA 1B31 0075 9384", "Un IBAN românesc are exact 24 de caractere (ex. RO49 AAAA 1B31 0075 9384 0000)."),
    ("RO49_AAAA<script>", "IBAN-ul conține doar litere și cifre (spațiile sunt permise)."),
    ("RO49 ΑΑΑΑ 1Β31 0075 9384 0000", "IBAN-ul conține doar litere și cifre (spațiile sunt permise)."),  # Greek
    ("", "Câmp obligatoriu."),
])
def test_an_iban_that_is_not_a_valid_romanian_one_is_refused_next_to_the_field(uow, iban, message):
    contract = handed_over_with_credit(uow)
    assert field_errors(uow, contract, iban=iban) == {"iban": message}
    assert count(uow, Case, Case.case_type == "refund") == 0 and count(uow, Refund) == 0


@pytest.mark.parametrize(("holder", "message"), [
    ("", "Câmp obligatoriu."),
    ("12345", "Scrieți numele titularului contului, așa cum apare la bancă."),
    ("Popescu\x00Ion", "Textul conține caractere de control (de exemplu un caracter nul). Rescrieți-l fără ele."),
    ("P" * 71, "Textul este prea lung: maximum 70 caractere."),
])
def test_the_account_holders_name_is_clean_bounded_text(uow, holder, message):
    contract = handed_over_with_credit(uow)
    assert field_errors(uow, contract, holder=holder) == {"holder_name": message}


def test_a_second_request_while_one_is_in_progress_is_refused_with_its_number(uow):
    contract = handed_over_with_credit(uow)
    first = ask(uow, contract, CUSTOMER)
    with refused(DomainError, "refund.already_open"):
        ask(uow, contract, CUSTOMER)
    assert count(uow, Case, Case.case_type == "refund") == 1 and first.state == "requested"


# proposal and approval

def test_a_refund_above_the_refundable_credit_is_refused(uow):
    case = ask(uow, handed_over_with_credit(uow), CUSTOMER)
    for trigger in ("grant_refund", "propose_refund"):
        with refused(TransitionRefused, "guard.refund_above_credit"):
            move(uow, case, trigger, CLERK, amount=str(CREDIT + Decimal("0.01")))
    assert reload(uow, case.id).state == "requested"


def test_at_or_below_the_threshold_the_clerk_approves_at_once_and_the_customer_is_told(uow):
    case = approved(uow)
    assert (case.state, case.credit_amount, case.credit_proposed_by) == ("approved", CREDIT, "clerk")
    with uow() as u:
        mail = u.session.exec(select(OutboxMessage).where(OutboxMessage.template == "refund.approved")).one()
    assert "89,54 lei" in mail.body


def test_above_the_threshold_a_supervisor_other_than_the_proposer_approves(uow, monkeypatch):
    monkeypatch.setattr(settings, "refund_approval_threshold", Decimal("50.00"))
    case = ask(uow, handed_over_with_credit(uow), CUSTOMER)
    with refused(TransitionRefused, "guard.refund_needs_approval"):
        move(uow, case, "grant_refund", CLERK, amount="60.00")
    case = move(uow, case, "propose_refund", SUPERVISOR, amount="60.00")
    assert case.state == "proposed"
    with refused(TransitionRefused, "guard.own_proposal"):
        move(uow, case, "approve_refund", SUPERVISOR)
    with pytest.raises(PermissionDenied):
        move(uow, case, "approve_refund", CLERK2)
    case = move(uow, case, "approve_refund", SUPERVISOR2)
    assert (case.state, case.credit_amount) == ("approved", Decimal("60.00"))


def test_approval_checks_the_credit_again_when_a_payment_was_reversed_since_the_proposal(uow):
    contract = handed_over_with_credit(uow)
    case = move(uow, ask(uow, contract, CUSTOMER), "propose_refund", CLERK, amount=str(CREDIT))
    with uow() as u:
        paid = u.session.exec(select(Payment).where(Payment.contract_id == contract.id)).one()
    reverse_payment(uow=uow(), actor=SUPERVISOR, payment_id=paid.id, reason="Plata era pe alt cod de plată.")
    with refused(TransitionRefused, "guard.refund_above_credit"):
        move(uow, case, "approve_refund", SUPERVISOR2)
    assert reload(uow, case.id).state == "proposed"


def test_a_supervisor_returns_a_proposal_with_a_reason_and_it_can_be_proposed_again(uow):
    case = move(uow, ask(uow, handed_over_with_credit(uow), CUSTOMER), "propose_refund", CLERK, amount="10.00")
    with refused(TransitionRefused, "engine.requires_reason"):
        move(uow, case, "return_refund", SUPERVISOR)
    case = move(uow, case, "return_refund", SUPERVISOR, reason="Suma trebuie să fie tot creditul.")
    assert case.state == "requested"
    assert move(uow, case, "propose_refund", CLERK, amount=str(CREDIT)).state == "proposed"


@pytest.mark.parametrize("trigger", ["reject", "cancel"])
def test_rejecting_or_cancelling_needs_a_reason_closes_the_case_and_tells_the_customer(uow, trigger):
    case = ask(uow, handed_over_with_credit(uow), CUSTOMER)
    with refused(TransitionRefused, "engine.requires_reason"):
        move(uow, case, trigger, CLERK)
    case = move(uow, case, trigger, CLERK, reason="Clientul a cerut compensarea cu alt contract.")
    assert case.state in ("rejected", "cancelled") and case.closed_at and case.sla_status == "stopped"
    assert count(uow, OutboxMessage, OutboxMessage.template == f"refund.{case.state}") == 1
    assert refund_payments(uow) == []


def test_an_analyst_cannot_move_a_refund(uow):
    case = ask(uow, handed_over_with_credit(uow), CUSTOMER)
    with pytest.raises(PermissionDenied):
        move(uow, case, "grant_refund", ANALYST, amount="1.00")


# the payment order file

def _xsd() -> etree.XMLSchema:
    with resources.as_file(resources.files("sepaxml") / "schemas" / "pain.001.001.03.xsd") as path:
        return etree.XMLSchema(etree.parse(str(path)))


def test_exporting_puts_every_approved_refund_in_one_valid_pain001_file_and_marks_them_exported(uow):
    first = approved(uow)
    second_contract = handed_over_with_credit(uow, pod="RO005E500000002")  # one open request per place
    second = approved(uow, second_contract, amount="40.00")
    export = export_payment_order(uow=uow(), actor=SUPERVISOR)
    assert {reload(uow, first.id).state, reload(uow, second.id).state} == {"exported"}
    assert (export.transfers, export.total) == (2, CREDIT + Decimal("40.00"))

    document = etree.fromstring(export.xml)
    _xsd().assertValid(document)
    assert document.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert document.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "129.54"
    info = document.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert info.findtext("p:Dbtr/p:Nm", namespaces=NS) == "Ghiseu Energie SA (demo)"
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == settings.supplier_iban
    assert info.findtext("p:DbtrAcct/p:Ccy", namespaces=NS) == "RON"
    assert info.findtext("p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == settings.supplier_bic
    transfers = {tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS): tx for tx in info.findall("p:CdtTrfTxInf", NS)}
    assert set(transfers) == {first.registration_number, second.registration_number}
    amount = transfers[first.registration_number].find("p:Amt/p:InstdAmt", NS)
    assert (amount.text, amount.get("Ccy")) == ("89.54", "RON")
    assert transfers[first.registration_number].findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == \
        "RO49AAAA1B31007593840000"

    name, csv_bytes = payment_order_file(uow=uow(), actor=SUPERVISOR, export_id=export.id, kind="csv")
    lines = csv_bytes.decode().splitlines()
    assert name == f"{export.message_id}.csv" and len(lines) == 3
    assert lines[0] == "end_to_end_id,creditor_name,creditor_iban,amount,currency,remittance"
    assert f"{first.registration_number},Popescu Ion,RO49AAAA1B31007593840000,89.54,RON," in lines[1]
    assert count(uow, AuditEvent, AuditEvent.trigger == "export_refunds") == 1


def test_a_diacritic_or_formula_in_the_account_holders_name_is_written_as_plain_bank_text(uow):
    case = move(uow, ask(uow, handed_over_with_credit(uow), CUSTOMER, holder="=Ștefănescu Ioana"), "grant_refund",
                CLERK, amount="1.00")
    export = export_payment_order(uow=uow(), actor=SUPERVISOR)
    document = etree.fromstring(export.xml)
    _xsd().assertValid(document)
    assert document.findtext(".//p:Cdtr/p:Nm", namespaces=NS) == "Stefanescu Ioana"
    assert export.csv.decode().splitlines()[1].startswith(f"{case.registration_number},Stefanescu Ioana,")


def test_a_refund_is_never_exported_twice(uow):
    exported(uow)
    with refused(DomainError, "refund.nothing_to_export"):
        export_payment_order(uow=uow(), actor=SUPERVISOR)
    assert count(uow, RefundExport) == 1


def test_two_exports_at_the_same_moment_carry_each_refund_once(uow):
    case = approved(uow)
    outcomes = at_once(2, lambda _: export_payment_order(uow=uow(), actor=SUPERVISOR))
    made = [o for o in outcomes if isinstance(o, RefundExport)]
    assert len(made) == 1 and made[0].transfers == 1
    assert [o.key for o in outcomes if isinstance(o, DomainError)] == ["refund.nothing_to_export"]
    with uow() as u:
        assert u.session.exec(select(Refund.export_id).where(Refund.case_id == case.id)).one() == made[0].id


def test_only_a_supervisor_exports(uow):
    approved(uow)
    with pytest.raises(PermissionDenied):
        export_payment_order(uow=uow(), actor=CLERK)


# the bank's confirmation

def test_confirming_records_the_refund_as_a_negative_payment_and_the_ledger_ends_at_zero(uow):
    case = exported(uow)
    case = move(uow, case, "confirm_refund", SUPERVISOR2)
    assert case.state == "paid" and case.closed_at and case.sla_status == "stopped"
    [payment] = refund_payments(uow)
    assert (payment.amount, payment.reverses_id, payment.reference) == (-CREDIT, None,
                                                                        f"refund:{case.registration_number}")
    assert balance(uow, reload_contract(uow, case)) == Decimal("0.00")
    ledger = account_ledger(uow=uow(), actor=CLERK, contract_id=case.old_contract_id)
    last = ledger.entries[-1]
    assert (last.kind, last.debit, last.balance, last.detail) == (EntryKind.REFUND, CREDIT, Decimal("0.00"), "refund")
    assert ledger.balance == Decimal("0.00")
    assert count(uow, AuditEvent, AuditEvent.trigger == "record_refund",
                 AuditEvent.subject == f"payment:{payment.id}") == 1
    with uow() as u:
        mail = u.session.exec(select(OutboxMessage).where(OutboxMessage.template == "refund.paid")).one()
    assert "89,54 lei" in mail.body


def reload_contract(uow, case):
    with uow() as u:
        return u.session.get(Contract, case.old_contract_id)


def test_confirming_twice_is_refused_and_pays_once(uow):
    case = move(uow, exported(uow), "confirm_refund", SUPERVISOR)
    with refused(TransitionRefused, "engine.wrong_state"):
        move(uow, case, "confirm_refund", SUPERVISOR2)
    assert len(refund_payments(uow)) == 1


def test_two_confirmations_at_the_same_moment_pay_once(uow):
    case = exported(uow)
    version = current_version(uow, case.id)
    outcomes = at_once(2, lambda n: cases.fire_trigger(uow=uow(), case_id=case.id, expected_version=version,
                                                       trigger="confirm_refund",
                                                       actor=(SUPERVISOR, SUPERVISOR2)[n]))
    assert sum(isinstance(o, Case) for o in outcomes) == 1
    assert all(isinstance(o, Case | StaleCase | TransitionRefused | DomainError) for o in outcomes), outcomes
    assert len(refund_payments(uow)) == 1 and balance(uow, reload_contract(uow, case)) == Decimal("0.00")


def test_the_money_side_refuses_more_than_the_refundable_credit(uow):
    contract = handed_over_with_credit(uow)
    with uow() as u, refused(DomainError, "refund.above_credit"):
        record_refund(u.session, contract=contract, amount=CREDIT + Decimal("0.01"), reference="refund:test",
                      actor=SUPERVISOR)
    assert refund_payments(uow) == []


# personal data

def test_the_iban_is_masked_for_an_analyst_and_shown_to_the_refund_desk(uow):
    case = approved(uow)
    assert refund_line(uow=uow(), actor=CLERK, case_id=case.id).iban == "RO49AAAA1B31007593840000"
    masked = refund_line(uow=uow(), actor=ANALYST, case_id=case.id)
    assert (masked.iban, masked.holder_name) == ("RO49 **** **** **** **** 0000", "P. I.")
    with pytest.raises(PermissionDenied):
        refund_desk(uow=uow(), actor=ANALYST)
    desk = refund_desk(uow=uow(), actor=SUPERVISOR)
    assert [r.registration_number for r in desk.approved] == [case.registration_number] and desk.exported == []


def test_the_audit_trail_never_holds_the_whole_iban(uow):
    move(uow, exported(uow), "confirm_refund", SUPERVISOR)
    with uow() as u:
        details = [str(e.details) for e in u.session.exec(select(AuditEvent))]
    assert not any(GOOD_IBAN.replace(" ", "") in d for d in details)


def test_the_deadline_counts_refund_pay_days_working_days(uow):
    contract = handed_over_with_credit(uow)
    with clock_at(datetime(2026, 11, 20, 9, 0, tzinfo=UTC)):  # Friday; 30 Nov and 1 Dec are holidays
        case = ask(uow, contract, CUSTOMER)
    assert case.due_date == date(2026, 12, 8)
