"""The staff e-Factura page: the dashboard's figures open it with their filter in the address, the page applies
a filter it is given (a hostile one is ignored), each row opens its invoice, and a supervisor re-checks a refused
document there or on the invoice page once its data are corrected; analysts only read."""

from datetime import timedelta

import pytest
from sqlmodel import select

from core.cases.queries import today
from core.efactura.deadlines import deadline_for, working_days_from
from core.efactura.listing import DUE_SOON_WORKING_DAYS
from core.efactura.submission import prepare_pending
from core.models import ConsumptionPlace, EfacturaSubmission, InvoiceKind
from tests.efactura_samples import account, bill, compensation
from tests.ui.conftest import texts

PAGE = "pages/efactura.py"
LONG_STREET = "Str. " + "Lunga" * 32 + " nr. 1, Iași"  # BR-RO-L154: a street of at most 150 characters
HOSTILE = ["\x00", "\u202e1", "<script>alert(1)</script>", "'; DROP TABLE efacturasubmission; --", "1" * 5000,
           "١", "invalid\x00", "INVALID", "2026-10-01..\x00"]


def set_address(uow, place_id: int, address: str) -> None:
    with uow() as u:
        place = u.session.get(ConsumptionPlace, place_id)
        place.address = address
        u.session.add(place)
        u.commit()


@pytest.fixture
def documents(uow):
    """Prepared invoices due soon and issued today, and an older one the rules refused (its street too long),
    dated from the real today: the app's pages run in a thread of their own, which no test clock reaches."""
    on = today()
    soon = next(day for day in (on - timedelta(days=n) for n in range(10))
                if on <= deadline_for(day) <= working_days_from(on, DUE_SOON_WORKING_DAYS))
    good = [bill(uow, account(uow, pod=f"RO005E51234567{n}"), 1100, InvoiceKind.ESTIMATE, issued)
            for n, issued in enumerate((soon, on))]
    bad = bill(uow, account(uow, pod="RO005E512345679"), 1100, InvoiceKind.ESTIMATE, on - timedelta(days=60))
    set_address(uow, bad.place_id, LONG_STREET)
    prepare_pending(uow=uow())
    return good, bad


def open_page(open_app, username: str, **params):
    at = open_app(username)
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def listed(at) -> list[str]:
    return [link.partition("number=")[2] for link in at.dataframe[0].value["number"]]


def test_each_dashboard_figure_links_to_the_list_with_its_filter_which_the_page_applies(uow, open_app, documents):
    (soon, fresh), bad = documents
    dashboard = open_app("supervisor", "pages/dashboard.py")
    links = [link for link in dashboard.get("page_link") if link.label == "Vezi lista"]
    assert [link.proto.query_string for link in links] == ["state=not_accepted", "state=refused", "late=1",
                                                           "due_soon=1"]
    assert {link.proto.page for link in links} == {"efactura"}
    figures = {m.label: m.value for m in dashboard.metric}
    assert (figures["Neacceptate încă"], figures["Termen în 2 zile lucrătoare"]) == ("3", "1")
    assert listed(open_page(open_app, "supervisor", due_soon="1")) == [soon.series]
    assert listed(open_page(open_app, "supervisor", late="1")) == [bad.series]
    assert listed(open_page(open_app, "supervisor", number=fresh.series)) == [fresh.series]
    refused = open_page(open_app, "supervisor", state="refused")
    assert listed(refused) == [bad.series]
    assert refused.dataframe[0].value["number"][0] == f"invoice?invoice={bad.id}&number={bad.series}"
    assert refused.selectbox(key="efactura_state").value == "refused"  # the filter is on screen, changeable
    assert refused.query_params["state"] == "refused"


def test_a_compensation_is_listed_as_one_and_opens_its_accounts_ledger(uow, open_app):
    contract = account(uow)
    note = compensation(uow, contract, "62.50", on=today())
    prepare_pending(uow=uow())
    at = open_page(open_app, "supervisor", number=note.number)
    frame = at.dataframe[0].value
    assert frame["number"][0] == f"ledger?contract={contract.id}&number={note.number}"
    assert frame["kind"][0] == "Compensație (notă de credit, în afara TVA)"


def test_a_refused_document_shows_its_rules_as_text_and_an_analyst_gets_no_re_check(uow, open_app, documents):
    at = open_page(open_app, "analyst", state="invalid")
    shown = "\n".join(e.value for e in at.text)  # text elements: nothing in them is read as markdown
    assert "BR-RO-L154" in shown and "(/*:Invoice[namespace-uri()=" in shown
    assert "BR-RO-L154" not in texts(at)
    assert not [b for b in at.button if b.label == "Verifică din nou"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_address_filters_nothing_and_breaks_nothing(uow, open_app, documents, value):
    at = open_page(open_app, "supervisor", state=value, due_soon=value, late=value, issued=value)
    assert len(listed(at)) == 3
    searched = open_page(open_app, "supervisor", number=value)  # a number, however odd, is only looked up
    assert not searched.dataframe or len(listed(searched)) == 3
    assert searched.text_input(key="efactura_number").value in ("", value.strip())


def test_a_supervisor_re_checks_a_corrected_document_on_the_page(uow, open_app, documents):
    _, bad = documents
    at = open_page(open_app, "supervisor", state="invalid")
    set_address(uow, bad.place_id, "Str. Scurta nr. 1, Iași")
    at.button(key=next(b.key for b in at.button if b.label == "Verifică din nou")).click().run()
    assert not at.exception, at.exception
    assert f"Documentul {bad.series} trece acum regulile" in texts(at, "success")
    with uow() as u:
        assert u.session.exec(select(EfacturaSubmission.state).where(
            EfacturaSubmission.invoice_id == bad.id)).one() == "prepared"
    assert "Niciun document de afișat" in texts(at)  # the invalid filter now matches nothing


def test_the_invoice_page_re_checks_and_a_still_wrong_document_keeps_its_new_reasons(uow, open_app, documents):
    _, bad = documents
    at = open_app("supervisor", "pages/invoice.py", invoice_id=bad.id)
    set_address(uow, bad.place_id, "Str. Scurta nr. 1, Nicăieri")
    at.button(key="efactura_recheck").click().run()
    assert not at.exception, at.exception
    assert f"Documentul {bad.series} tot nu trece regulile" in texts(at, "error")
    shown = "\n".join(e.value for e in at.text)
    assert "Nicăieri" in shown and "BR-RO-L154" not in shown
