"""`python -m core.efactura export` writes one checked XML per document of the period; what cannot be sent
is kept apart and named with its reason, and the command says so in its exit status."""

from datetime import date

import pytest

from core.efactura.__main__ import main
from core.efactura.export import ERRORS_FILE, INVALID_DIR, export_period
from core.models import ConsumptionPlace, InvoiceKind
from core.reports.base import Period
from tests.efactura_samples import account, bill, company, credit


def test_the_export_writes_every_document_of_the_period_and_names_the_one_it_cannot_build(uow, tmp_path):
    person, firm = account(uow), company(uow)
    before = bill(uow, person, 1100, InvoiceKind.ESTIMATE, date(2026, 9, 30))  # outside the period
    estimate = bill(uow, person, 1200, InvoiceKind.ESTIMATE, date(2026, 10, 10))
    negative = bill(uow, person, 1150, InvoiceKind.REGULARISATION, date(2026, 10, 20))
    firm_invoice = bill(uow, firm, 1900, InvoiceKind.ESTIMATE, date(2026, 10, 31))
    note = credit(uow, estimate, "12.10", on=date(2026, 10, 25))
    with uow() as u:  # the company's place now has an address nobody can place in a county
        place = u.session.get(ConsumptionPlace, firm.place_id)
        place.address = "Str. Morii 2, Homocea"
        u.session.add(place)
        u.commit()
    seen = []
    result = export_period(uow=uow(), period=Period(date(2026, 10, 1), date(2026, 10, 31)), out=tmp_path,
                           progress=lambda done, seconds: seen.append(done))
    assert sorted(p.name for p in tmp_path.glob("*.xml")) == sorted(
        f"{n}.xml" for n in (estimate.series, negative.series, note.number))
    assert result.written == 3 and len(result.refused) == 1 and result.refused[0].startswith(firm_invoice.series)
    assert "Homocea" in (tmp_path / ERRORS_FILE).read_text(encoding="utf-8")
    assert before.series not in (tmp_path / ERRORS_FILE).read_text(encoding="utf-8")
    assert seen and seen[-1] == 4


def test_validate_command_passes_a_good_file_and_fails_a_broken_one(uow, tmp_path, capsys):
    contract = account(uow)
    invoice = bill(uow, contract, 1200, InvoiceKind.ESTIMATE, date(2026, 10, 10))
    export_period(uow=uow(), period=Period(date(2026, 10, 1), date(2026, 10, 31)), out=tmp_path, check=False)
    good = tmp_path / f"{invoice.series}.xml"
    broken = tmp_path / "broken.xml"
    broken.write_bytes(good.read_bytes().replace(b"<cbc:PayableAmount currencyID=\"RON\">",
                                                 b"<cbc:PayableAmount currencyID=\"RON\">1"))
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(good), str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{good}: OK" in out and "BR-CO-16" in out
    assert not (tmp_path / INVALID_DIR).exists()


def test_a_period_that_ends_before_it_starts_is_refused_with_status_2(tmp_path):
    with pytest.raises(SystemExit) as refused:
        main(["export", "--from", "2026-10-31", "--to", "2026-10-01", "--out", str(tmp_path)])
    assert refused.value.code == 2 and not list(tmp_path.iterdir())
