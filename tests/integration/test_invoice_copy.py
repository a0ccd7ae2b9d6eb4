"""The online invoice copy: the latest invoice and those of the last 12 months with the balance to date, a
PDF only of the contract's own invoices, a dispute from the holder, and a lookup by payment code and
CNP/CUI that answers every kind of miss the same way, records it, and slows then blocks repeated misses."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from core.accounts import billing
from core.accounts.ledger import InvoiceStatus
from core.cases.queries import today
from core.models import Case, Contract, CustomerKind, InvoiceKind
from core.online import access
from core.online.invoice_copy import copy_for, dispute_invoice, holder_check, pdf_for
from core.platform.config import settings
from core.platform.errors import DomainError, NotFound
from core.services.accounts import open_account
from core.staff.auth import SYSTEM
from tests.factories import COMPANY_CUI, OLD_HOLDER_CNP, make_account, refused

MONTHLY = Decimal("89.54")  # 100 kWh at 0,74 lei + 21% VAT
NEUTRAL = "Nu am găsit un cont cu aceste date. Verificați-le pe prima pagină a facturii și încercați din nou."


def bill(uow, contract: Contract, issued: list[date], kwh: int = 100) -> list[str]:
    """Monthly estimates of `kwh` each; returns their invoice IDs in issue order."""
    numbers = []
    with uow() as u:
        live = u.session.get(Contract, contract.id)
        for n, day in enumerate(issued, start=1):
            numbers.append(billing.issue_invoice(
                u.session, issued_by="billing", contract=live, period_start=day.replace(day=1), period_end=day,
                new_index=live.start_index + n * kwh, kind=InvoiceKind.ESTIMATE, issue_date=day).invoice_number)
        u.commit()
    return numbers


def months(first: date, count: int) -> list[date]:
    return [date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, first.day)
            for n in range(count)]


def pay(uow, contract: Contract, amount: Decimal) -> None:
    with uow() as u:
        billing.record_payment(u.session, actor=SYSTEM, contract=u.session.get(Contract, contract.id), amount=amount,
                               channel="counter", reference="CHITANTA-1")
        u.commit()


def test_the_copy_lists_the_last_twelve_months_newest_first_with_the_balance_to_date(uow):
    contract = make_account(uow)
    numbers = bill(uow, contract, months(date(2025, 9, 10), 15))  # 10.09.2025 ... 10.11.2026
    pay(uow, contract, MONTHLY)  # settles the oldest invoice

    copy = copy_for(uow=uow(), contract_id=contract.id, today=date(2026, 11, 10))

    assert [r.invoice_number for r in copy.invoices] == numbers[:2:-1]  # 10.12.2025 ... 10.11.2026, newest first
    assert (copy.invoices[-1].issue_date, copy.since) == (date(2025, 12, 10), date(2025, 11, 11))
    assert copy.latest == copy.invoices[0]
    latest = copy.latest
    assert (latest.issue_date, latest.due_date, latest.kwh, latest.total) == (
        date(2026, 11, 10), date(2026, 11, 25), 100, MONTHLY)
    assert copy.balance == 14 * MONTHLY  # 15 invoices, one paid, the older ones count too
    assert copy.correspondence_address == "Str. Lalelelor 5, Iași"
    assert all(r.status != InvoiceStatus.PAID for r in copy.invoices)  # the paid one is older than the window


def test_the_latest_invoice_shows_even_when_older_than_twelve_months_and_nothing_personal_does(uow):
    contract = make_account(uow)
    [number] = bill(uow, contract, [date(2024, 6, 10)])
    copy = copy_for(uow=uow(), contract_id=contract.id, today=date(2026, 11, 10))
    assert copy.invoices == [] and copy.latest.invoice_number == number
    shown = repr(copy)
    assert OLD_HOLDER_CNP not in shown and "ion.popescu" not in shown and "721234567" not in shown


def test_a_pdf_copy_is_given_only_for_the_contracts_own_invoices(uow):
    mine, other = make_account(uow), make_account(uow, pod="RO005E512345679", national_id="1800101221152")
    [own] = bill(uow, mine, [date(2026, 10, 10)])
    [foreign] = bill(uow, other, [date(2026, 10, 10)])
    assert pdf_for(uow=uow(), contract_id=mine.id, invoice_number=own).startswith(b"%PDF")
    with pytest.raises(NotFound):
        pdf_for(uow=uow(), contract_id=mine.id, invoice_number=foreign)


def test_the_holder_opens_a_dispute_online_on_an_own_invoice_only(uow):
    mine, other = make_account(uow), make_account(uow, pod="RO005E512345679", national_id="1800101221152")
    [own] = bill(uow, mine, [today() - timedelta(days=5)])
    [foreign] = bill(uow, other, [today() - timedelta(days=5)])
    form = {"category": "wrong_reading", "amount": "20,00", "description": "Indexul nu corespunde.", "email": ""}

    case = dispute_invoice(uow=uow(), contract_id=mine.id, invoice_number=own, form=form)

    assert case.registration_number.startswith("CTS-")
    assert (case.channel, case.created_by, case.disputed_amount) == ("online", "customer", Decimal("20.00"))
    assert case.data["email"] == "ion.popescu@example.com"  # the holder's address when none is typed
    with pytest.raises(NotFound):
        dispute_invoice(uow=uow(), contract_id=mine.id, invoice_number=foreign, form=form)
    with uow() as u:
        assert len(u.session.exec(select(Case)).all()) == 1


def lookup(uow, who, code, national_id) -> int:
    return access.find_contract(uow=uow(), who=who, service="invoice_copy", payment_code=code,
                                matches=holder_check(national_id))


def refusal(uow, who, code, national_id) -> str:
    with pytest.raises(DomainError) as refused:
        lookup(uow, who, code, national_id)
    return str(refused.value)


def test_a_person_is_found_by_cnp_and_a_company_by_cui_with_or_without_ro(uow):
    person = make_account(uow)
    company = open_account(
        uow=uow(), actor=SYSTEM, kind=CustomerKind.COMPANY, name="Lumina Verde SRL", national_id=COMPANY_CUI,
        email="office@lumina.example", phone="+40213000000", address="Bd. Unirii 1, București",
        pod="RO005E512345679", meter_serial="ZMD-0002", start_date=date(2024, 1, 1), start_index=0)
    who = access.client("10.1.0.1", "tab-1")
    assert lookup(uow, who, person.payment_code, f" {OLD_HOLDER_CNP} ") == person.id
    assert lookup(uow, who, company.payment_code, f"RO{COMPANY_CUI}") == company.id
    assert lookup(uow, who, company.payment_code, COMPANY_CUI) == company.id


def test_wrong_pair_unknown_code_malformed_code_and_malformed_id_all_get_the_same_words(uow, monkeypatch):
    monkeypatch.setattr(settings, "lookup_challenge_after", 4)  # four misses, each answered
    contract = make_account(uow)
    make_account(uow, pod="RO005E512345679", national_id="1800101221152")
    who = access.client("10.1.0.2", "tab-2")
    answers = {
        refusal(uow, who, contract.payment_code, "1800101221152"),  # another customer's valid CNP
        refusal(uow, who, "999999999", OLD_HOLDER_CNP),  # unknown code
        refusal(uow, who, "12ab", OLD_HOLDER_CNP),  # malformed code
        refusal(uow, who, contract.payment_code, "1800101221145"),  # CNP with a wrong check digit
    }
    assert answers == {NEUTRAL}
    with uow() as u:
        attempts = access.attempts_for(u.session, who)
    assert sorted(a.outcome for a in attempts) == ["malformed", "mismatch", "mismatch", "unknown"]
    assert {a.service for a in attempts} == {"invoice_copy"} and not any(a.success for a in attempts)


def test_repeated_misses_ask_for_a_challenge_even_with_the_right_pair(uow):
    contract = make_account(uow)
    who = access.client("10.1.0.3", "tab-3")
    for _ in range(settings.lookup_challenge_after):
        with refused(DomainError, "online.not_found"):
            lookup(uow, who, contract.payment_code, "1800101221152")
    with pytest.raises(access.ChallengeRequired):
        lookup(uow, who, contract.payment_code, OLD_HOLDER_CNP)
    with uow() as u:
        assert [a.outcome for a in access.attempts_for(u.session, who)][:2] == ["challenge", "mismatch"]


def test_a_dispute_is_offered_only_on_recent_invoices_with_something_left_to_pay(uow):
    contract = make_account(uow)
    bill(uow, contract, [date(2026, 9, 20), date(2026, 10, 20), date(2026, 11, 5)])
    pay(uow, contract, MONTHLY)  # settles 20.09
    copy = copy_for(uow=uow(), contract_id=contract.id, today=date(2026, 11, 25))
    # 05.11 is recent and unpaid; 20.10 is past the 30 days for filing; 20.09 is paid
    assert [(r.issue_date.day, r.disputable) for r in copy.invoices] == [(5, True), (20, False), (20, False)]
