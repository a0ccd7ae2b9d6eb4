"""What a customer's mail reader shows: e-mails go through a real SMTP peer and the bytes it received are
read back with the standard reader (`email.policy.default`); subject and body must read exactly as written,
however the long Romanian subject was folded on the way."""

import email
import email.policy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from core.models import OutboxMessage
from core.platform.worker import deliver_due, smtp_sender
from tests.factories import make_account, register_case

WORDS = ["înregistrată", "și", "așteaptă", "a", "fost", "în", "Înregistrare", "contestația", "facturii", "până",
         "lucrătoare", "ȘTAMPILĂ", "Țara", "titularului", "CTS-2026-000123", "RO005E512345678", "de", "zile",
         "documentele", "schimbarea", "(15)", "–", "ă", "ÎÂȘȚĂ", "12345678901", "noul", "contract"]
subjects = st.lists(st.sampled_from(WORDS), min_size=6, max_size=40).map(" ".join)
bodies = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join),
                  min_size=1, max_size=8).map("\n".join)


def as_read(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def text(message: email.message.EmailMessage) -> str:
    """The body as the reader shows it: the wire's CRLF line breaks are line breaks."""
    return message.get_content().replace("\r\n", "\n")


def send(subject: str, body: str) -> None:
    smtp_sender(OutboxMessage(id=1, channel="email", recipient="maria.pop@example.com", subject=subject, body=body,
                              template="test", message_id="<outbox-1.test@ghiseu.example>"))


def test_a_long_subject_with_diacritics_reads_with_single_spaces(peer):
    subject = "Cererea CTS-2026-000123 de schimbare a titularului a fost înregistrată"
    send(subject, "Bună ziua,\n\nCererea a fost înregistrată.")
    received = as_read(peer.received[-1])
    assert received["Subject"] == subject
    assert text(received) == "Bună ziua,\n\nCererea a fost înregistrată.\n"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subjects, bodies)
def test_every_subject_and_body_reads_exactly_as_written(peer, subject, body):
    send(subject, body)
    received = as_read(peer.received[-1])
    assert received["Subject"] == subject
    assert text(received) == body + "\n"  # set_content ends the text with a line break
    assert all(len(line) <= 78 for line in peer.received[-1].split(b"\r\n\r\n")[0].split(b"\r\n"))


def test_the_worker_delivers_the_queued_messages_as_they_were_written(uow, peer):
    register_case(uow, make_account(uow))
    assert deliver_due(uow=uow(), send=smtp_sender)["sent"] == 2
    with uow() as u:
        queued = [(m.subject, m.body + "\n") for m in u.session.exec(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert [(m["Subject"], text(m)) for m in map(as_read, peer.received)] == queued
    assert any(len(f"Subject: {subject}") > 78 and not subject.isascii() for subject, _ in queued)  # folded
