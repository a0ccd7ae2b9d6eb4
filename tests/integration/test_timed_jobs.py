"""Timed jobs with the clock moved forward: a reminder goes out once, a request without its documents is
cancelled once by the system, a missed deadline is marked once, a late close is compensated once with the
right amount and settled like a credit note, and two workers at once never double any of it."""

from datetime import UTC, date, datetime

from sqlmodel import select

from core.models import AuditEvent, Compensation, CreditNote, OutboxMessage, PaymentAllocation, clock_at
from core.services import cases
from core.services.disputes import open_dispute
from core.workflow import timed_jobs
from tests.concurrency import at_once
from tests.factories import CLERK, count, current_version, invoice_for, make_account, register_case, reload
from tests.settlement_invariants import check_contract

NOV_2 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # Monday: documents due Monday 23 November (15 working days)
NOV_20 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # a dispute opened now is answered by Tuesday 15 December


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def run(uow, day: date, hour: int = 10) -> dict[str, int]:
    return timed_jobs.run_due(uow=uow(), now=at(day, hour))


def messages(uow, template: str) -> list[OutboxMessage]:
    with uow() as u:
        return list(u.session.exec(select(OutboxMessage).where(OutboxMessage.template == template)))


def events(uow, case_id: int, trigger: str) -> list[AuditEvent]:
    with uow() as u:
        return list(u.session.exec(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                            AuditEvent.trigger == trigger)))


def request_without_documents(uow, pod: str = "RO005E512345678", national_id: str = "1800101221144") -> int:
    with clock_at(NOV_2):
        return register_case(uow, make_account(uow, pod=pod, national_id=national_id), documents=("id_card",),
                             pod=pod).id


def move(uow, case_id: int, trigger: str, when: datetime, **fields):
    with clock_at(when):
        return cases.fire_trigger(uow=uow(), case_id=case_id, expected_version=current_version(uow, case_id),
                                  trigger=trigger, actor=CLERK, **fields)


def dispute(uow, pod: str = "RO005E512345601", national_id: str = "1800101400015") -> tuple[int, int]:
    """(case id, contract id) of a 50 lei dispute on a 200 kWh invoice, opened 20 November, under review."""
    contract = make_account(uow, pod=pod, national_id=national_id)
    invoice = invoice_for(uow, contract)
    with clock_at(NOV_20):
        case = open_dispute(uow=uow(), actor=CLERK, invoice_id=invoice.id, form={
            "category": "wrong_reading", "amount": "50.00", "description": "Indexul real este mai mic."})
    move(uow, case.id, "start_review", NOV_20)
    return case.id, contract.id


def test_the_documents_reminder_goes_out_once_five_working_days_before_the_deadline(uow):
    case_id = request_without_documents(uow)
    assert reload(uow, case_id).due_date == date(2026, 11, 23)
    assert run(uow, date(2026, 11, 13))["documents reminders"] == 0  # six working days before
    assert run(uow, date(2026, 11, 16))["documents reminders"] == 1  # Monday 16: five before Monday 23
    assert run(uow, date(2026, 11, 17))["documents reminders"] == 0
    [reminder] = messages(uow, "holder_change.documents_reminder")
    assert reminder.recipient == "maria.ionescu@example.com"
    assert "23.11.2026" in reminder.body and "/upload?token=" in reminder.body  # what is missing, and the link
    assert len(events(uow, case_id, "documents_reminder")) == 1


def test_no_reminder_when_every_document_came(uow):
    with clock_at(NOV_2):
        case = register_case(uow, make_account(uow))
    run(uow, date(2026, 11, 16))
    assert reload(uow, case.id).state == "documents_received"
    assert messages(uow, "holder_change.documents_reminder") == []


def test_a_request_still_without_documents_past_its_deadline_is_cancelled_once_by_the_system(uow):
    case_id = request_without_documents(uow)
    assert run(uow, date(2026, 11, 23))["requests cancelled for missing documents"] == 0  # the last day
    assert run(uow, date(2026, 11, 24))["requests cancelled for missing documents"] == 1
    assert run(uow, date(2026, 11, 25))["requests cancelled for missing documents"] == 0
    case = reload(uow, case_id)
    assert (case.state, case.closed_at is not None) == ("cancelled", True)
    [cancel] = events(uow, case_id, "cancel")
    assert (cancel.actor, cancel.role) == ("system", "system")
    [mail] = messages(uow, "holder_change.cancelled")
    assert "23.11.2026" in mail.body and "/holder_change_online?lang=ro" in mail.body  # how to start again
    assert events(uow, case_id, "deadline_missed") == []  # cancelled, not left open and late


def test_a_dispute_past_its_answer_deadline_is_marked_missed_once(uow):
    case_id, _ = dispute(uow)
    assert run(uow, date(2026, 12, 15))["deadlines missed"] == 0  # the last day
    assert run(uow, date(2026, 12, 16))["deadlines missed"] == 1
    assert run(uow, date(2026, 12, 17))["deadlines missed"] == 0
    assert reload(uow, case_id).deadline_missed_at.replace(tzinfo=None) == datetime(2026, 12, 16, 10, 0)
    [event] = events(uow, case_id, "deadline_missed")
    assert event.details == {"deadline": "answer", "due_date": "2026-12-15"}


def test_a_dispute_answered_two_working_days_late_is_compensated_once_with_200_lei(uow):
    case_id, contract_id = dispute(uow)
    move(uow, case_id, "reject", at(date(2026, 12, 17), 9), reason="Indexul a fost citit corect.")
    assert run(uow, date(2026, 12, 17), 12)["compensations paid"] == 1  # 100 + 2 × 50 (16 and 17 December)
    assert run(uow, date(2026, 12, 18))["compensations paid"] == 0
    with uow() as u:
        [paid] = u.session.exec(select(Compensation)).all()
        note = u.session.get(CreditNote, paid.credit_note_id)
        settled = u.session.exec(select(PaymentAllocation).where(PaymentAllocation.credit_note_id == note.id)).all()
    assert (paid.case_id, paid.days_late, str(paid.amount), paid.deadline_kind) == (
        case_id, 2, "200.00", "payment_dispute.answer")
    assert (note.contract_id, note.invoice_id, str(note.amount)) == (contract_id, None, "200.00")
    assert sum(s.amount for s in settled) > 0  # it settled the open invoice, as a credit note does
    check_contract(uow, contract_id)
    [mail] = messages(uow, "compensation.paid")
    assert "200,00 lei" in mail.body and note.number in mail.body
    assert len(events(uow, case_id, "compensation")) == 1


def test_a_dispute_answered_on_time_or_paused_until_it_is_on_time_is_not_compensated(uow):
    on_time, _ = dispute(uow)
    paused, _ = dispute(uow, pod="RO005E512345602", national_id="2850505400014")
    move(uow, on_time, "reject", at(date(2026, 12, 15), 9), reason="Indexul a fost citit corect.")
    # waiting for the customer 7-11 December (5 working days) moves the answer to 22 December
    move(uow, paused, "request_information", at(date(2026, 12, 7), 9), reason="Trimiteți o fotografie.")
    move(uow, paused, "reject", at(date(2026, 12, 11), 9), reason="Nu am primit fotografia.")
    assert run(uow, date(2026, 12, 18))["compensations paid"] == 0
    assert count(uow, Compensation) == count(uow, CreditNote) == 0


def test_two_workers_at_once_never_double_a_reminder_a_cancellation_a_mark_or_a_compensation(uow):
    reminded = request_without_documents(uow)
    late_disputes = [dispute(uow, pod=f"RO005E51234560{n}", national_id=national_id)[0]
                     for n, national_id in ((1, "1800101400015"), (2, "2850505400014"))]
    for case_id in late_disputes:
        move(uow, case_id, "reject", at(date(2026, 12, 17), 9), reason="Indexul a fost citit corect.")
    open_late, _ = dispute(uow, pod="RO005E512345603", national_id="1900202400013")
    abandoned = request_without_documents(uow, pod="RO005E512345604", national_id="1700303400019")
    move(uow, abandoned, "cancel", NOV_2, reason="Clientul a renunțat.")  # only the first is left
    results = at_once(2, lambda _n: run(uow, date(2026, 12, 17), 12))
    assert not [r for r in results if isinstance(r, Exception)], results
    total = {name: sum(r[name] for r in results) for name in results[0]}
    assert total == {"documents reminders": 0, "requests cancelled for missing documents": 1,
                     "deadlines missed": 1, "compensations paid": 2}
    assert len(events(uow, reminded, "cancel")) == 1 and len(events(uow, open_late, "deadline_missed")) == 1
    assert count(uow, Compensation) == count(uow, CreditNote) == len(messages(uow, "compensation.paid")) == 2


def test_two_workers_at_once_send_one_reminder(uow):
    request_without_documents(uow)
    results = at_once(2, lambda _n: run(uow, date(2026, 11, 16)))
    assert sum(r["documents reminders"] for r in results) == 1
    assert len(messages(uow, "holder_change.documents_reminder")) == 1


def test_the_case_page_the_sla_report_and_the_dashboard_show_the_compensation(uow):
    from io import BytesIO

    import openpyxl

    from core.cases import dashboard
    from core.cases.dashboard import DashboardFilter
    from core.reports import Filters, Period, run_report
    from core.services.timed import case_timed
    from tests.factories import SUPERVISOR

    waiting = request_without_documents(uow)
    case_id, _ = dispute(uow, pod="RO005E512345602", national_id="2850505400014")
    move(uow, case_id, "reject", at(date(2026, 12, 17), 9), reason="Indexul a fost citit corect.")
    with clock_at(at(date(2026, 11, 10))):
        ahead = case_timed(uow=uow(), actor=CLERK, case_id=waiting).ahead
    assert [(e.kind, e.on) for e in ahead] == [("reminder", date(2026, 11, 16)), ("auto_cancel", date(2026, 11, 24))]
    run(uow, date(2026, 12, 17), 12)
    with clock_at(at(date(2026, 12, 18))):
        paid = case_timed(uow=uow(), actor=CLERK, case_id=case_id).compensation
    assert (str(paid.amount), paid.days_late, paid.paid_on) == ("200.00", 2, date(2026, 12, 17))
    board = dashboard.compensation_paid(uow=uow(), actor=SUPERVISOR,
                                        filters=DashboardFilter(date(2026, 12, 1), date(2026, 12, 31)))
    assert [(r.month, r.deadline_kind, r.cases, str(r.amount)) for r in board] == [
        (date(2026, 12, 1), "payment_dispute.answer", 1, "200.00")]
    out = BytesIO()
    run_report(uow=uow(), actor=SUPERVISOR, name="sla", period=Period(date(2026, 12, 14), date(2026, 12, 20)),
               filters=Filters(), out=out)
    header, *values = list(openpyxl.load_workbook(BytesIO(out.getvalue())).worksheets[1].iter_rows(values_only=True))
    week = next(dict(zip(header, v, strict=True)) for v in values if v[0] == "Contestație factură")
    assert (week["Închise cu depășire"], week["Compensate"], week["Compensații (lei)"]) == (1, 1, 200)
