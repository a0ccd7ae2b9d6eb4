"""The admin's outbox: what was queued for customers, recipients masked, bodies readable, and the state the
workers report (not the app's own settings) with the queue's real figures."""

from datetime import UTC, datetime, timedelta

import pytest

from core.models import clock_at
from core.platform.config import settings
from core.platform.worker import deliver_due, record_heartbeat
from tests.factories import make_account, register_case, valid_cnp
from tests.ui.conftest import shown, table, texts

OUTBOX = "pages/outbox.py"


def test_the_admin_sees_the_confirmation_email_with_a_masked_recipient(uow, open_app):
    case = register_case(uow, make_account(uow), documents=())
    at = open_app("admin", OUTBOX)
    rows = table(at)
    assert list(rows["recipient"]) == ["m***@example.com"]
    assert case.registration_number in rows["subject"][0]
    assert rows["status"][0] == "În coadă"
    assert [m.value for m in at.metric] == ["1", "0", "0", "0 minute"]
    assert "1 mesaj · pagina 1 din 1" in texts(at, "caption")


def test_the_admin_lands_on_the_outbox_and_is_told_messages_wait_for_the_worker(uow, open_app):
    at = open_app("admin")
    assert at.title[0].value == "Mesaje trimise"
    warning = texts(at, "warning")
    assert "Niciun worker nu a raportat încă" in warning and "python -m core.platform.worker" in warning
    assert "Niciun mesaj" in texts(at)


def test_filtering_by_sent_hides_the_queued_message(uow, open_app):
    register_case(uow, make_account(uow), documents=())
    at = open_app("admin", OUTBOX)
    at.segmented_control(key="outbox_status").set_value("sent").run()
    assert not at.dataframe and "Niciun mesaj" in texts(at)


def test_the_message_body_is_readable_in_an_expander(uow, open_app):
    case = register_case(uow, make_account(uow), documents=())
    at = open_app("admin", OUTBOX)
    assert case.registration_number in shown(at.expander[0].label)
    assert "Actul de identitate al noului titular" in texts(at, "text")


@pytest.mark.parametrize("username", ["clerk", "analyst"])
def test_only_the_admin_has_the_outbox(open_app, username):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app(username).switch_page(OUTBOX)


def beat(uow, at: datetime, channels=("email",), interval=15.0):
    with clock_at(at):
        record_heartbeat(uow=uow(), worker="worker-1/4242", started_at=at - timedelta(hours=1),
                         interval_seconds=interval, channels=channels)


def test_a_worker_delivering_with_smtp_shows_as_running_even_if_the_app_has_no_smtp_setting(uow, open_app,
                                                                                            monkeypatch):
    monkeypatch.setattr(settings, "smtp_host", None)  # the app's own settings: no SMTP here
    beat(uow, datetime.now(UTC) - timedelta(seconds=10))
    at = open_app("admin", OUTBOX)
    shown_text = "\n".join(texts(at, kind) for kind in ("success", "info", "warning", "caption"))
    assert "1 worker activ · ultimul semnal la" in texts(at, "success")
    assert "E-mail: SMTP configurat în worker." in shown_text
    assert "SMS: worker-ul rulează fără gateway" in shown_text
    assert "nu este configurat" not in shown_text


def test_a_worker_silent_for_several_passes_is_shown_stopped_with_its_last_heartbeat(uow, open_app):
    last = datetime.now(UTC) - timedelta(minutes=5)
    beat(uow, last, interval=30)
    at = open_app("admin", OUTBOX)
    assert "Niciun worker nu rulează: ultimul semnal a venit la" in texts(at, "warning")
    assert not at.success


def test_the_figures_are_the_queue_as_it_is(uow, open_app, monkeypatch):
    """Sent two hours ago (not counted), sent 40 minutes ago, failed, and one waiting for 25 minutes."""
    monkeypatch.setattr(settings, "outbox_max_attempts", 1)
    now = datetime.now(UTC)

    def refuse(message):
        raise ConnectionRefusedError("smtp down")

    for n, (queued_at, delivered_at, send) in enumerate([
            (now - timedelta(hours=3), now - timedelta(hours=2), list().append),
            (now - timedelta(minutes=50), now - timedelta(minutes=40), list().append),
            (now - timedelta(minutes=45), now - timedelta(minutes=35), refuse),
            (now - timedelta(minutes=25), None, None)]):
        pod = f"RO005E51234567{n}"
        with clock_at(queued_at):
            register_case(uow, make_account(uow, pod=pod, national_id=valid_cnp(f"18001014000{n}")), documents=(),
                          pod=pod)
        if delivered_at:
            with clock_at(delivered_at):
                deliver_due(uow=uow(), send=send)
    at = open_app("admin", OUTBOX)
    assert [(m.label, m.value) for m in at.metric] == [("În coadă", "1"), ("Trimise în ultima oră", "1"),
                                                       ("Eșuate", "1"), ("Cel mai vechi în așteptare", "25 de minute")]
    assert "4 mesaje · pagina 1 din 1" in texts(at, "caption")
