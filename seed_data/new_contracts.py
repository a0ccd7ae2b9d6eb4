"""Vacant consumption places and new-contract requests for the demo. A few holders moved out (their
contract closed at a meter index with its final invoice), so online contracting can be tried on those
places; some of them already have a request, played through the real services in every open state and
as rejected or cancelled."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from core.models import ConsumptionPlace, Contract, CustomerKind, clock_at
from core.platform.db import UnitOfWork
from core.platform.workdays import local_time
from core.services.contracting import register_new_contract
from core.services.intake import RIGHT_OF_USE
from core.staff.auth import BILLING, Actor
from core.workflow.effects import close_contract
from seed_data.accounts import Account
from seed_data.fake import Fake
from seed_data.holder_changes import ALL, NONE, SOME, CasePlan, CaseRunner, later_moments
from seed_data.holder_changes import SCENARIOS as HOLDER_CHANGE_SCENARIOS
from workflows import new_contract

VACANT_SHARE = 0.03  # of the accounts: places whose holder moved out
SPARE_VACANCIES = 3  # vacant places left without a request, to try online contracting on
# scenario: (weight, steps), as in seed_data.holder_changes
SCENARIOS: dict[str, tuple[int, tuple[tuple, ...]]] = {
    "awaiting_documents": (25, (("register", NONE),)),
    "some_documents": (25, (("register", SOME),)),
    "documents_received": (25, (("register", SOME), ("upload_rest",), ("assign", 0.5))),
    "verified": (15, (("register", ALL), ("assign", 1), ("approve", ALL), ("verify", "anyone"))),
    "contract_issued": (15, (("register", ALL), ("assign", 1), ("approve", ALL), ("verify", "anyone"), ("issue",))),
    "rejected": (5, (("register", SOME), ("assign", 1), ("reject",))),
    "cancelled": (5, (("register", NONE), ("cancel",))),
}


@dataclass
class Vacancy:
    account: Account
    moved_out: datetime


def request_count(cases: int) -> int:
    """How many of the seeded requests are new contracts: a few, never so many that a holder-change
    scenario goes unseeded."""
    return max(0, min(cases // 20 + len(SCENARIOS) - 1, cases - len(HOLDER_CHANGE_SCENARIOS)))


def plan_vacancies(fake: Fake, accounts: list[Account], taken: list[CasePlan], requests: int,
                   now: datetime) -> list[Vacancy]:
    """Accounts no holder change uses whose holder moves out 3-12 weeks ago; billed until then."""
    used = {id(plan.account) for plan in taken}
    free = [account for account in accounts if id(account) not in used]
    wanted = max(requests + SPARE_VACANCIES, round(len(accounts) * VACANT_SHARE))
    vacancies = [Vacancy(account, now - timedelta(days=fake.rng.uniform(21, 84)))
                 for account in fake.rng.sample(free, min(wanted, len(free)))]
    for vacancy in vacancies:
        vacancy.account.bill_until = vacancy.moved_out
    return vacancies


def close_vacancies(engine: Engine, fake: Fake, vacancies: list[Vacancy]) -> None:
    """The holders move out: each contract closes at the meter's index with its final invoice. The one
    with the most kWh estimated since its last real reading was away for those months: the meter barely
    moved, so its final invoice is a credit (negative) that settles what is still open."""
    with UnitOfWork(engine) as uow:
        contracts = {id(v): uow.session.exec(select(Contract).where(Contract.payment_code == v.account.payment_code))
                     .one() for v in vacancies}
        last_read = {id(v): uow.session.get(ConsumptionPlace, contracts[id(v)].place_id).last_index for v in vacancies}
        away = max(vacancies, key=lambda v: v.account.profile.billed - last_read[id(v)], default=None)
        for vacancy in vacancies:
            account, day = vacancy.account, local_time(vacancy.moved_out).date()
            contract = contracts[id(vacancy)]
            index = account.profile.handover_index(fake.rng, day)
            if vacancy is away:
                index = last_read[id(vacancy)] + 1
            with clock_at(datetime.combine(day, time(10), UTC)):
                close_contract(uow.session, contract, index, day, BILLING.username)
            account.profile.hand_over(index, day, pays_until=vacancy.moved_out)
        uow.commit()


def plan_requests(fake: Fake, vacancies: list[Vacancy], count: int, now: datetime) -> list[CasePlan]:
    """One request per vacant place drawn, the first ones taking every scenario once, oldest first."""
    rng, names = fake.rng, list(SCENARIOS)
    chosen = names[:count] + rng.choices(names, [w for w, _ in SCENARIOS.values()], k=max(count - len(names), 0))
    plans = []
    for i, (scenario, vacancy) in enumerate(zip(chosen, vacancies, strict=False)):
        steps = SCENARIOS[scenario][1]
        registered = max(vacancy.moved_out + timedelta(days=1), now - timedelta(days=0.5 + 21 * rng.random() ** 2))
        plans.append(CasePlan(
            scenario, vacancy.account, fake.party(CustomerKind.COMPANY if i % 5 == 3 else CustomerKind.PERSON),
            # named by POD: a made-up address may repeat, and an address naming two places is refused
            rng.choice(("online", "online", "counter", "phone")), False,
            [registered, *later_moments(rng, registered, now, len(steps) - 1)],
        ))
    return sorted(plans, key=lambda plan: plan.moments[0])


class NewContractRunner(CaseRunner):
    """A holder-change runner playing the new-contract workflow on a vacant place."""

    scenarios = SCENARIOS
    workflow = new_contract.WORKFLOW
    register_service = staticmethod(register_new_contract)

    def _form(self) -> dict:
        account = self.plan.account
        return {
            **self._applicant_fields(),
            "pod": account.pod, "address": "",
            # an empty place uses (almost) nothing between the move-out reading and the new contract
            "handover_index": str(account.profile.actual + self.rng.randint(0, 5)),
            "right_of_use": self.rng.choice(RIGHT_OF_USE),
        }


def run_requests(engine: Engine, staff: dict[str, Actor], fake: Fake, plans: list[CasePlan]) -> None:
    for plan in plans:
        NewContractRunner(engine, staff, fake.rng, plan).run()

