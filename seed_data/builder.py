"""Builds the deterministic demo dataset through the real services: accounts with their billing history,
a few places whose holder moved out, then holder-change and new-contract cases in every state. The same
seed gives the same people, codes and numbers."""

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import func, inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from core.models import (
    AuditEvent,
    Case,
    CaseDocument,
    Contract,
    Customer,
    Invoice,
    OutboxMessage,
    OutboxStatus,
    Payment,
    User,
    utcnow,
)
from core.platform.config import settings
from core.platform.db import UnitOfWork, create_schema
from core.services.users import DEMO_USERS, ensure_demo_users
from core.staff.auth import Actor
from core.staff.masking import hide_secrets
from core.workflow.timed_jobs import pay_compensations
from seed_data.accounts import Account, across_the_vat_change, open_and_bill, plan_account
from seed_data.disputes import seed_disputes
from seed_data.fake import Fake
from seed_data.history import bill_contract
from seed_data.holder_changes import CaseRunner, plan_cases
from seed_data.new_contracts import close_vacancies, plan_requests, plan_vacancies, request_count, run_requests

Progress = Callable[[float, str], None]
ACCOUNTS_PER_TRANSACTION = 200
# the demo's first accounts and cases go through the services (every scenario once, effects included); the
# volume after them comes from the bulk loader
SCENARIO_ACCOUNTS, SCENARIO_CASES = 14, 13
VAT_CHANGE_READ_BY = date(2025, 9, 15)  # the first reading across the last VAT change is billed before this day
SCENARIO_SHARE = 0.5  # of the demo's progress bar, before the bulk-loaded volume
ACCOUNTS_SHARE = 0.85  # of the progress bar; the cases take the rest
COUNTED: dict[str, type[SQLModel]] = {
    "customers": Customer, "contracts": Contract, "invoices": Invoice, "payments": Payment, "cases": Case,
    "documents": CaseDocument, "audit_events": AuditEvent,
}


def is_seeded(engine: Engine) -> bool:
    """Whether the database already holds demo (or real) data: any contract at all."""
    if not inspect(engine).has_table(Contract.__tablename__):
        return False
    with UnitOfWork(engine) as uow:
        return uow.session.exec(select(Contract.id).limit(1)).first() is not None


def build(engine: Engine, *, accounts: int = settings.seed_accounts, cases: int = settings.seed_cases,
          seed: int = settings.seed_random_seed, progress: Progress | None = None) -> dict[str, int]:
    """Creates the schema, the demo users and the dataset; returns how many rows of each kind exist."""
    if cases > accounts:
        raise ValueError("every case needs an account of its own: cases must not exceed accounts")
    report = progress or (lambda fraction, label: None)
    report(0.0, "Se pregătește baza de date")
    create_schema(engine)
    ensure_demo_users(uow=UnitOfWork(engine))
    messages_before = _last_message_id(engine)
    fake, now = Fake(seed), utcnow()
    planned = [plan_account(fake, now) for _ in range(accounts)]
    if planned and now.date() > VAT_CHANGE_READ_BY:  # one invoice at both VAT rates, from its first reading
        across_the_vat_change(planned[0])
    requests = request_count(cases)  # new-contract requests, out of the cases asked for
    case_plans = plan_cases(fake, planned, cases - requests, now)
    vacancies = plan_vacancies(fake, planned, case_plans, requests, now)
    request_plans = plan_requests(fake, vacancies, requests, now)
    _open_accounts(engine, fake, planned, report)
    close_vacancies(engine, fake, vacancies)
    staff = _demo_staff(engine)
    for done, plan in enumerate(case_plans, start=1):
        runner = CaseRunner(engine, staff, fake.rng, plan)
        runner.run()
        if runner.new_contract_id:
            _bill_new_holder(engine, fake, plan.account, runner.new_contract_id, now)
        if done % 25 == 0 or done == len(case_plans):
            report(ACCOUNTS_SHARE + (1 - ACCOUNTS_SHARE) * done / len(case_plans),
                   f"Cereri de schimbare a titularului: {done} din {len(case_plans)}")
    report(0.98, "Cereri de contract nou")
    run_requests(engine, staff, fake, request_plans)
    report(0.99, "Contestații de facturi")
    seed_disputes(engine, staff, fake.rng, now, count=max(cases // 10, 7))
    pay_compensations(uow=UnitOfWork(engine), now=now)  # as the worker would: the scenarios close some late
    _settle_demo_messages(engine, after_id=messages_before)
    counts = _count_rows(engine)
    report(1.0, "Datele demonstrative sunt gata")
    return counts


def build_demo(engine: Engine, *, accounts: int = settings.seed_accounts, cases: int = settings.seed_cases,
               seed: int = settings.seed_random_seed, progress: Progress | None = None) -> dict[str, int]:
    """The demo dataset quickly: the scenario cases through the services, the volume bulk-loaded after."""
    from seed_data import bulk

    report = progress or (lambda fraction, label: None)
    few_accounts = min(accounts, SCENARIO_ACCOUNTS)
    few_cases = min(cases, SCENARIO_CASES, few_accounts)
    # the two parts took about as long each on the default demo (README); without volume the first is all
    share = SCENARIO_SHARE if accounts > few_accounts else 1.0
    build(engine, accounts=few_accounts, cases=few_cases, seed=seed,
          progress=lambda fraction, label: report(share * fraction, label))
    bulk.load(engine, accounts=accounts - few_accounts, cases=cases - few_cases, seed=seed,
              progress=lambda fraction, label: report(share + (1 - share) * fraction, label))
    return _count_rows(engine)


def _last_message_id(engine: Engine) -> int:
    with UnitOfWork(engine) as uow:
        return uow.session.exec(select(func.max(OutboxMessage.id))).one() or 0


def _settle_demo_messages(engine: Engine, after_id: int) -> None:
    """The scenarios' e-mails go to invented people: recorded as sent by the seed (their links and codes
    hidden, as after a delivery), so a worker's first pass does not mail them or queue them ahead of real ones.
    By id: the scenarios date their messages in the past."""
    with UnitOfWork(engine) as uow:
        for message in uow.session.exec(select(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.id > after_id)):
            message.status, message.sent_at, message.claimed_by = OutboxStatus.SENT, message.created_at, "seed_data"
            message.body = hide_secrets(message.body, message.template)
        uow.commit()


def _count_rows(engine: Engine) -> dict[str, int]:
    with UnitOfWork(engine) as uow:
        return {name: uow.session.exec(select(func.count()).select_from(model)).one()
                for name, model in COUNTED.items()}


def _open_accounts(engine: Engine, fake: Fake, planned: list[Account], report: Progress) -> None:
    """Opens and bills the accounts a batch per transaction: quick, and a failure leaves whole batches."""
    for start in range(0, len(planned), ACCOUNTS_PER_TRANSACTION):
        batch = planned[start:start + ACCOUNTS_PER_TRANSACTION]
        with UnitOfWork(engine) as uow:
            for account in batch:
                open_and_bill(uow.session, fake, account)
            uow.commit()
        done = start + len(batch)
        report(ACCOUNTS_SHARE * done / len(planned), f"Conturi și facturi: {done} din {len(planned)}")


def _bill_new_holder(engine: Engine, fake: Fake, account: Account, contract_id: int, now: datetime) -> None:
    """The new holder's invoices from the handover on; the new holder pays its bills."""
    with UnitOfWork(engine) as uow:
        contract = uow.session.get(Contract, contract_id)
        account.profile.hand_over(contract.start_index, contract.start_date, pays_until=now)
        bill_contract(uow.session, fake.rng, contract, account.profile, first_month=contract.start_date, until=now)
        uow.commit()


def _demo_staff(engine: Engine) -> dict[str, Actor]:
    """The demo users as actors with their real ids, so claims and assignments point at them."""
    with UnitOfWork(engine) as uow:
        users = uow.session.exec(select(User).where(User.username.in_([u[0] for u in DEMO_USERS]))
                                 .order_by(User.username))
        return {u.username: Actor(u.username, u.role, u.display_name, u.id) for u in users}
