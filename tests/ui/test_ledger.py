"""Fișa contului: find an account, read its balance and entries, open the place's contracts."""

from datetime import date

from core.accounts import billing
from core.models import Contract, InvoiceKind
from core.staff.auth import SYSTEM
from tests.factories import make_account
from tests.ui.conftest import table, texts

LEDGER = "pages/ledger.py"


def billed_account(uow, pod="RO005E512345678", national_id="1800101221144") -> Contract:
    """An account with one 100 kWh invoice (89,54 lei) and a 50 lei payment: 39,54 lei to pay."""
    contract = make_account(uow, pod=pod, national_id=national_id)
    with uow() as u:
        live = u.session.get(Contract, contract.id)
        billing.issue_invoice(u.session, issued_by="billing",
                              contract=live, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31),
                              new_index=1100, kind=InvoiceKind.ESTIMATE, issue_date=date(2026, 2, 5))
        billing.record_payment(u.session, actor=SYSTEM, contract=live, amount="50.00", channel="bank",
                               reference=f"P-{contract.id}")
        u.commit()
    return contract


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_a_clerk_finds_an_account_by_payment_code_and_sees_its_balance_and_entries(uow, open_app):
    contract = billed_account(uow)
    at = open_app("clerk", LEDGER)
    assert "Alegeți un cont" in texts(at)
    at.text_input(key="ledger_search").input(contract.payment_code).run()
    assert not at.exception, at.exception
    assert metrics(at)["Sold la zi (lei)"] == "39,54"
    assert "Popescu Ion" in texts(at) and "RO005E512345678" in texts(at)
    entries = table(at)
    assert list(entries["kind"]) == ["Factură", "Plată"]
    assert list(entries["balance"]) == ["89,54", "39,54"]
    assert at.download_button(key="ledger_download").label == "Descarcă Excel"
    assert at.query_params["contract"] == str(contract.id)  # the address links to the account


def test_a_name_search_lists_the_matching_accounts(uow, open_app):
    billed_account(uow)
    billed_account(uow, pod="RO005E512345679", national_id="1800101221152")
    at = open_app("clerk", LEDGER)
    at.text_input(key="ledger_search").input("popescu").run()
    results = table(at)
    assert len(results) == 2 and set(results["holder"]) == {"Popescu Ion"}
    assert "2 din 2 conturi găsite" in texts(at, "caption")


def test_an_analyst_searching_by_name_is_told_to_use_codes_and_reads_the_account_masked(uow, open_app):
    contract = billed_account(uow)
    at = open_app("analyst", LEDGER)
    at.text_input(key="ledger_search").input("popescu").run()
    assert "caută doar după coduri" in texts(at, "caption")
    at.text_input(key="ledger_search").input(contract.payment_code).run()
    assert metrics(at)["Sold la zi (lei)"] == "39,54"
    assert "Popescu" not in texts(at) and "P. I." in texts(at)


def test_a_deep_link_opens_the_account_and_the_toggle_shows_every_contract_of_the_place(uow, open_app):
    contract = billed_account(uow)
    at = open_app("supervisor", LEDGER, ledger_contract_id=contract.id)
    assert metrics(at)["Sold la zi (lei)"] == "39,54"
    at.toggle(key="ledger_place").set_value(True).run()
    assert not at.exception, at.exception
    assert contract.number in texts(at)


def submit(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def test_a_clerk_takes_a_payment_at_the_counter_and_the_balance_drops(uow, open_app):
    contract = billed_account(uow)
    at = open_app("clerk", LEDGER, **{"ledger_contract_id": contract.id})
    at.text_input(key="cashier_amount").input("39,545")
    submit(at, "Înregistrează plata")
    assert "Suma poate avea cel mult două zecimale (bani)." in texts(at, "error")
    at.text_input(key="cashier_amount").input("39,54")
    submit(at, "Înregistrează plata")
    assert metrics(at)["Sold la zi (lei)"] == "0,00"
    assert not [b for b in at.button if b.label == "Stornează"]  # reversing is a supervisor's call


def test_a_supervisor_reverses_a_payment_with_a_reason_and_the_debt_returns(uow, open_app):
    contract = billed_account(uow)
    at = open_app("supervisor", LEDGER, **{"ledger_contract_id": contract.id})
    submit(at, "Stornează")
    assert "Motivul este obligatoriu." in texts(at, "error")
    at.text_area(key="cashier_reverse_reason").input("Plată înregistrată pe alt cont")
    submit(at, "Stornează")
    assert metrics(at)["Sold la zi (lei)"] == "89,54"
    assert list(table(at)["kind"]) == ["Factură", "Plată", "Stornare plată"]
