"""AppTest fixtures: the app pointed at a fresh SQLite file, demo users in it, and helpers to open
the app as a signed-in user on a given page. Signing in opens a real server-side session; AppTest cannot
send cookies, so the one function that reads the session cookie returns this test's "browser cookie"."""

import re
import string
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from core.models import User
from core.platform.config import settings
from core.platform.db import UnitOfWork, create_schema, get_engine
from core.services.users import DEMO_USERS, ensure_demo_users
from core.staff import staff_sessions
from core.staff.auth import Actor
from tests.factories import authenticate
from ui.widgets import WORD_JOINER

_ESCAPED = re.compile("\\\\([" + re.escape(string.punctuation) + "])")
APP = str(Path(__file__).parents[2] / "app.py")
PASSWORDS = {username: password for username, _, _, password in DEMO_USERS}


@pytest.fixture(autouse=True)
def _navigation_owns_routing(monkeypatch):
    """AppTest recomputes `uses_pages_directory` on every run, and our `pages/` folder makes it True:
    from the second run on, it would run the page file alone (legacy multipage mode), skipping app.py.
    A real server leaves that mode for good once app.py calls st.navigation; do the same here."""
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def uow(tmp_path, monkeypatch):
    """A factory of units of work on the database the app under test uses."""
    monkeypatch.setattr(settings, "database_url", f"sqlite:///{tmp_path / 'ui.db'}")
    monkeypatch.setattr(settings, "seed_on_first_start", False)
    engine = get_engine(settings.database_url)
    create_schema(engine)
    ensure_demo_users(uow=UnitOfWork(engine))
    yield lambda: UnitOfWork(engine)
    engine.dispose()


@pytest.fixture
def staff(uow):
    """Demo staff as signed-in actors (with their user ids, which claiming needs)."""
    def actor(username: str) -> Actor:
        return authenticate(uow=uow(), username=username, password=PASSWORDS[username])
    return actor


class Browser:
    """The cookie jar of the browser under test: the session cookie our route would have set."""

    def __init__(self, uow):
        self.uow = uow
        self.cookie: str | None = None

    def redeem(self, code: str) -> None:
        """What the hand-over component does in a real browser: trade the code for the cookie."""
        token = staff_sessions.redeem_handoff(uow=self.uow(), code=code, user_agent="AppTest", client_key="test")
        self.cookie = staff_sessions.cookie_value(token) if token else None

    def sign_in(self, username: str) -> None:
        """A real server-side session for a demo user, as if the sign-in steps had just been completed."""
        with self.uow() as uow:
            user = uow.session.exec(select(User).where(User.username == username)).one()
            code = staff_sessions.open_handoff(uow.session, user)
            uow.commit()
        self.redeem(code)


@pytest.fixture
def browser(uow, monkeypatch):
    jar = Browser(uow)
    monkeypatch.setattr("ui.staff_session.session_cookie", lambda: jar.cookie)
    return jar


@pytest.fixture
def open_app(staff, browser):
    """Runs the app signed in as `username` (or signed out) and switches to `page` if given."""
    def run(username: str | None = None, page: str | None = None, **session) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        if username:
            browser.sign_in(username)
        for key, value in session.items():
            at.session_state[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, at.exception
        return at
    return run


def texts(at: AppTest, kind: str = "markdown") -> str:
    """Everything shown by elements of one kind, as one string to search in; user text as the reader sees
    it (ui.widgets.plain's backslash escapes and word joiners taken out)."""
    return shown("\n".join(str(e.value) for e in getattr(at, kind)))


def shown(markdown: str) -> str:
    """A markdown string's user text as the reader sees it (without plain()'s escapes and word joiners)."""
    return _ESCAPED.sub(r"\1", markdown).replace(WORD_JOINER, "")


def table(at: AppTest, index: int = 0):
    return at.dataframe[index].value


def numbers(frame) -> list[str]:
    """The registration numbers the queue's case links show (ui.queue_widgets.CASE_LINK)."""
    return [link.partition("number=")[2] for link in frame["number"]]


def message_under(at: AppTest, key: str) -> str | None:
    """The error drawn right after the widget with `key`, in screen order (None if the next element is
    not an error)."""
    nodes = list(at.main)
    after = nodes[next(i for i, node in enumerate(nodes) if getattr(node, "key", None) == key) + 1]
    return after.value if after.type == "error" else None
