"""A real `streamlit run server.py` (the app plus its HTTP routes) on a fresh SQLite file (seeded on
first start, as a new user gets it),
driven by Playwright in Debian's chromium."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
READY = "[data-testid=stApp][data-test-script-state=notRunning]"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(data: Path, **env: str) -> Iterator[str]:
    """Runs `streamlit run server.py` on a free port with a database in `data`; yields the base URL."""
    if not shutil.which(CHROMIUM):
        pytest.fail("the browser tests need Debian's chromium: apt-get install chromium")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{data / 'ghiseu.db'}", "PUBLIC_BASE_URL": base, **env}
    log = open(data / "streamlit.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start: " + (data / "streamlit.log").read_text()[-2000:])
        yield base
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, browser):
    """Serves the app on a new database seeded on first start; yields (base URL, database URL) once the
    seed, which runs in the background, is done (the sign-in form is offered only then)."""
    data = tmp_path_factory.mktemp("app")
    with serve(data, SEED_ACCOUNTS="80", SEED_CASES="40") as base:
        wait_until_seeded(browser, base)
        yield base, f"sqlite:///{data / 'ghiseu.db'}"


def wait_until_seeded(browser, base: str, timeout_ms: int = 240_000) -> None:
    from core.platform.i18n import t

    context = browser.new_context(locale="ro-RO")
    page = context.new_page()
    page.goto(f"{base}/sign_in")
    page.get_by_label(t("ui.signin.username")).wait_for(timeout=timeout_ms)
    context.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ro-RO")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_server[0])
    page.wait_for_selector(READY, timeout=180_000)
    yield page
    context.close()
