"""User text survives the bulk loader's own COPY text formatting (seed_data.bulk.copy_text): a tab, newline or
carriage return would split a row or a column, a backslash start an escape, a lone `\\N` read as NULL. On
SQLite the same rows go through executemany, so the test holds there too."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from core.models import Case, ConsumptionPlace, Customer, Invoice
from core.platform.search import fold
from seed_data import bulk

NOW = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)
# each character COPY's text format treats specially on its own (the formatter looks for them before
# escaping), escapes spelled out, control characters (NUL aside: PostgreSQL's text cannot hold it), all at once
SPECIALS = ["\t", "\\", "\n", "\r", "\r\n", "\\N", "\\t \\x41 \\101 \\.", "\x01\x07\x08\x0b\x0c\x1b\x1f\x7f",
            "Tab\there back\\slash \\N new\nline cr\rlf bell\x07 esc\x1b ș"]
NULL_LOOKALIKE = "\\N"


@pytest.fixture(params=SPECIALS, ids=repr)
def hostile(request, monkeypatch) -> str:
    """The Faker pools replaced by hostile text: every name, street and phone the loader draws holds it."""
    value, make = f"a{request.param}b", bulk.Pools.make.__func__

    def hostile_pools(cls, *args):
        pools = make(cls, *args)
        pools.last, pools.female, pools.male, pools.streets = [value], [value[::-1]], [value[::-1]], [value]
        pools.phones = [NULL_LOOKALIKE]
        return pools

    monkeypatch.setattr(bulk.Pools, "make", classmethod(hostile_pools))  # the lanes are forked after: they inherit it
    return value


def test_names_streets_and_phones_with_copy_escapes_and_control_characters_read_back_identical(
        hostile, uow, engine):
    counts = bulk.load(engine, accounts=6, cases=6, seed=5, now=NOW, progress=lambda *_: None)
    assert counts["customer"] == 6
    with uow() as u:
        customers = u.session.exec(select(Customer)).all()
        places = {p.id: p for p in u.session.exec(select(ConsumptionPlace))}
        invoices = u.session.exec(select(Invoice)).all()
        cases = u.session.exec(select(Case)).all()
    assert len(customers) == 6 and invoices and len(cases) == 6
    for customer in customers:
        assert customer.name.startswith(hostile + " ")
        assert customer.kind == "company" or customer.name == f"{hostile} {hostile[::-1]}"
        assert customer.search_name == fold(customer.name)
        assert customer.phone == NULL_LOOKALIKE
        assert customer.correspondence_address.startswith(hostile + " nr. ")
    addresses = {c.correspondence_address for c in customers}
    assert {i.correspondence_address for i in invoices} <= addresses
    assert {p.address for p in places.values()} <= addresses
    names = {c.name for c in customers}
    for case in cases:
        assert case.applicant_name in names
        assert case.data["applicant_name"] == case.applicant_name  # the JSON column: escaped twice over
        assert case.data["phone"] == NULL_LOOKALIKE
        assert case.data["correspondence_address"] in addresses
