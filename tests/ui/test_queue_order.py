"""The queue's order on screen: the sort bar and a header click both sort every matching case in the
database (the order travels in the address), and the case number is a real link to the case."""

from tests.factories import make_account, register_case
from tests.ui.conftest import numbers, table

QUEUE = "pages/queue.py"


def two_cases(uow):
    """Vasilescu registered first (earlier deadline), Ionescu after: the default order is not by name."""
    second = register_case(uow, make_account(uow, pod="RO005E512345679", national_id="1800101221152"),
                           documents=(), pod="RO005E512345679", last_name="Vasilescu", first_name="Dan")
    first = register_case(uow, make_account(uow), documents=())
    return first, second


def applicants(at) -> list[str]:
    return list(table(at)["applicant"])


def test_the_sort_bar_orders_the_cases_by_the_chosen_column_and_keeps_it_in_the_address(uow, open_app):
    ionescu, vasilescu = two_cases(uow)
    at = open_app("clerk", QUEUE)
    assert numbers(table(at)) == [vasilescu.registration_number, ionescu.registration_number]
    at.selectbox(key="queue_sort").set_value("applicant").run()
    assert applicants(at) == ["Ionescu Maria", "Vasilescu Dan"]
    at.toggle(key="queue_descending").set_value(True).run()
    assert applicants(at) == ["Vasilescu Dan", "Ionescu Maria"]
    assert (at.query_params["sort"], at.query_params["desc"]) == ("applicant", "1")


def test_a_header_click_sorts_in_the_database_and_a_second_click_reverses(uow, open_app):
    two_cases(uow)
    at = open_app("clerk", QUEUE)
    for expected in (["Ionescu Maria", "Vasilescu Dan"], ["Vasilescu Dan", "Ionescu Maria"]):
        at.session_state[at.dataframe[0].key] = {"selection": {"rows": [], "columns": ["applicant"], "cells": []}}
        at.run()
        assert applicants(at) == expected
        assert at.selectbox(key="queue_sort").value == "applicant"


def test_the_case_number_links_to_the_case_page(uow, open_app):
    ionescu, _ = two_cases(uow)
    links = list(table(open_app("analyst", QUEUE))["number"])
    assert f"case_detail?case={ionescu.id}&number={ionescu.registration_number}" in links
