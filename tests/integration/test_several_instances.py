"""Two app processes and two workers against one database (issue 12 item 5), as behind a reverse proxy:
a clerk's comment typed on instance A is on the case page another clerk opens on instance B; the session
cookie A set is valid on B (sessions live in the database, so only the WebSocket needs to be sticky); and
the two workers deliver every queued message to the SMTP peer exactly once. PostgreSQL when
TEST_DATABASE_URL is set (the production setup), else one shared SQLite file (one machine only)."""

import os
from collections import Counter
from contextlib import ExitStack

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text
from sqlmodel import col, func, select

from core.models import Case, OutboxMessage, OutboxStatus, StaffSession
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from core.platform.outbox import queue_email
from tests.app_processes import READY, app_process, wait_until_seeded, wait_until_up, worker
from tests.database import new_database
from tests.e2e.steps import settle, sign_in, signed_in
from tests.smtp_peer import smtp_peer

pytestmark = pytest.mark.browser
BACKEND = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
MAX_CONNECTIONS_PER_PROCESS = 20  # core.platform.db: pool_size 10 + max_overflow 10 (README "Deployment")
MESSAGES, PER_TRANSACTION = 120, 15  # more than one worker batch (50), so both workers claim at once


def open_page(browser: Browser, url: str, context=None) -> Page:
    page = (context or browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ro-RO")).new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    return page


def open_history(page: Page, number: str) -> None:
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    page.get_by_role("tab", name=t("ui.case.tab_history")).click()
    settle(page)


def queue_messages(engine) -> list[int]:
    """Queues MESSAGES e-mails in small transactions while the workers run; returns their ids."""
    ids = []
    for first in range(0, MESSAGES, PER_TRANSACTION):
        with UnitOfWork(engine) as uow:
            rows = [queue_email(uow.session, recipient=f"client{n}@example.test", template="holder_change.cancelled",
                                name=f"Client {n}", registration_number=f"HC-{n:05d}", reason="test")
                    for n in range(first, first + PER_TRANSACTION)]
            uow.commit()
        ids += [row.id for row in rows]
    return ids


def connections_per_process(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(text(
            "SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name LIKE 'ghiseu-%' GROUP BY application_name")).all())


def test_two_apps_and_two_workers_share_one_database(tmp_path, browser):
    with new_database(BACKEND, tmp_path, "instances") as url, smtp_peer() as peer, ExitStack() as running:
        env = dict(DATABASE_URL=url, SECRET_KEY="several-instances-shared-secret", SEED_ACCOUNTS="8",
                   SEED_CASES="4", SMTP_HOST=peer.host, SMTP_PORT=str(peer.port), SMTP_STARTTLS="false")
        for name in ("1", "2"):
            running.enter_context(worker(tmp_path / f"worker-{name}.log", PGAPPNAME=f"ghiseu-worker-{name}", **env))
        apps = {}
        for name in ("a", "b"):  # started side by side, then waited for
            (tmp_path / name).mkdir()
            apps[tmp_path / name] = running.enter_context(app_process(tmp_path / name, PGAPPNAME=f"ghiseu-app-{name}",
                                                                      **env))
        for data, base in apps.items():
            wait_until_up(base, data)
        apps = list(apps.values())

        # both first visits at once: the two apps bring the new database up (schema, demo data) together
        at_a, at_b = open_page(browser, apps[0]), open_page(browser, apps[1])
        for page in (at_a, at_b):
            page.wait_for_selector(READY, timeout=180_000)
            expect(page.get_by_test_id("stException")).to_have_count(0)
        for base in apps:  # the demo data is seeded in the background, once: each app offers sign-in after it
            wait_until_seeded(browser, base)
        engine = get_engine(url)
        with UnitOfWork(engine) as uow:
            case = uow.session.exec(select(Case).order_by(Case.id)).first()
        path, comment = f"case_detail?case={case.id}", f"Verificat pe instanța A, nr. {case.id}"

        # 1. a change made on A is seen on B, by another clerk in another browser
        sign_in(at_a, apps[0], "clerk", "clerk-demo", path)
        open_history(at_a, case.registration_number)
        at_a.get_by_label(t("ui.case.comment"), exact=True).fill(comment)
        at_a.get_by_role("button", name=t("ui.case.comment_submit")).click()
        settle(at_a)
        expect(at_a.get_by_text(comment)).to_be_visible()
        sign_in(at_b, apps[1], "clerk2", "clerk-demo", path)
        open_history(at_b, case.registration_number)
        expect(at_b.get_by_text(comment)).to_be_visible()

        # 2. the cookie A set opens B signed in, and keeps it signed in across a reload: no new session
        with UnitOfWork(engine) as uow:
            sessions = uow.session.exec(select(func.count()).select_from(StaffSession)).one()
        carried = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ro-RO")
        carried.add_cookies(at_a.context.cookies())
        on_b = open_page(browser, f"{apps[1]}/{path}", carried)
        signed_in(on_b)
        open_history(on_b, case.registration_number)
        expect(on_b.get_by_text(comment)).to_be_visible()
        on_b.reload()
        signed_in(on_b)
        expect(on_b.get_by_role("heading", name=case.registration_number)).to_be_visible()
        with UnitOfWork(engine) as uow:
            assert uow.session.exec(select(func.count()).select_from(StaffSession)).one() == sessions == 2

        # 3. the two workers deliver every queued message exactly once
        ids = queue_messages(engine)
        pool = connections_per_process(engine) if BACKEND == "postgresql" else {}
        for _ in range(60):
            with UnitOfWork(engine) as uow:
                rows = uow.session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))).all()
            if all(row.status != OutboxStatus.QUEUED for row in rows):
                break
            at_a.wait_for_timeout(500)
        assert Counter(row.status for row in rows) == {OutboxStatus.SENT: MESSAGES}
        assert all(row.attempts == 1 for row in rows)
        delivered = Counter(peer.message_ids())  # ours, and any the workers' timed jobs queued for the demo cases
        assert {row.message_id for row in rows} <= set(delivered)
        assert max(delivered.values()) == 1
        print("messages per worker:", Counter(row.claimed_by.split("/")[1] for row in rows))

        if BACKEND == "postgresql":  # four processes on the one database, each within its pool
            pool = {name: max(count, connections_per_process(engine).get(name, 0)) for name, count in pool.items()}
            print("connections per process:", pool)
            assert set(pool) == {"ghiseu-app-a", "ghiseu-app-b", "ghiseu-worker-1", "ghiseu-worker-2"}
            assert max(pool.values()) <= MAX_CONNECTIONS_PER_PROCESS
        engine.dispose()
