"""Submission to RO e-Factura against a local fake of the authority's API: accepted, rejected with its rules,
timed out and answered 500 end in the right state, retries stop at the limit, a document the official rules
refuse is never sent, and two workers at once send each document once (SQLite and PostgreSQL)."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from core.efactura.anaf import HttpClient
from core.efactura.deadlines import deadline_for
from core.efactura.listing import SubmissionFilter, list_submissions
from core.efactura.submission import prepare_pending, run_due
from core.models import AuditEvent, ConsumptionPlace, EfacturaSubmission, InvoiceKind, Role
from core.platform.config import settings
from core.staff.auth import Actor
from tests.concurrency import at_once
from tests.efactura_samples import account, bill, compensation, credit
from tests.fake_anaf import REJECTION_RULES, FakeAuthority
from workflows.efactura_submission import State


@pytest.fixture
def authority(monkeypatch):
    fake = FakeAuthority(slow_seconds=1.5)
    monkeypatch.setattr(settings, "efactura_retry_minutes", 0)  # every retry is due at once
    monkeypatch.setattr(settings, "efactura_max_attempts", 3)
    monkeypatch.setattr(settings, "efactura_resume_wait_minutes", 0)  # an unanswered upload is resent at once
    yield fake
    fake.close()


def client(fake: FakeAuthority) -> HttpClient:
    return HttpClient(fake.url, fake.token_url, timeout=0.5)


def rows(uow) -> dict[str, EfacturaSubmission]:
    with uow() as u:
        return {r.number: r for r in u.session.exec(select(EfacturaSubmission))}


def invoices(uow, count: int) -> list:
    contract = account(uow)
    return [bill(uow, contract, 1000 + 100 * (n + 1), InvoiceKind.ESTIMATE, date(2026, 10, 1) + timedelta(days=n))
            for n in range(count)]


def test_accepted_and_rejected_documents_keep_the_answer_and_the_rules(uow, authority):
    good, bad = invoices(uow, 2)
    note = credit(uow, good, "20.00")
    authority.behaviour[bad.series] = "reject"
    assert prepare_pending(uow=uow()) == {"prepared": 3, "invalid": 0}
    assert prepare_pending(uow=uow())["prepared"] == 0  # once per document
    first = run_due(uow=uow(), client=client(authority))
    second = run_due(uow=uow(), client=client(authority))
    assert (first["uploaded"], second["accepted"], second["rejected"]) == (3, 2, 1)
    done = rows(uow)
    assert done[good.series].state == State.ACCEPTED and done[good.series].answer_zip.startswith(b"PK")
    assert done[note.number].state == State.ACCEPTED and done[note.number].upload_index
    assert done[bad.series].state == State.REJECTED and done[bad.series].failed_rules == REJECTION_RULES
    with uow() as u:
        steps = [e.trigger for e in u.session.exec(select(AuditEvent).where(AuditEvent.subject == f"invoice:{bad.id}")
                                                   .order_by(AuditEvent.seq))]
    assert steps == ["efactura_prepare", "efactura_upload", "efactura_reject"]


def test_a_compensation_is_reported_like_any_credit_note_and_listed_with_its_account(uow, authority):
    contract = account(uow)
    note = compensation(uow, contract, "62.50")
    assert prepare_pending(uow=uow()) == {"prepared": 1, "invalid": 0}
    run_due(uow=uow(), client=client(authority))
    run_due(uow=uow(), client=client(authority))
    assert rows(uow)[note.number].state == State.ACCEPTED
    [row] = list_submissions(uow=uow(), actor=Actor("analyst", Role.ANALYST), filters=SubmissionFilter()).rows
    assert (row.number, row.credit_note, row.compensation_contract_id, row.invoice_id) == (
        note.number, True, contract.id, None)


def test_a_document_the_official_rules_refuse_is_never_sent(uow, authority):
    (invoice,) = invoices(uow, 1)
    with uow() as u:  # a street longer than CIUS-RO allows (BR-RO-L154: 150 characters)
        place = u.session.get(ConsumptionPlace, invoice.place_id)
        place.address = "Str. " + "Lunga" * 32 + " nr. 1, Iași"
        u.session.add(place)
        u.commit()
    assert prepare_pending(uow=uow())["invalid"] == 1
    run_due(uow=uow(), client=client(authority))
    row = rows(uow)[invoice.series]
    assert row.state == State.INVALID and any("BR-RO-L154" in rule for rule in row.failed_rules)
    assert authority.uploads[invoice.series] == 0


def test_timeouts_and_server_errors_are_retried_then_given_up_at_the_limit(uow, authority):
    slow, broken = invoices(uow, 2)
    authority.behaviour.update({slow.series: "slow", broken.series: "error"})
    prepare_pending(uow=uow())
    outcomes = [run_due(uow=uow(), client=client(authority)) for _ in range(4)]
    assert [o["retry"] for o in outcomes] == [2, 2, 0, 0] and outcomes[2]["failed"] == 2
    done = rows(uow)
    assert {done[slow.series].state, done[broken.series].state} == {State.FAILED}
    assert "Timeout" in done[slow.series].last_error and "HTTP 500" in done[broken.series].last_error
    assert authority.uploads[slow.series] == authority.uploads[broken.series] == 3


def test_two_workers_at_once_send_every_document_once(uow, authority):
    issued = invoices(uow, 8)
    prepare_pending(uow=uow())
    for _ in range(2):
        results = at_once(2, lambda n: run_due(uow=uow(), client=client(authority)))
        assert not [r for r in results if isinstance(r, Exception)]
    assert {authority.uploads[i.series] for i in issued} == {1}
    assert {authority.polls[i.series] for i in issued} == {1}
    assert {r.state for r in rows(uow).values()} == {State.ACCEPTED}


@pytest.mark.parametrize(("issued", "deadline"), [
    (date(2025, 12, 30), date(2026, 1, 4)),  # until 2025: 5 calendar days counted from the day after issue
    (date(2026, 1, 9), date(2026, 1, 16)),  # from 2026: 5 working days (a Friday: the next Friday)
    (date(2026, 11, 27), date(2026, 12, 8)),  # 30 November and 1 December are holidays
])
def test_the_reporting_deadline_follows_the_rule_of_the_issue_date(issued, deadline):
    assert deadline_for(issued) == deadline


def test_submit_command_prepares_sends_and_collects_the_answers(uow, engine, authority, monkeypatch, capsys):
    from core.efactura.__main__ import main

    invoices(uow, 2)
    monkeypatch.setattr(settings, "database_url", engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr(settings, "efactura_api_url", None)
    assert main(["submit"]) == 2 and "EFACTURA_API_URL" in capsys.readouterr().err
    monkeypatch.setattr(settings, "efactura_api_url", authority.url)
    monkeypatch.setattr(settings, "efactura_token_url", authority.token_url)
    assert main(["submit", "--passes", "2"]) == 0
    err = capsys.readouterr().err
    assert "pass 1: uploaded 2" in err and "pass 2: uploaded 0, accepted 2" in err
    assert {r.state for r in rows(uow).values()} == {State.ACCEPTED}


def test_a_document_that_cannot_be_built_is_invalid_with_the_reason_and_later_passes_read_only_new_rows(uow,
                                                                                                   authority):
    first, second = invoices(uow, 2)
    with uow() as u:
        place = u.session.get(ConsumptionPlace, first.place_id)
        place.address = "Str. Morii 2, Homocea"
        u.session.add(place)
        u.commit()
    assert prepare_pending(uow=uow()) == {"prepared": 0, "invalid": 2}  # the place is both invoices'
    assert prepare_pending(uow=uow()) == {"prepared": 0, "invalid": 0}
    row = rows(uow)[second.series]
    assert row.state == State.INVALID and row.xml == b"" and "Homocea" in row.failed_rules[0]
    later = bill(uow, account(uow, pod="RO006E000000001"), 1200, InvoiceKind.ESTIMATE, date(2026, 11, 2))
    assert prepare_pending(uow=uow()) == {"prepared": 1, "invalid": 0}
    run_due(uow=uow(), client=client(authority))
    assert authority.uploads[later.series] == 1 and authority.uploads[second.series] == 0


def test_the_message_list_names_what_was_sent_for_our_tax_id(uow, authority):
    invoices(uow, 2)
    prepare_pending(uow=uow())
    run_due(uow=uow(), client=client(authority))
    listed = client(authority).messages(days=60)
    assert sorted(m["id_solicitare"] for m in listed) == sorted(r.upload_index for r in rows(uow).values())
    assert {m["cif"] for m in listed} == {settings.efactura_supplier_cui}


class Crash(BaseException):
    """The worker process dying: nothing after the call runs."""


def test_a_worker_dying_after_the_authority_took_the_upload_is_resumed_from_the_message_list_not_resent(
        uow, authority, monkeypatch):
    (invoice,) = invoices(uow, 1)
    prepare_pending(uow=uow())
    crash_after_upload(uow, authority, monkeypatch)
    assert rows(uow)[invoice.series].upload_index is None and authority.uploads[invoice.series] == 1
    resumed = run_due(uow=uow(), client=client(authority))
    answered = run_due(uow=uow(), client=client(authority))
    row = rows(uow)[invoice.series]
    assert (resumed["uploaded"], answered["accepted"]) == (1, 1) and row.state == State.ACCEPTED
    assert authority.uploads[invoice.series] == 1 and row.upload_index


def crash_after_upload(uow, authority, monkeypatch) -> None:
    """One pass whose worker dies right after the authority took the upload, its lease running out at once."""
    dying = client(authority)
    real_upload = dying.upload

    def upload_then_die(xml, *, credit_note):
        real_upload(xml, credit_note=credit_note)
        raise Crash

    dying.upload = upload_then_die
    monkeypatch.setattr(settings, "efactura_lease_seconds", 0)
    with pytest.raises(Crash):
        run_due(uow=uow(), client=dying)


def test_an_upload_still_being_processed_when_its_worker_died_is_waited_for_not_resent(uow, authority, monkeypatch):
    monkeypatch.setattr(settings, "efactura_resume_wait_minutes", 120)
    (invoice,) = invoices(uow, 1)
    prepare_pending(uow=uow())
    authority.processing.add(invoice.series)  # taken, not listed until processed
    crash_after_upload(uow, authority, monkeypatch)
    for _ in range(5):  # each pass looks for it and waits; none uses an attempt
        assert run_due(uow=uow(), client=client(authority))["retry"] == 1
    row = rows(uow)[invoice.series]
    assert (row.state, row.attempts, authority.uploads[invoice.series]) == (State.PREPARED, 1, 1)
    authority.processing.clear()  # processed: now listed
    assert run_due(uow=uow(), client=client(authority))["uploaded"] == 1
    assert run_due(uow=uow(), client=client(authority))["accepted"] == 1
    assert authority.uploads[invoice.series] == 1


def test_an_upload_left_unanswered_is_found_in_the_list_and_one_never_listed_is_resent_after_the_wait(
        uow, authority, monkeypatch):
    monkeypatch.setattr(settings, "efactura_resume_wait_minutes", 120)
    taken, lost = invoices(uow, 2)
    authority.behaviour.update({taken.series: "slow_taken", lost.series: "slow"})  # both answer after the timeout
    prepare_pending(uow=uow())
    assert run_due(uow=uow(), client=client(authority))["retry"] == 2
    authority.behaviour.clear()
    after = run_due(uow=uow(), client=client(authority))
    assert rows(uow)[taken.series].state == State.UPLOADED  # found in the message list, polled under its index
    assert (after["uploaded"], authority.uploads[taken.series]) == (1, 1)
    assert rows(uow)[lost.series].state == State.PREPARED and authority.uploads[lost.series] == 1  # waited for
    monkeypatch.setattr(settings, "efactura_resume_wait_minutes", 0)  # the wait is over, still not listed
    run_due(uow=uow(), client=client(authority))
    assert rows(uow)[lost.series].state == State.UPLOADED and authority.uploads[lost.series] == 2
