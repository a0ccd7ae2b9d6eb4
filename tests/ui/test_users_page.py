"""The admin's Utilizatori page: creating a clerk shows the one-time password once; deactivating a user
signs their open tab out on its next click."""

from sqlmodel import select

from core.models import User
from tests.ui.conftest import table

USERS = "pages/users.py"


def test_the_admin_creates_a_clerk_and_sees_the_one_time_password_once(open_app, uow):
    at = open_app("admin", USERS)
    at.text_input(key="users_new_username").input("mihai.pop")
    at.text_input(key="users_new_name").input("Mihai Pop")
    at.button[0].click().run()
    assert at.success[0].value.startswith("Utilizatorul mihai.pop a fost creat.")
    password = at.code[0].value
    with uow() as work:
        created = work.session.exec(select(User).where(User.username == "mihai.pop")).one()
    assert created.must_change_password and password not in created.password_hash
    assert "mihai.pop" in list(table(at)["Utilizator"])
    at.run()
    assert not at.code  # shown once


def test_deactivating_a_clerk_signs_their_open_tab_out_on_the_next_click(open_app, browser, uow):
    tab = open_app("clerk")  # the clerk's tab, open on the queue
    assert tab.title[0].value == "Coada de lucru"
    clerk_cookie = browser.cookie
    at = open_app("admin", USERS)  # the admin, in another browser
    with uow() as work:
        clerk = work.session.exec(select(User).where(User.username == "clerk")).one()
    at.selectbox(key="users_pick").select(clerk).run()
    assert len(at.get("text")) == 1  # the clerk's one open session
    at.button(key="users_deactivate").click().run()
    assert "a fost dezactivat" in at.success[0].value
    browser.cookie = clerk_cookie
    tab.run()  # the clerk's next click
    assert tab.title[0].value == "Ghiseu · back-office" and not tab.page_link
    assert [w.value for w in tab.warning] == ["Contul a fost dezactivat; sesiunea a fost închisă."]
