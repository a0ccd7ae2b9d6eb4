"""The case page shows the version of its workflow the case runs: the label in the header and the diagram of
that version, so staff see why a company case opened under v1 has no index-confirmation step."""

from core.workflow import registry
from tests.factories import COMPANY_CUI, SUPERVISOR, fire, make_account, register_case, review_all
from tests.ui.conftest import texts

CASE = "pages/case_detail.py"
COMPANY_DOCS = ("onrc_certificate", "right_of_use", "contract_request", "supply_offer", "meter_reading")
COMPANY = dict(applicant_kind="company", company_name="Lumina Verde SRL", national_id=COMPANY_CUI,
               first_name="", last_name="")


def verified_company_case(uow, pod: str, national_id: str):
    case = register_case(uow, make_account(uow, pod=pod, national_id=national_id), documents=COMPANY_DOCS,
                         pod=pod, **COMPANY)
    review_all(uow, case.id)
    fire(uow, case.id, "verify_documents", SUPERVISOR)
    return case


def diagram(at) -> str:
    [chart] = at.get("graphviz_chart")
    return chart.proto.spec


def test_a_v1_case_shows_version_1_of_2_and_the_v1_diagram(uow, open_app, monkeypatch):
    with monkeypatch.context() as m:  # opened before version 2 shipped
        m.delitem(registry.TABLES, ("holder_change", 2))
        case = verified_company_case(uow, "RO005E512345601", "1900202400013")
    at = open_app("supervisor2", CASE, case_id=case.id)
    assert "Versiunea fluxului: 1 (cea mai nouă: 2)" in texts(at, "caption")
    assert 'label="Versiunea fluxului: 1"' in diagram(at) and "meter_index_confirmed" not in diagram(at)
    assert "case_action_confirm_meter_index" not in [b.key for b in at.button]
    assert not at.button(key="case_action_issue_contract").disabled  # v1: straight to the contract


def test_a_v2_company_case_shows_version_2_its_diagram_and_the_confirmation_step(uow, open_app):
    case = verified_company_case(uow, "RO005E512345602", "1700303400019")
    at = open_app("supervisor2", CASE, case_id=case.id)
    assert "Versiunea fluxului: 2" in texts(at, "caption") and "cea mai nouă" not in texts(at, "caption")
    assert 'label="Versiunea fluxului: 2"' in diagram(at)
    assert '"documents_verified" -> "meter_index_confirmed" [label="Confirmă indexul de predare"]' in diagram(at)
    assert at.button(key="case_action_issue_contract").disabled
    assert "indexul de predare trebuie confirmat înainte de emiterea contractului" in texts(at, "caption")
    at.button(key="case_action_confirm_meter_index").click().run()
    assert "Index de predare confirmat" in texts(at)  # the state badge
    assert not at.button(key="case_action_issue_contract").disabled
