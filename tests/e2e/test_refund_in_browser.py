"""A refund end to end in a real browser: an old holder left with credit by a handover (estimates above the
handover index, paid) asks for it online with an IBAN; a clerk proposes it, a supervisor approves it (above
the threshold: another person), exports the payment order and confirms the bank's payment; the ledger then
shows the refund and a zero balance. Labels come from the catalog."""

import io
import re

from lxml import etree
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlmodel import select

from core.accounts.payment_order import NAMESPACE
from core.models import Case
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from tests.e2e.steps import click, in_popover, settle, sign_in
from tests.factories import valid_cnp
from tests.refund_factories import handed_over_with_credit

HOLDER_CNP = valid_cnp("180020222114")  # not in the seed: the visitor's lookup finds only this account
CREDIT = "805,86"  # 1,000 kWh estimated and paid, handed over 900 kWh below: -900 kWh at 0,74 lei + 21% VAT


def look_up(page: Page, base: str, payment_code: str) -> None:
    page.goto(f"{base}/invoice_copy")
    settle(page)
    page.get_by_label(t("ui.lookup.payment_code"), exact=True).fill(payment_code)
    page.get_by_label(t("ui.lookup.national_id"), exact=True).fill(HOLDER_CNP)
    click(page, t("ui.lookup.submit"))


def as_staff(page: Page, base: str, username: str, password: str, path: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base, username, password, path)


def test_a_credit_left_by_a_handover_is_refunded_to_the_iban_the_customer_gives(page, app_server):
    base, db_url = app_server
    uow = lambda: UnitOfWork(get_engine(db_url))  # noqa: E731 - the factories take a unit-of-work factory
    old = handed_over_with_credit(uow, pod="RO999E000000777", estimated_kwh=1000, national_id=HOLDER_CNP)

    look_up(page, base, old.payment_code)
    expect(page.get_by_role("heading", name=t("ui.refund_request.title", amount=f"{CREDIT} lei"))).to_be_visible()
    page.get_by_label(t("ui.refund_request.iban"), exact=True).fill("ro49 aaaa 1b31 0075 9384 0000")
    page.get_by_label(t("ui.refund_request.holder_name"), exact=True).fill("Popescu Ion")
    click(page, t("ui.refund_request.submit"))
    expect(page.get_by_text(re.compile(r"Am înregistrat cererea de restituire RST-\d{4}-\d{6}"))).to_be_visible()
    with uow() as u:
        case = u.session.exec(select(Case).where(Case.case_type == "refund", Case.old_contract_id == old.id)).one()

    as_staff(page, base, "clerk", "clerk-demo", f"case_detail?case={case.id}")
    expect(page.get_by_text("RO49AAAA1B31007593840000")).to_be_visible()  # the desk sees the whole IBAN
    in_popover(page, t("trigger.propose_refund"), **{t("ui.case_dispute.amount"): CREDIT})
    expect(page.get_by_text(t("state.proposed")).first).to_be_visible()

    as_staff(page, base, "supervisor", "supervisor-demo", f"case_detail?case={case.id}")
    click(page, t("trigger.approve_refund"))
    expect(page.get_by_text(t("state.approved")).first).to_be_visible()

    page.goto(f"{base}/refunds")
    settle(page)
    click(page, t("ui.refunds.export", count=1))
    expect(page.get_by_text(re.compile("Ordinul GHS-.* a fost generat: 1 restituire"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name=t("ui.refunds.download_xml")).first.click()
    with open(download.value.path(), "rb") as xml:
        document = etree.fromstring(xml.read())
    ns = {"p": NAMESPACE}
    assert document.findtext(".//p:CdtTrfTxInf/p:PmtId/p:EndToEndId", namespaces=ns) == case.registration_number
    assert document.findtext(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=ns) == CREDIT.replace(",", ".")

    page.locator(f".st-key-refunds_confirm_{case.id}").get_by_role("button").click()
    settle(page)
    expect(page.get_by_text(t("ui.refunds.confirmed", number=case.registration_number))).to_be_visible()

    page.goto(f"{base}/ledger?contract={old.id}")
    settle(page)
    expect(page.get_by_test_id("stMetric").filter(has_text=t("ui.ledger.balance")).first).to_contain_text("0,00")
    with page.expect_download() as download:
        page.get_by_role("button", name=t("ui.ledger.download")).click()
    with open(download.value.path(), "rb") as xlsx:
        rows = [[str(c) for c in row] for ws in load_workbook(io.BytesIO(xlsx.read())).worksheets
                for row in ws.iter_rows(values_only=True)]
    [refund] = [row for row in rows if row[1] == t("ledger.entry.refund")]  # date, kind, reference, detail, debit,
    assert refund[2:7] == [f"refund:{case.registration_number}", t("ledger.channel.refund"),  # credit, balance
                           CREDIT.replace(",", "."), "None", "0"]
    page.screenshot(path="/tmp/refund-ledger.png", full_page=True)
