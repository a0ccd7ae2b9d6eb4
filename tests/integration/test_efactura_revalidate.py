"""Re-checking a document the official rules refused, after its data are corrected: it goes back to `prepared`
through the workflow when the rebuilt XML passes, stays `invalid` with the new reasons when not, is audited, and
two clicks at once change it once (SQLite and PostgreSQL). Also the staff list's filters the dashboard opens."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from core.efactura.__main__ import main
from core.efactura.listing import SubmissionFilter, list_submissions
from core.efactura.revalidate import revalidate_submission
from core.efactura.status import backlog
from core.efactura.submission import prepare_pending
from core.efactura.validate import validate
from core.models import AuditEvent, ConsumptionPlace, EfacturaSubmission, InvoiceKind, clock_at
from core.platform.config import settings
from core.platform.errors import PermissionDenied, StaleCase, TransitionRefused
from tests.concurrency import at_once
from tests.efactura_samples import account, bill, credit
from tests.factories import ANALYST, CLERK, SUPERVISOR
from workflows.efactura_submission import State

LONG_STREET = "Str. " + "Lunga" * 32 + " nr. 1, Iași"  # BR-RO-L154: a street of at most 150 characters


def set_address(uow, invoice, address: str) -> None:
    with uow() as u:
        place = u.session.get(ConsumptionPlace, invoice.place_id)
        place.address = address
        u.session.add(place)
        u.commit()


def refused_invoice(uow):
    invoice = bill(uow, account(uow), 1200, InvoiceKind.ESTIMATE, date(2026, 10, 1))
    set_address(uow, invoice, LONG_STREET)
    assert prepare_pending(uow=uow())["invalid"] == 1
    return invoice


def submission(uow) -> EfacturaSubmission:
    with uow() as u:
        return u.session.exec(select(EfacturaSubmission)).one()


def steps(uow, invoice) -> list[tuple[str, str, str, str]]:
    with uow() as u:
        events = u.session.exec(select(AuditEvent).where(AuditEvent.subject == f"invoice:{invoice.id}")
                                .order_by(AuditEvent.seq))
        return [(e.trigger, e.actor, e.details.get("from"), e.details.get("to")) for e in events]


def test_a_corrected_document_goes_back_to_prepared_with_valid_xml_and_an_audit_event(uow):
    invoice = refused_invoice(uow)
    before = submission(uow)
    set_address(uow, invoice, "Str. Scurta nr. 1, Iași")
    result = revalidate_submission(uow=uow(), actor=SUPERVISOR, submission_id=before.id,
                                   expected_version=before.version)
    after = submission(uow)
    assert (result.state, result.failed_rules) == (State.PREPARED, ())
    assert (after.state, after.failed_rules, after.attempts, after.version) == (State.PREPARED, [], 0, 2)
    assert b"Str. Scurta nr. 1" in after.xml and validate(after.xml) == []
    assert steps(uow, invoice)[-1] == ("efactura_revalidate", "supervisor", State.INVALID, State.PREPARED)
    with pytest.raises(StaleCase):  # the same (now old) version again: nothing more happens
        revalidate_submission(uow=uow(), actor=SUPERVISOR, submission_id=before.id, expected_version=before.version)
    with pytest.raises(TransitionRefused):  # and a prepared document is not re-checked
        revalidate_submission(uow=uow(), actor=SUPERVISOR, submission_id=before.id, expected_version=2)
    assert len(steps(uow, invoice)) == 2


def test_a_document_still_wrong_stays_invalid_with_the_new_reasons(uow):
    invoice = refused_invoice(uow)
    before = submission(uow)
    set_address(uow, invoice, "Str. Scurta nr. 1, Nicăieri")  # now the locality cannot be read
    result = revalidate_submission(uow=uow(), actor=SUPERVISOR, submission_id=before.id,
                                   expected_version=before.version)
    after = submission(uow)
    assert result.state == State.INVALID and after.state == State.INVALID and after.version == 2
    assert not any("BR-RO-L154" in rule for rule in after.failed_rules)
    assert any("Nicăieri" in rule for rule in after.failed_rules) and after.xml == b""
    assert steps(uow, invoice)[-1] == ("efactura_revalidate", "supervisor", State.INVALID, State.INVALID)


def test_two_clicks_at_once_re_check_the_document_once(uow):
    invoice = refused_invoice(uow)
    row = submission(uow)
    set_address(uow, invoice, "Str. Scurta nr. 1, Iași")
    outcomes = at_once(2, lambda _: revalidate_submission(uow=uow(), actor=SUPERVISOR, submission_id=row.id,
                                                          expected_version=row.version))
    assert sorted(type(o).__name__ for o in outcomes) == ["Recheck", "StaleCase"]
    assert submission(uow).version == 2
    assert [s[0] for s in steps(uow, invoice)].count("efactura_revalidate") == 1


@pytest.mark.parametrize("actor", [ANALYST, CLERK])
def test_only_a_supervisor_re_checks(uow, actor):
    refused_invoice(uow)
    row = submission(uow)
    with pytest.raises(PermissionDenied):
        revalidate_submission(uow=uow(), actor=actor, submission_id=row.id, expected_version=row.version)
    assert submission(uow).version == 1


def test_the_command_re_checks_every_invalid_document(uow, engine, monkeypatch, capsys):
    invoice = refused_invoice(uow)
    monkeypatch.setattr(settings, "database_url", engine.url.render_as_string(hide_password=False))
    assert main(["revalidate", "--all-invalid"]) == 1  # not corrected yet: still invalid
    assert "BR-RO-L154" in capsys.readouterr().err
    set_address(uow, invoice, "Str. Scurta nr. 1, Iași")
    assert main(["revalidate", "--invoice", str(invoice.id)]) == 0
    assert submission(uow).state == State.PREPARED
    assert main(["revalidate", "--invoice", str(invoice.id)]) == 1  # prepared: nothing to re-check
    assert main(["revalidate", "--invoice", "999999"]) == 2


def test_the_list_filters_by_state_deadline_period_and_number_as_the_dashboard_counts(uow):
    contract = account(uow)
    first, second, third = (bill(uow, contract, 1100 + 100 * n, InvoiceKind.ESTIMATE, date(2026, 11, 2 + n))
                            for n in range(3))
    note = credit(uow, first, "20.00", on=date(2026, 11, 20))
    set_address(uow, third, LONG_STREET)  # the third's place is the contract's: all four documents refused
    prepare_pending(uow=uow())
    with uow() as u:  # the first two were accepted before the address changed
        for row in u.session.exec(select(EfacturaSubmission).where(
                EfacturaSubmission.number.in_([first.series, second.series]))):
            row.state = State.ACCEPTED if row.number == first.series else State.UPLOADED
            u.session.add(row)
        u.commit()

    def numbers(**filters) -> list[str]:
        return [r.number for r in list_submissions(uow=uow(), actor=ANALYST, filters=SubmissionFilter(**filters),
                                                   page_size=100).rows]

    with clock_at(datetime(2026, 11, 9, 9, tzinfo=UTC)):  # second due 10 Nov, third 11 Nov, the note 27 Nov
        assert numbers() == [first.series, second.series, third.series, note.number]
        assert numbers(state="invalid") == [third.series, note.number]
        assert numbers(state="not_accepted") == [second.series, third.series, note.number]
        assert numbers(due_soon=True) == [second.series, third.series]
        assert numbers(issued=(date(2026, 11, 3), date(2026, 11, 4))) == [second.series, third.series]
        assert numbers(number=note.number) == [note.number]
        figures = backlog(uow=uow(), actor=ANALYST)
        assert (figures.not_accepted, figures.refused, figures.due_soon, figures.late) == (3, 2, 2, 0)
    with clock_at(datetime(2026, 11, 11, 9, tzinfo=UTC)):
        assert numbers(late=True) == [second.series]
    page = list_submissions(uow=uow(), actor=ANALYST, filters=SubmissionFilter(state="invalid"), page_size=1)
    assert (page.total, page.pages, [r.invoice_id for r in page.rows]) == (2, 2, [third.id])
    (shown,) = list_submissions(uow=uow(), actor=ANALYST, filters=SubmissionFilter(number=note.number)).rows
    assert shown.credit_note and shown.invoice_id == first.id  # a credit note opens the invoice it corrects
    with pytest.raises(PermissionDenied):
        list_submissions(uow=uow(), actor=CLERK, filters=SubmissionFilter())
