"""Regenerates the README's screenshots (docs/screenshots/*.png) as a new user would see them: starts
`streamlit run server.py` on a new demo database (seeded on first start), signs in as each role and photographs
each screen at 1400×900; the public pages also at a phone's 390×844 (`*_phone.png`).

    python -m docs.screenshots [--out docs/screenshots] [--accounts 300 --cases 60]

Needs Debian's chromium and the test helpers (requirements-dev.txt): it drives the app the way the browser
tests do. The demo's dates follow today's, so the pictures change a little from run to run."""

import argparse
import re
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import col, select

from core.cases.queries import today
from core.models import Case, CaseDocument, Contract, Customer, CustomerKind, Invoice
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from tests.app_processes import chromium, serve, wait_until_seeded
from tests.e2e.steps import click, settle, sign_in

DESKTOP, PHONE = {"width": 1400, "height": 900}, {"width": 390, "height": 844}


def _demo_keys(db_url: str) -> dict[str, object]:
    """What the screens are opened on: an open case with documents, a person billed lately, their invoice."""
    with UnitOfWork(get_engine(db_url)) as uow:
        s = uow.session
        with_documents = select(CaseDocument.case_id)
        case_id = s.exec(select(Case.id).where(col(Case.closed_at).is_(None), col(Case.id).in_(with_documents))
                         .order_by(Case.due_date, Case.id)).first()
        payment_code, national_id, contract_id, invoice_id = s.exec(
            select(Contract.payment_code, Customer.national_id, Contract.id, Invoice.id)
            .join(Customer, Customer.id == Contract.customer_id).join(Invoice, Invoice.contract_id == Contract.id)
            .where(Customer.kind == CustomerKind.PERSON, Invoice.issue_date >= today() - timedelta(days=300),
                   Invoice.issue_date <= today(), Invoice.total > 0)
            .order_by(Invoice.issue_date.desc(), Invoice.id.desc())).first()
    return dict(case_id=case_id, payment_code=payment_code, national_id=national_id, contract_id=contract_id,
                invoice_id=invoice_id)


def _shot(page: Page, out: Path, name: str, full_page: bool = False) -> None:
    """The viewport; with `full_page`, the window made as tall as the page (Streamlit scrolls its main area
    inside the window, so a browser's own full-page capture would show the first screen only)."""
    settle(page)
    page.wait_for_timeout(600)  # charts and the data grid draw after the script finishes
    size = page.viewport_size
    if full_page:
        tall = page.evaluate("Math.max(...[...document.querySelectorAll('[data-testid=stMain], body')]"
                             ".map(e => e.scrollHeight))")
        page.set_viewport_size({"width": size["width"], "height": min(int(tall), 6000)})
        page.wait_for_timeout(800)  # the charts redraw at the new size
    page.screenshot(path=str(out / f"{name}.png"))
    page.set_viewport_size(size)
    print(f"  {out / name}.png", file=sys.stderr)


def staff_screens(browser, base: str, keys: dict, out: Path) -> None:
    page = browser.new_context(viewport=DESKTOP, locale="ro-RO").new_page()
    page.set_default_timeout(60_000)
    sign_in(page, base, "clerk", "clerk-demo", "queue")
    _shot(page, out, "queue")
    page.goto(f"{base}/case_detail?case={keys['case_id']}")
    _shot(page, out, "case_detail")
    page.get_by_role("tab", name=t("ui.case.tab_flow")).click()
    _shot(page, out, "workflow")
    page.goto(f"{base}/ledger?contract={keys['contract_id']}")
    _shot(page, out, "ledger")
    page.goto(f"{base}/invoice?invoice={keys['invoice_id']}")
    _shot(page, out, "invoice_pdf", full_page=True)
    page.context.clear_cookies()
    sign_in(page, base, "supervisor", "supervisor-demo", "dashboard")
    _shot(page, out, "dashboard", full_page=True)
    page.context.close()


def public_screens(browser, base: str, keys: dict, out: Path, viewport: dict, suffix: str) -> None:
    page = browser.new_context(viewport=viewport, locale="ro-RO").new_page()
    page.set_default_timeout(60_000)
    page.goto(base)
    _shot(page, out, f"public_home{suffix}", full_page=bool(suffix))
    page.goto(f"{base}/pay")
    settle(page)
    page.get_by_label(t("ui.pay.payment_code"), exact=True).fill(keys["payment_code"])
    page.get_by_label(t("ui.pay.email"), exact=True).fill("client@example.com")
    click(page, t("ui.pay.lookup"))
    _shot(page, out, f"pay{suffix}", full_page=bool(suffix))
    if not suffix:
        pay = t("ui.pay.pay", amount="@").partition("@")[0]  # "Plătește 1.234,56 lei": the amount varies
        page.get_by_role("button", name=re.compile("^" + re.escape(pay))).first.click()
        page.wait_for_url("**/api/sandbox/checkout/**")
        page.screenshot(path=str(out / "sandbox_checkout.png"))
    page.goto(f"{base}/invoice_copy")
    settle(page)
    page.get_by_label(t("ui.lookup.payment_code"), exact=True).fill(keys["payment_code"])
    page.get_by_label(t("ui.lookup.national_id"), exact=True).fill(keys["national_id"])
    click(page, t("ui.lookup.submit"))
    expect(page.get_by_role("heading", name=t("ui.invoice_copy.latest"))).to_be_visible()
    _shot(page, out, f"invoice_copy_online{suffix}", full_page=bool(suffix))
    page.context.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m docs.screenshots")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "screenshots")
    parser.add_argument("--accounts", default="300")
    parser.add_argument("--cases", default="60")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, chromium() as browser, serve(
            Path(folder), SEED_ACCOUNTS=args.accounts, SEED_CASES=args.cases) as base:
        wait_until_seeded(browser, base)
        keys = _demo_keys(f"sqlite:///{Path(folder) / 'ghiseu.db'}")
        staff_screens(browser, base, keys, args.out)
        public_screens(browser, base, keys, args.out, DESKTOP, "")
        public_screens(browser, base, keys, args.out, PHONE, "_phone")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
