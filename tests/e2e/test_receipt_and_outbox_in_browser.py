"""What leaves the product after a customer pays, in a real browser and a real mail reader: the app queues the
receipt, a running worker delivers it to an SMTP peer, the customer's reader shows the amount as every screen
writes it ("1.234,56 lei", never "1234.56 lei"), and the admin's outbox page shows the worker running and the
message sent in the last hour, from the worker's heartbeat (the app itself has no SMTP setting)."""

import email
import email.policy
import re

import pytest
from playwright.sync_api import expect

from core.accounts.money import format_lei
from core.platform.i18n import t, t_plural
from tests.app_processes import serve, wait_until_seeded, worker
from tests.e2e.steps import sign_in
from tests.e2e.test_pay_in_browser import owing_contracts, pay_on_the_hosted_page
from tests.smtp_peer import smtp_peer

pytestmark = pytest.mark.browser


def test_the_receipt_reads_in_lei_and_the_outbox_shows_the_worker_that_sent_it(tmp_path, browser):
    with smtp_peer() as peer, serve(tmp_path, SEED_ACCOUNTS="12", SEED_CASES="4") as base:
        wait_until_seeded(browser, base)
        db_url = f"sqlite:///{tmp_path / 'ghiseu.db'}"
        _, payment_code, due = owing_contracts(db_url)[0]
        page = browser.new_context(locale="ro-RO", viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(60_000)
        pay_on_the_hosted_page(page, base, payment_code, due, "confirm")
        expect(page.get_by_text(t("ui.pay.paid_title"))).to_be_visible()

        with worker(tmp_path / "worker.log", DATABASE_URL=db_url, SMTP_HOST=peer.host, SMTP_PORT=str(peer.port),
                    SMTP_STARTTLS="false"):
            subject = t("message.online_payment.receipt.subject", amount=format_lei(due))
            for _ in range(120):
                received = [email.message_from_bytes(raw, policy=email.policy.default) for raw in peer.received]
                if any(m["Subject"] == subject for m in received):
                    break
                page.wait_for_timeout(500)
            receipt = next((m for m in received if m["Subject"] == subject), None)
            assert receipt is not None, (tmp_path / "worker.log").read_text()[-2000:]
            assert receipt["To"] == "client.plata@example.com"
            body = receipt.get_content()
            assert format_lei(due) in body and str(due) not in body  # "1.234,56 lei", not "1234.56"
            assert re.search(r"\d,\d{2} lei", subject)

            page.context.clear_cookies()
            sign_in(page, base, "admin", "admin-demo", "outbox")
            running = re.escape(t_plural("ui.outbox_state.running", 1, seen="@")).replace("@", ".+")
            expect(page.get_by_text(re.compile(running))).to_be_visible()
            expect(page.get_by_text(t("ui.outbox_state.email_on"))).to_be_visible()
            sent = page.get_by_test_id("stMetric").filter(has_text=t("ui.outbox_state.sent_last_hour"))
            expect(sent.get_by_test_id("stMetricValue")).to_have_text(re.compile(r"^[1-9]\d*$"))
            page.screenshot(path="/tmp/outbox-worker.png", full_page=True)
        page.context.close()
