"""The public holder-change form and the private upload page, as a signed-out visitor sees them."""

import re

import pytest

from core.models import Case, CaseDocument
from core.online import access
from seed_data.sample_documents import sample_image, sample_pdf
from tests.factories import count, make_account
from tests.ui.conftest import message_under, texts

FORM = "pages/holder_change_online.py"
UPLOAD = "pages/upload.py"


@pytest.fixture(autouse=True)
def _visitor(monkeypatch):
    """AppTest's session client has no real address (st.context.ip_address is a mock there)."""
    monkeypatch.setattr("ui.public.visitor", lambda: access.client("203.0.113.9", "holder-online-session"))



def fill(at, contract, **overrides):
    values = dict(pod="RO005E512345678", payment_code=contract.payment_code, client_code=contract.client_code,
                  last_name="Ionescu", first_name="Maria", national_id="2850505400014",
                  email="maria.ionescu@example.com", phone="0722 111 222", handover_index="1500")
    values.update(overrides)
    for name, value in values.items():
        at.text_input(key=f"holder_online_{name}").input(value)
    next(b for b in at.button if b.label == "Trimite cererea").click().run()
    return at


def registered_link(open_app, uow) -> tuple[str, str]:
    """Registers a request through the form; (registration number, token of the link on screen)."""
    at = fill(open_app(page=FORM), make_account(uow))
    number = re.search(r"SCT-[\d-]+", texts(at, "success")).group()
    return number, at.get("link_button")[0].proto.url.split("token=")[1].split("&")[0]


def open_upload_page(open_app, token: str):
    at = open_app(page=UPLOAD)
    at.query_params["token"] = token
    return at.run()


def test_a_visitor_registers_a_request_and_sees_the_number_the_documents_and_the_upload_link(uow, open_app):
    at = fill(open_app(page=FORM), make_account(uow))
    assert not at.error, [e.value for e in at.error]
    assert re.fullmatch(r"Cererea dumneavoastră a fost înregistrată cu numărul SCT-\d{4}-\d+\.", texts(at, "success"))
    assert "Actul de identitate al noului titular" in texts(at)
    assert "m***@example.com" in texts(at, "caption")
    link = at.get("link_button")[0].proto
    assert link.label == "Încarcă documentele" and "/upload?token=" in link.url
    assert count(uow, Case) == 1


def test_a_wrong_cnp_is_explained_under_its_field_and_nothing_is_saved(uow, open_app):
    at = fill(open_app(page=FORM), make_account(uow), national_id="2850505400015")
    assert message_under(at, "holder_online_national_id") == "CNP-ul nu este valid: cifra de control nu corespunde."
    assert count(uow, Case) == 0


def test_wrong_invoice_codes_get_one_neutral_message(uow, open_app):
    at = fill(open_app(page=FORM), make_account(uow), client_code="C999999999")
    assert "Nu am găsit un cont cu aceste date. Verificați-le pe prima pagină a facturii și încercați din nou." in [
        e.value for e in at.error]
    assert count(uow, Case) == 0


def test_the_upload_page_lists_each_document_and_takes_a_file_for_a_missing_one(uow, open_app):
    number, token = registered_link(open_app, uow)
    at = open_upload_page(open_app, token)
    assert f"Cererea {number}" in [h.value for h in at.subheader]
    assert len(at.file_uploader) == 5 and texts(at).count("Lipsește") == 5
    at.file_uploader(key="upload_file_id_card").upload("buletin.pdf", sample_pdf("id_card", ["x"]), "application/pdf")
    at.run()
    at.button(key="upload_go_id_card").click().run()
    assert "Am primit documentul: Actul de identitate al noului titular." in texts(at, "success")
    assert len(at.file_uploader) == 4 and "Așteaptă verificarea" in texts(at)
    assert count(uow, CaseDocument) == 1


def test_a_file_whose_content_does_not_match_its_extension_is_refused_on_the_page(uow, open_app):
    _number, token = registered_link(open_app, uow)
    at = open_upload_page(open_app, token)
    at.file_uploader(key="upload_file_id_card").upload("buletin.pdf", sample_image("id_card", ["x"]), "application/pdf")
    at.run()
    at.button(key="upload_go_id_card").click().run()
    assert [e.value for e in at.error] == [
        "Conținutul fișierului este PNG, dar extensia lui spune altceva. Salvați-l cu extensia corectă."]
    assert count(uow, CaseDocument) == 0


def test_an_unknown_link_gets_a_friendly_neutral_page(uow, open_app):
    at = open_upload_page(open_app, "not-a-real-token")
    assert "Pagina nu poate fi deschisă" in texts(at)
    assert "Linkul nu este valid sau nu mai este activ." in texts(at)
    assert not at.file_uploader
