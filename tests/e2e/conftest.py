"""A real `streamlit run server.py` (the app plus its HTTP routes) on a fresh SQLite file (seeded on
first start, as a new user gets it),
driven by Playwright in Debian's chromium."""

import pytest

from tests.app_processes import READY, serve, wait_until_seeded


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, browser):
    """Serves the app on a new database seeded on first start; yields (base URL, database URL) once the
    seed, which runs in the background, is done (the sign-in form is offered only then)."""
    data = tmp_path_factory.mktemp("app")
    with serve(data, SEED_ACCOUNTS="80", SEED_CASES="40") as base:
        wait_until_seeded(browser, base)
        yield base, f"sqlite:///{data / 'ghiseu.db'}"


def opened_page(browser, base: str, **context_options):
    """A page in a browser context of its own, on the app's first screen once it is ready; closed after."""
    context = browser.new_context(locale="ro-RO", **context_options)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(base)
    page.wait_for_selector(READY, timeout=180_000)
    yield page
    context.close()


@pytest.fixture
def page(browser, app_server):
    yield from opened_page(browser, app_server[0], viewport={"width": 1400, "height": 1000})
