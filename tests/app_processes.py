"""The product's own processes started for real by the tests: `streamlit run server.py` (the app plus its HTTP
routes) and `python -m core.platform.worker`, each on its own log file, stopped with their process group;
and Debian's chromium for Playwright."""

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

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
READY = "[data-testid=stApp][data-test-script-state=notRunning]"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _process(command: list[str], log_path: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            yield process
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=20)


@contextmanager
def serve(data: Path, **env: str) -> Iterator[str]:
    """Runs `streamlit run server.py` on a free port with a database in `data` (or DATABASE_URL from `env`);
    yields the base URL once the server answers."""
    with app_process(data, **env) as base:
        wait_until_up(base, data)
        yield base


@contextmanager
def app_process(data: Path, **env: str) -> Iterator[str]:
    """Starts the app without waiting for it (several start side by side); yields its base URL."""
    if not shutil.which(CHROMIUM):
        pytest.fail("the browser tests need Debian's chromium: apt-get install chromium")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"DATABASE_URL": f"sqlite:///{data / 'ghiseu.db'}", "PUBLIC_BASE_URL": base, **env}
    command = [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true", "--server.port",
               str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with _process(command, data / "streamlit.log", env):
        yield base


def wait_until_up(base: str, data: Path) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail("streamlit did not start: " + (data / "streamlit.log").read_text()[-2000:])


@contextmanager
def worker(log_path: Path, *, interval: float = 1, **env: str) -> Iterator[subprocess.Popen]:
    """Runs `python -m core.platform.worker --interval <interval>` with `env` over the test's environment."""
    command = [sys.executable, "-m", "core.platform.worker", "--interval", str(interval)]
    with _process(command, log_path, env) as process:
        yield process


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_until_seeded(browser, base: str, timeout_ms: int = 240_000) -> None:
    """The first start seeds in the background; the sign-in form is offered only once the seed is done."""
    from core.platform.i18n import t

    context = browser.new_context(locale="ro-RO")
    page = context.new_page()
    page.goto(f"{base}/sign_in")
    page.get_by_label(t("ui.signin.username")).wait_for(timeout=timeout_ms)
    context.close()
