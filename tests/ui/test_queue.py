"""The work queue: open cases by deadline, search and filters, claiming and assigning."""

from datetime import UTC, date, datetime, timedelta

from streamlit.testing.v1 import AppTest

from core.cases.queries import QueueFilter
from core.models import clock_at
from core.services.disputes import open_dispute
from tests.factories import CLERK, fire, invoice_for, make_account, register_case
from tests.ui.conftest import APP, numbers, table, texts
from ui.queue_widgets import from_params, to_params

QUEUE = "pages/queue.py"


def two_cases(uow):
    first = register_case(uow, make_account(uow), documents=())
    second = register_case(uow, make_account(uow, pod="RO005E512345679", national_id="1800101221152"),
                           documents=(), pod="RO005E512345679", last_name="Vasilescu", first_name="Dan")
    return first, second


def test_the_queue_lists_a_registered_case_with_its_state_and_deadline(uow, open_app):
    case = register_case(uow, make_account(uow), documents=())
    rows = table(open_app("clerk", QUEUE))
    assert numbers(rows) == [case.registration_number]
    assert rows["state"][0] == "Depusă, așteaptă documente"
    assert rows["applicant"][0] == "Ionescu Maria"
    assert "zile lucrătoare" in rows["deadline"][0]


def test_searching_by_name_or_pod_keeps_only_the_matching_case(uow, open_app):
    first, second = two_cases(uow)
    at = open_app("clerk", QUEUE)
    at.text_input(key="queue_search").input("vasilescu").run()
    assert numbers(table(at)) == [second.registration_number]
    at.text_input(key="queue_search").input("RO005E512345678").run()
    assert numbers(table(at)) == [first.registration_number]


def test_a_search_without_results_shows_a_friendly_empty_state(uow, open_app):
    two_cases(uow)
    at = open_app("clerk", QUEUE)
    at.text_input(key="queue_search").input("C999999999").run()
    assert not at.dataframe
    assert "Nicio cerere de afișat" in texts(at)


def test_a_clerk_claims_the_selected_case_and_sees_it_under_mine(uow, open_app):
    first, second = two_cases(uow)
    at = open_app("clerk", QUEUE)
    at.session_state[at.dataframe[0].key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    claim = next(b for b in at.button if b.label.startswith("Preia"))
    assert claim.label == "Preia (1)"
    claim.click().run()
    assert f"Ați preluat cazul {first.registration_number}." in texts(at, "success")
    at.selectbox(key="queue_assignee").set_value("__me__").run()
    rows = table(at)
    assert numbers(rows) == [first.registration_number] and rows["assignee"][0] == "Ana Popa"


def test_a_supervisor_assigns_both_cases_to_a_colleague_at_once(uow, open_app):
    two_cases(uow)
    at = open_app("supervisor", QUEUE)
    at.session_state[at.dataframe[0].key] = {"selection": {"rows": [0, 1], "columns": [], "cells": []}}
    at.run()
    at.selectbox(key="queue_assign_to").set_value("clerk2").run()
    next(b for b in at.button if b.label == "Atribuie (2)").click().run()
    assert "2 cazuri atribuite către Mihai Stan (Operator)." in texts(at, "success")
    assert set(table(at)["assignee"]) == {"Mihai Stan"}


def test_an_analyst_reads_the_queue_with_names_masked_and_cannot_claim(uow, open_app):
    two_cases(uow)
    at = open_app("analyst", QUEUE)
    assert set(table(at)["applicant"]) == {"I. M.", "V. D."}
    assert not [b for b in at.button if b.label.startswith("Preia")]
    assert "doar citire" in texts(at, "caption")


def test_a_shared_queue_address_opens_the_queue_with_its_filters(uow, browser):
    first, second = two_cases(uow)
    fire(uow, first.id, "cancel", CLERK, reason="Clientul a renunțat")
    browser.sign_in("clerk")
    at = AppTest.from_file(APP, default_timeout=30)  # a shared address opens a new session on the queue
    at.query_params.update({"all": "1", "type": "holder_change", "registered": "2020-01-01..2099-12-31"})
    at.run()
    assert at.toggle(key="queue_closed").value is True and at.selectbox(key="queue_type").value == "holder_change"
    assert set(numbers(table(at))) == {first.registration_number, second.registration_number}
    assert at.button(key="queue_clear_registered").label == "Înregistrate 01.01.2020 – 31.12.2099"
    at.button(key="queue_clear_all").click().run()
    assert numbers(table(at)) == [second.registration_number]
    assert dict(at.query_params) == {"lang": "ro"}  # only the language is left


def test_the_queue_address_carries_every_filter_and_reads_back_the_same():
    filters = QueueFilter(case_type="payment_dispute", state="opened", assignee="__none__", overdue_only=True,
                          search="C000000042", open_only=False, due_soon_only=True, category="wrong_reading",
                          registered=(date(2026, 3, 2), date(2026, 3, 8)), closed=(date(2026, 3, 9), date(2026, 3, 9)),
                          age=(3, 5))
    assert from_params(to_params(filters)) == filters
    assert from_params(to_params(QueueFilter(age=(21, None)))) == QueueFilter(age=(21, None))
    assert from_params({"type": "nonsense", "registered": "yesterday", "age": "x-"}) == QueueFilter()


def test_a_dispute_waiting_for_the_customer_past_its_old_deadline_reads_suspended_not_overdue(uow, open_app):
    opened = datetime.now(UTC) - timedelta(days=45)  # answer due about 24 days ago, paused since it opened
    invoice = invoice_for(uow, make_account(uow), issue_date=(opened - timedelta(days=5)).date())
    with clock_at(opened):
        case = open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice.id, form={
            "category": "wrong_reading", "amount": "50.00", "description": "Indexul real este mai mic."})
        fire(uow, case.id, "start_review", CLERK)
        fire(uow, case.id, "request_information", CLERK, reason="Trimiteți o fotografie a contorului.")
    at = open_app("clerk", QUEUE)
    assert table(at)["deadline"][0] == f"{case.due_date:%d.%m.%Y} · suspendat"
    at.toggle(key="queue_overdue").set_value(True).run()
    assert not at.dataframe


def test_the_count_under_the_queue_takes_the_singular_for_one_case(uow, open_app):
    register_case(uow, make_account(uow), documents=())
    at = open_app("clerk", QUEUE)
    assert "1 caz · pagina 1 din 1" in texts(at, "caption")
