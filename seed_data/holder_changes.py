"""Holder-change cases played through the real services, step by step on a replayed clock, so the demo's
states, audit trails, deadlines and four-eyes checks are the product's own. Each scenario is a row of
steps; the first cases take every scenario once, so even a small build shows every state."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from sqlalchemy.engine import Engine
from sqlmodel import select

from core.models import Case, CaseDocument, CustomerKind, DocumentStatus, Role, clock_at
from core.platform.db import UnitOfWork
from core.platform.workdays import local_time
from core.services.cases import add_comment, assign_cases, claim_case, fire_trigger
from core.services.documents import review_document, upload_document
from core.services.intake import RIGHT_OF_USE, register_holder_change
from core.staff.auth import Actor, customer_actor
from core.workflow import registry
from seed_data.accounts import OVER_ESTIMATED, Account
from seed_data.fake import Fake, Party
from seed_data.sample_documents import sample_document
from workflows import holder_change

NONE, SOME, ALL = "none", "some", "all"
# scenario: (weight among 300 cases, steps); a step is a CaseRunner method name and its arguments
SCENARIOS: dict[str, tuple[int, tuple[tuple, ...]]] = {
    "awaiting_documents": (25, (("register", NONE),)),
    "some_documents": (30, (("register", SOME),)),
    "changes_requested": (20, (("register", ALL), ("assign", 1), ("reject_document",), ("request_changes",))),
    "documents_received": (35, (("register", SOME), ("upload_rest",))),
    "documents_received_assigned": (35, (("register", SOME), ("upload_rest",), ("assign", 1))),
    "partly_approved": (30, (("register", ALL), ("assign", 1), ("approve", SOME), ("comment",))),
    "verified_by_supervisor": (20, (("register", ALL), ("assign", 1), ("approve", ALL), ("verify", "supervisor"))),
    "verified_by_clerk": (15, (("register", ALL), ("assign", 1), ("approve", ALL), ("verify", "clerk"))),
    "contract_issued": (40, (("register", SOME), ("upload_rest",), ("assign", 1), ("comment",), ("approve", ALL),
                             ("verify", "anyone"), ("issue",))),
    "document_replaced": (10, (("register", ALL), ("assign", 1), ("reject_document",), ("request_changes",),
                               ("replace",), ("approve", SOME))),
    "rejected": (15, (("register", SOME), ("assign", 1), ("comment",), ("reject",))),
    "cancelled": (15, (("register", NONE), ("cancel",))),
    "reopened": (10, (("register", ALL), ("assign", 1), ("reject",), ("reopen",))),
}
# a refused or cancelled request leaves the old holder billed as before; any other stops the old contract
KEEPS_BILLING = ("reject", "cancel")
CLOSING = (*KEEPS_BILLING, "issue")

DOCUMENT_PROBLEMS = (
    "Fotografia este neclară, datele nu se pot citi.",
    "Documentul nu este semnat.",
    "Actul de identitate este expirat.",
    "Lipsește a doua pagină a documentului.",
    "Numele de pe document nu corespunde cu cel din cerere.",
)
REJECT_REASONS = (
    "Solicitantul nu a dovedit dreptul de folosință asupra locului de consum.",
    "Cerere dublă: locul de consum are deja o cerere în lucru.",
    "Titularul actual a contestat cererea.",
)
CANCEL_REASONS = (
    "Clientul a renunțat la cerere, telefonic.",
    "Documentele nu au fost depuse în termenul de 15 zile.",
)
REOPEN_REASONS = ("Clientul a depus dovada dreptului de folosință; cererea se reia.",)
COMMENTS = (
    "Clientul a sunat; revine cu documentele săptămâna aceasta.",
    "Am verificat indexul cu fotografia contorului.",
    "Identitatea a fost verificată la ghișeu.",
    "Am cerut distribuitorului confirmarea codului POD.",
)


@dataclass
class CasePlan:
    scenario: str
    account: Account
    applicant: Party
    channel: str  # online, counter, phone
    by_address: bool  # the applicant names the place by its address instead of the POD
    moments: list[datetime]  # registration, then one moment per later step


def plan_cases(fake: Fake, accounts: list[Account], count: int, now: datetime) -> list[CasePlan]:
    """One case per account drawn, oldest first; stops the old contract's billing where the case does."""
    rng = fake.rng
    names = list(SCENARIOS)
    chosen = names[:count] + rng.choices(names, [w for w, _ in SCENARIOS.values()], k=max(count - len(names), 0))
    plans = []
    for i, (scenario, account) in enumerate(zip(chosen, rng.sample(accounts, count), strict=True)):
        steps = SCENARIOS[scenario][1]
        # closed requests spread over 60 days; open ones mostly from the last three weeks, as in a queue
        # that is being worked: most due in the coming days, a minority overdue
        days = 59.5 * rng.random() if steps[-1][0] in CLOSING else 21 * rng.random() ** 2
        registered = now - timedelta(days=0.5 + days)
        plans.append(CasePlan(
            scenario, account, fake.party(CustomerKind.COMPANY if i % 10 == 3 else CustomerKind.PERSON),
            rng.choice(("online", "online", "counter", "phone")), rng.random() < 0.2,
            [registered, *later_moments(rng, registered, now, len(steps) - 1)],
        ))
        if steps[-1][0] not in KEEPS_BILLING:
            account.bill_until = registered
        if scenario == "contract_issued" and [p.scenario for p in plans].count(scenario) == 1:
            handover_credit(account, registered)
    return sorted(plans, key=lambda plan: plan.moments[0])


def handover_credit(account: Account, registered: datetime) -> None:
    """The demo's handover below the last billed index: the place is over-estimated and last read three months
    before the request, so the estimates since ran ahead of the handover index and the final invoice credits."""
    account.profile.estimate_share = OVER_ESTIMATED
    account.profile.regularisation_month = (registered.month + 3) % 6


def later_moments(rng: random.Random, start: datetime, now: datetime, count: int) -> list[datetime]:
    """Ordered moments after `start`, minutes apart at least; the last one leaves some time before now."""
    if not count:
        return []
    gaps = [rng.uniform(0.2, 1) for _ in range(count)]
    unit = (now - start) / (sum(gaps) * rng.uniform(1.05, 2))
    return list(accumulate((unit * gap for gap in gaps), initial=start))[1:]


class CaseRunner:
    """Plays one plan: each step at its moment, each service call a few seconds after the previous.
    A subclass plays another request workflow with its own scenarios, service and form."""

    scenarios = SCENARIOS
    workflow = holder_change.WORKFLOW
    register_service = staticmethod(register_holder_change)

    def __init__(self, engine: Engine, staff: dict[str, Actor], rng: random.Random, plan: CasePlan):
        self.engine, self.staff, self.rng, self.plan = engine, staff, rng, plan
        self.clerks = [a for a in staff.values() if a.role == Role.CLERK]
        self.handler = rng.choice(self.clerks)  # whoever works the case unless a claim says otherwise
        self.registrar = customer_actor() if plan.channel == "online" else rng.choice(self.clerks)
        self.uploader = self.registrar if plan.channel == "counter" else customer_actor()
        self.case_id: int | None = None
        self.new_contract_id: int | None = None
        self.verifier: str | None = None
        self.rejection = ""
        self.rejected_type = ""
        self._moment, self._calls = plan.moments[0], 0

    def run(self) -> None:
        for (step, *args), moment in zip(self.scenarios[self.plan.scenario][1], self.plan.moments, strict=True):
            self._moment, self._calls = moment, 0
            getattr(self, step)(*args)

    # steps

    def register(self, documents: str) -> None:
        required = self._required()
        count = {NONE: 0, ALL: len(required)}.get(documents)
        if count is None:
            count = self.rng.randint(1, len(required) - 1)
        uploads = [(doc_type, *self._file(doc_type)) for doc_type in self.rng.sample(required, count)]
        with self._clock():
            case = self.register_service(uow=self._uow(), actor=self.registrar, form=self._form(),
                                         uploads=uploads, channel=self.plan.channel)
        self.case_id = case.id

    def upload_rest(self) -> None:
        present = {d.doc_type for d in self._documents()}
        for doc_type in [d for d in self._required() if d not in present]:
            self._upload(doc_type)

    def replace(self) -> None:
        self._upload(self.rejected_type)

    def assign(self, chance: float) -> None:
        if self.rng.random() >= chance:
            return
        self.handler = self.rng.choice(self.clerks)
        with self._clock():
            if self.rng.random() < 0.5:
                claim_case(uow=self._uow(), case_id=self.case_id, expected_version=self._version(),
                           actor=self.handler)
            else:
                assign_cases(uow=self._uow(), case_ids=[self.case_id], assignee=self.handler.username,
                             actor=self.staff["supervisor"])

    def approve(self, which: str) -> None:
        pending = self._documents(DocumentStatus.PENDING)
        if which == SOME and len(pending) > 1:
            pending = self.rng.sample(pending, self.rng.randint(1, len(pending) - 1))
        for document in pending:
            self._review(document, approve=True)

    def reject_document(self) -> None:
        document = self.rng.choice(self._documents(DocumentStatus.PENDING))
        self.rejection, self.rejected_type = self.rng.choice(DOCUMENT_PROBLEMS), document.doc_type
        self._review(document, approve=False, reason=self.rejection)

    def request_changes(self) -> None:
        self._fire("request_changes", self.handler, f"Încărcați din nou documentul respins: {self.rejection}")

    def verify(self, who: str) -> None:
        if who == "anyone":
            who = self.rng.choice(("clerk", "supervisor"))
        verifier = self.staff["supervisor"] if who == "supervisor" else self.handler
        self._fire("verify_documents", verifier)
        self.verifier = verifier.username

    def issue(self) -> None:
        if (self.plan.applicant.kind == CustomerKind.COMPANY
                and registry.latest(self.workflow.name).transition("confirm_meter_index")):
            self._fire("confirm_meter_index", self.handler)  # holder_change v2: a company's index first
        issuers = [a for a in self.staff.values() if a.role == Role.SUPERVISOR and a.username != self.verifier]
        self.new_contract_id = self._fire("issue_contract", self.rng.choice(issuers)).new_contract_id

    def reject(self) -> None:
        self._fire("reject", self.handler, self.rng.choice(REJECT_REASONS))

    def cancel(self) -> None:
        self._fire("cancel", self.handler, self.rng.choice(CANCEL_REASONS))

    def reopen(self) -> None:
        self._fire("reopen", self.staff["supervisor"], self.rng.choice(REOPEN_REASONS))

    def comment(self) -> None:
        with self._clock():
            add_comment(uow=self._uow(), case_id=self.case_id, body=self.rng.choice(COMMENTS), actor=self.handler)

    # service calls and what they need

    def _fire(self, trigger: str, actor: Actor, reason: str | None = None) -> Case:
        with self._clock():
            return fire_trigger(uow=self._uow(), case_id=self.case_id, expected_version=self._version(),
                                trigger=trigger, actor=actor, reason=reason)

    def _upload(self, doc_type: str) -> None:
        file_name, data = self._file(doc_type)
        with self._clock():
            upload_document(uow=self._uow(), case_id=self.case_id, doc_type=doc_type, file_name=file_name,
                            data=data, actor=self.uploader)

    def _review(self, document: CaseDocument, approve: bool, reason: str | None = None) -> None:
        with self._clock():
            review_document(uow=self._uow(), document_id=document.id, approve=approve, actor=self.handler,
                            expected_version=self._version(), reason=reason)

    def _clock(self):
        self._calls += 1
        return clock_at(self._moment + timedelta(seconds=20 * self._calls))

    def _uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def _version(self) -> int:
        with self._uow() as uow:
            return uow.session.get(Case, self.case_id).version

    def _documents(self, status: DocumentStatus | None = None) -> list[CaseDocument]:
        query = select(CaseDocument).where(CaseDocument.case_id == self.case_id, CaseDocument.is_current)
        if status:
            query = query.where(CaseDocument.status == status)
        with self._uow() as uow:
            return list(uow.session.exec(query.order_by(CaseDocument.id)))

    def _required(self) -> list[str]:
        return self.workflow.required_documents(self.plan.applicant.kind)

    def _applicant_fields(self) -> dict:
        """Who asks, as the form takes it: name(s) by kind, CNP or CUI, contact."""
        applicant = self.plan.applicant
        names = ({"company_name": applicant.name} if applicant.kind == CustomerKind.COMPANY
                 else {"first_name": applicant.first_name, "last_name": applicant.last_name})
        return {**names, "applicant_kind": applicant.kind.value, "national_id": applicant.national_id,
                "email": applicant.email, "phone": applicant.phone}

    def _form(self) -> dict:
        account = self.plan.account
        return {
            **self._applicant_fields(),
            "pod": "" if self.plan.by_address else account.pod, "address": account.address,
            "payment_code": account.payment_code, "client_code": account.client_code,
            "handover_index": str(account.profile.handover_index(self.rng, local_time(self._moment).date())),
            "right_of_use": self.rng.choice(RIGHT_OF_USE),
        }

    def _file(self, doc_type: str) -> tuple[str, bytes]:
        applicant, account = self.plan.applicant, self.plan.account
        id_label = "CUI" if applicant.kind == CustomerKind.COMPANY else "CNP"
        lines = [f"Titular: {applicant.name}", f"{id_label}: {applicant.national_id}",
                 f"Loc de consum: {account.address}", f"POD: {account.pod}"]
        return sample_document(doc_type, lines, self.rng.randrange(3))
