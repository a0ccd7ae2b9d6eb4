"""Payment disputes for the demo, opened and moved through the real services on a replayed clock:
every dispute state, credits below and above the approval threshold, reasons of every category."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import select

from core.accounts import allocation
from core.accounts.money import money
from core.models import Case, Contract, ContractStatus, Invoice, clock_at
from core.platform.config import settings
from core.platform.db import UnitOfWork
from core.services.cases import fire_trigger
from core.services.disputes import CATEGORIES, open_dispute
from core.staff.auth import Actor

# scenario -> steps after opening: (trigger, actor role key, credit share of the disputed amount, reason);
# "upheld" first: a small demo has few disputable invoices, and its credit note is a document kind e-Factura needs
SCENARIOS = {
    "upheld": (("start_review", "clerk", None, None), ("uphold", "clerk", "0.5", "Index corectat după fotografie.")),
    "opened": (),
    "under_review": (("start_review", "clerk", None, None),),
    "awaiting_customer": (("start_review", "clerk", None, None),
                          ("request_information", "clerk", None, "Trimiteți o fotografie a contorului cu indexul.")),
    "credit_proposed": (("start_review", "clerk", None, None),
                        ("propose_credit", "supervisor", "1", "Facturare dublă confirmată.")),
    "approved": (("start_review", "clerk", None, None), ("propose_credit", "supervisor", "1", "Facturare dublă."),
                 ("approve_credit", "supervisor2", None, None)),
    "rejected": (("start_review", "clerk", None, None),
                 ("reject", "clerk", None, "Indexul facturat corespunde citirii distribuitorului.")),
}
DESCRIPTIONS = (
    "Indexul de pe factură este mai mare decât cel de pe contor.",
    "Am plătit factura, dar plata nu apare în sold.",
    "Factura estimează un consum mult peste cel obișnuit.",
)


def seed_disputes(engine: Engine, staff: dict[str, Actor], rng: random.Random, now: datetime, count: int) -> int:
    """Opens up to `count` disputes on unpaid invoices issued in the last 30 days (one per invoice)."""
    candidates = _disputable(engine, now)
    rng.shuffle(candidates)
    names = list(SCENARIOS)
    for n, (invoice_id, issued, owed) in enumerate(candidates[:count]):
        scenario = names[n % len(names)]
        amount = money(owed * Decimal(rng.choice(("0.3", "0.5", "1"))))
        moment = max(issued, now - timedelta(days=20)) + timedelta(hours=rng.uniform(4, 72))
        with clock_at(moment):
            case = open_dispute(uow=UnitOfWork(engine), actor=staff["clerk"], invoice_id=invoice_id, form={
                "category": CATEGORIES[n % len(CATEGORIES)], "amount": str(amount),
                "description": rng.choice(DESCRIPTIONS)}, channel=rng.choice(("counter", "phone")))
        for trigger, who, share, reason in SCENARIOS[scenario]:
            moment += timedelta(hours=rng.uniform(6, 48))
            # a direct uphold stays within the clerk's threshold; larger credits go through approval
            cap = settings.dispute_credit_approval_threshold if trigger == "uphold" else amount
            credit = str(min(money(amount * Decimal(share)), cap)) if share else None
            with clock_at(min(moment, now)):
                fire_trigger(uow=UnitOfWork(engine), case_id=case.id, expected_version=_version(engine, case.id),
                             trigger=trigger, actor=staff[who], reason=reason, amount=credit)
    return min(count, len(candidates))


def _disputable(engine: Engine, now: datetime) -> list[tuple[int, datetime, Decimal]]:
    with UnitOfWork(engine) as uow:
        recent = uow.session.exec(select(Invoice.id, Invoice.contract_id, Invoice.issue_date)
                                  .join(Contract, Contract.id == Invoice.contract_id)
                                  .where(Invoice.issue_date >= (now - timedelta(days=28)).date(),
                                         Contract.status == ContractStatus.ACTIVE)
                                  .order_by(Invoice.id)).all()
        found = []
        for invoice_id, contract_id, issued in recent:
            owed = allocation.open_amounts(uow.session, contract_id).get(invoice_id, Decimal(0))
            if owed > 1:
                found.append((invoice_id, datetime.combine(issued, now.timetz()), owed))
        return found


def _version(engine: Engine, case_id: int) -> int:
    with UnitOfWork(engine) as uow:
        return uow.session.get(Case, case_id).version
