"""The account page's "start a holder change" in a real browser: a real link (an href naming the contract
and its place) that opens the counter form with the place and the invoice codes filled in."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from core.models import ConsumptionPlace, Contract, ContractStatus
from core.platform.db import UnitOfWork, get_engine
from core.platform.i18n import t
from tests.e2e.steps import settle, sign_in


@pytest.mark.browser
def test_start_a_holder_change_from_the_account_page_opens_the_form_prefilled(page, app_server):
    base, db_url = app_server
    with UnitOfWork(get_engine(db_url)) as uow:
        contract, pod = uow.session.exec(select(Contract, ConsumptionPlace.pod)
                                         .join(ConsumptionPlace, ConsumptionPlace.id == Contract.place_id)
                                         .where(Contract.status == ContractStatus.ACTIVE).limit(1)).one()
    sign_in(page, base, "clerk", "clerk-demo", f"ledger?contract={contract.id}")
    link = page.get_by_role("link", name=t("ui.account_link.start_holder_change"))
    expect(link).to_have_attribute("href", f"new_request?contract={contract.id}&place={pod}")
    link.click()
    settle(page)
    expect(page.get_by_label(t("ui.intake.pod"), exact=True)).to_have_value(pod)
    expect(page.get_by_label(t("ui.intake.payment_code"), exact=True)).to_have_value(contract.payment_code)
    expect(page.get_by_label(t("ui.intake.client_code"), exact=True)).to_have_value(contract.client_code)
