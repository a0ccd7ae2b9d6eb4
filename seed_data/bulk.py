"""Volume demo data without the services: accounts with 12+ months of invoices (their lines from
core.invoice_lines), payments and their allocations, cases in every state of every workflow with their
hash-chained audit events, and documents, generated in batches and written with COPY (PostgreSQL) or
executemany in large transactions (SQLite). It appends to whatever the database holds: ids, number
sequences and the audit chain continue from what is there, and are advanced past what was loaded."""

import hashlib
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from types import SimpleNamespace

from faker import Faker
from sqlalchemy import Table, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from stdnum.ro import cnp, cui

from core import audit, payment_days
from core.config import settings
from core.invoice_lines import Charged, estimate_lines, reading_lines, totals, vat_rate_on
from core.models import (
    AuditEvent,
    AuditHead,
    Case,
    CaseDocument,
    ConsumptionPlace,
    Contract,
    Customer,
    CustomerKind,
    DocumentContent,
    DocumentStatus,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    NumberSequence,
    Payment,
    PaymentAllocation,
    Role,
    SlaStatus,
    clock_at,
    utcnow,
)
from core.search import fold
from core.services.users import DEMO_USERS
from core.workflow import deadlines, registry
from core.workflow.spec import Transition, Workflow
from seed_data.accounts import (
    COMPANY_SHARE,
    DEBTOR_SHARE,
    LONG_HISTORY_FIRST_MONTH,
    LONG_HISTORY_SHARE,
    OVER_ESTIMATED,
    UNDER_ESTIMATED,
)
from seed_data.fake import COMPANY_WORDS, COUNTIES, LOCALITIES, METER_MAKERS, _ascii_slug
from seed_data.history import _payments_of, _seasonal, add_months
from seed_data.sample_documents import sample_pdf

BATCH_ACCOUNTS = 2_000  # accounts generated and written per transaction
POOL = 400  # names and streets drawn once from Faker (per row it is the slowest part)
PHONES = 2_000
# the bulk's consumption places use POD operator codes the scenario seed (seed_data.fake: 001-008) never uses
POD_OPERATORS = range(9, 100)
# the tables loaded, parents first; PostgreSQL drops their plain indexes for the load and rebuilds them after
TABLES: tuple[Table, ...] = tuple(m.__table__ for m in (
    Customer, ConsumptionPlace, Contract, Invoice, InvoiceLine, Payment, PaymentAllocation, DocumentContent, Case,
    CaseDocument, AuditEvent))
STAFF_BY_ROLE = {role: username for username, _, role, _ in DEMO_USERS}
Progress = Callable[[float, str], None]


def open_amount(total: Decimal, allocated: Decimal) -> Decimal:
    """What is still to pay on an invoice: its total less what settled it; a credit invoice owes nothing."""
    return max(total, Decimal("0.00")) - allocated


def utc(moment: datetime) -> datetime:
    """Stored timestamps are aware UTC (the models' column type refuses naive ones)."""
    return moment.astimezone(UTC)


class Ids:
    """The next primary key of every loaded table, from what the database already holds."""

    def __init__(self, connection: Connection):
        self._next = {t.name: (connection.execute(select(func.max(t.c.id))).scalar() or 0) + 1 for t in TABLES}

    def take(self, table: Table) -> int:
        value = self._next[table.name]
        self._next[table.name] = value + 1
        return value


class Sequences:
    """The human-facing counters (core.numbers) taken in memory, written back once after the load."""

    STARTS = {"client-code": 100_000_001, "payment-code": 300_000_001}

    def __init__(self, connection: Connection):
        table = NumberSequence.__table__
        self.values = dict(connection.execute(select(table.c.name, table.c.next_value)).all())

    def take(self, name: str) -> int:
        value = self.values.get(name, self.STARTS.get(name, 1))
        self.values[name] = value + 1
        return value

    def store(self, connection: Connection) -> None:
        table = NumberSequence.__table__
        insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        for name, value in self.values.items():
            statement = insert(table).values(name=name, next_value=value)
            connection.execute(statement.on_conflict_do_update(index_elements=["name"], set_={"next_value": value}))


@dataclass
class Pools:
    """Faker's names and streets drawn once, towns from the demo seed's list; valid CNP/CUI and phones made from
    the shared Random."""

    rng: random.Random
    used_ids: set[str]
    used_pods: set[str]
    female: list[str] = field(default_factory=list)
    male: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)
    streets: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, seed: int, used_ids: set[str], used_pods: set[str]) -> "Pools":
        import phonenumbers

        faker = Faker("ro_RO")
        faker.seed_instance(seed)
        pools = cls(random.Random(seed), used_ids, used_pods)
        pools.female = sorted({faker.first_name_female() for _ in range(POOL)})
        pools.male = sorted({faker.first_name_male() for _ in range(POOL)})
        pools.last = sorted({faker.last_name() for _ in range(POOL)})
        pools.streets = sorted({faker.street_name() for _ in range(POOL)})
        pools.cities = list(LOCALITIES)  # towns whose county an e-invoice can name, as the demo seed's
        while len(pools.phones) < PHONES:
            number = f"+407{pools.rng.randint(2, 9)}{pools.rng.randrange(10**7):07d}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                pools.phones.append(number)
        return pools

    def unique_id(self, make: Callable[[], str]) -> str:
        value = make()
        while value in self.used_ids:
            value = make()
        self.used_ids.add(value)
        return value

    def cnp(self, female: bool) -> str:
        rng = self.rng
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(66 * 365))
        sex = (1 if born.year < 2000 else 5) + female  # 1/2 for 1900-1999, 5/6 from 2000
        body = f"{sex}{born:%y%m%d}{rng.choice(COUNTIES):02d}{rng.randint(1, 999):03d}"
        return body + cnp.calc_check_digit(body)

    def cui(self) -> str:
        body = str(self.rng.randint(100_000, 49_999_999))
        return body + cui.calc_check_digit(body)

    def pod(self) -> str:
        rng = self.rng
        value = f"RO{rng.choice(POD_OPERATORS):03d}E{rng.randrange(10**9):09d}"
        while value in self.used_pods:
            value = f"RO{rng.choice(POD_OPERATORS):03d}E{rng.randrange(10**9):09d}"
        self.used_pods.add(value)
        return value

    def address(self) -> str:
        rng = self.rng
        street = f"{rng.choice(self.streets)} nr. {rng.randint(1, 250)}"
        if rng.random() < 0.4:
            street += f", bl. {rng.randint(1, 90)}, sc. {rng.choice('ABCD')}, ap. {rng.randint(1, 80)}"
        return f"{street}, {rng.choice(self.cities)}"


@dataclass
class Holder:
    """What the cases need of an account loaded."""

    kind: str
    name: str
    first_name: str
    last_name: str
    national_id: str
    email: str
    phone: str
    address: str
    contract_id: int
    place_id: int
    pod: str
    payment_code: str
    client_code: str
    last_invoice: tuple[int, Decimal] | None  # (id, total) of the newest positive invoice


class Writer:
    """Rows into one database: COPY on PostgreSQL, executemany on SQLite; counts rows for the progress line."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.counts: Counter[str] = Counter()

    def write(self, table: Table, rows: list[dict]) -> None:
        if not rows:
            return
        self.counts[table.name] += len(rows)
        if not self.postgres:
            self.connection.execute(table.insert(), rows)
            return
        names = [c.name for c in table.columns]
        json_columns = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
        cursor = self.connection.connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{table.name}" ({", ".join(names)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([json.dumps(row[n]) if n in json_columns else row.get(n) for n in names])


def load(engine: Engine, *, accounts: int, cases: int, seed: int, now: datetime | None = None,
         progress: Progress | None = None) -> dict[str, int]:
    """Appends `accounts` billed accounts and `cases` cases (on as many of them) to the database; returns the
    rows written per table."""
    if cases > accounts:
        raise ValueError("every case needs an account of its own: cases must not exceed accounts")
    if accounts <= 0:
        return {}
    now = now or utcnow()
    report = progress or stderr_progress()
    with engine.begin() as connection:
        ids, sequences, pools = _prepare(connection, seed)
        writer = Writer(connection)
        if writer.postgres:
            dropped = _drop_indexes(connection)
    holders: list[Holder] = []
    days: dict[tuple[date, str], list] = defaultdict(lambda: [0, Decimal(0)])  # the daily payments summary
    started = time.perf_counter()
    for start in range(0, accounts, BATCH_ACCOUNTS):
        count = min(BATCH_ACCOUNTS, accounts - start)
        with engine.begin() as connection:
            _fast_sqlite(connection)
            writer.connection = connection
            batch = _accounts(pools, ids, sequences, count, now)
            for table, rows in batch.tables.items():
                writer.write(table, rows)
            _count_days(days, batch.tables.get(Payment.__table__, []))
            holders += batch.holders[:max(cases - len(holders), 0)]
        rows = sum(writer.counts.values())
        report(0.9 * (start + count) / accounts, f"Conturi: {start + count} din {accounts}, "
               f"{rows} rânduri, {rows / (time.perf_counter() - started):,.0f} rânduri/s")
    with engine.begin() as connection:
        writer.connection = connection
        tables = _cases(pools, ids, sequences, holders, now, connection)
        for table, rows in tables.items():
            writer.write(table, rows)
        sequences.store(connection)
        for (day, channel), (count, amount) in sorted(days.items()):
            payment_days.add_to_day(connection, day, channel, count, amount)
        if writer.postgres:
            report(0.95, "Se refac indexurile")
            _rebuild_indexes(connection, dropped)
            _advance_serials(connection)
    if writer.postgres:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    rows = sum(writer.counts.values())
    report(1.0, f"Gata: {rows} rânduri în {time.perf_counter() - started:.1f} s "
           f"({rows / (time.perf_counter() - started):,.0f} rânduri/s)")
    return dict(writer.counts)


def _count_days(days: dict[tuple[date, str], list], payments: list[dict]) -> None:
    for payment in payments:
        day = days[payment_days.local_day(payment["paid_at"]), payment["channel"]]
        day[0] += 1
        day[1] += payment["amount"]


def stderr_progress() -> Progress:
    return lambda fraction, label: print(f"[{fraction:4.0%}] {label}", file=sys.stderr, flush=True)


def _prepare(connection: Connection, seed: int) -> tuple[Ids, Sequences, Pools]:
    used_ids = set(connection.execute(select(Customer.__table__.c.national_id)).scalars())
    used_pods = set(connection.execute(select(ConsumptionPlace.__table__.c.pod)).scalars())
    return Ids(connection), Sequences(connection), Pools.make(seed, used_ids, used_pods)


def _fast_sqlite(connection: Connection) -> None:
    """The load writes big transactions; SQLite need not wait for the disk between them (a crash mid-load
    leaves a demo database to seed again)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA synchronous = OFF")
        connection.exec_driver_sql("PRAGMA cache_size = -200000")


def _drop_indexes(connection: Connection) -> list:
    """The loaded tables' non-unique indexes: maintained row by row they slow COPY; built once after, they
    cost a sort each. Unique ones stay (they are what keeps a reused database consistent)."""
    dropped = [index for table in TABLES for index in table.indexes if not index.unique]
    for index in dropped:
        connection.exec_driver_sql(f'DROP INDEX IF EXISTS "{index.name}"')
    return dropped


def _rebuild_indexes(connection: Connection, dropped: list) -> None:
    for index in dropped:
        index.create(connection, checkfirst=True)


def _advance_serials(connection: Connection) -> None:
    """PostgreSQL's id sequences past the ids COPY wrote, so the services' inserts get new ones."""
    for table in TABLES:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f"COALESCE((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)")


@dataclass
class Batch:
    tables: dict[Table, list[dict]]
    holders: list[Holder]


def _accounts(pools: Pools, ids: Ids, sequences: Sequences, count: int, now: datetime) -> Batch:
    rows: dict[Table, list[dict]] = {t: [] for t in TABLES[:7]}
    holders = []
    for _ in range(count):
        holders.append(_account(pools, ids, sequences, now, rows))
    return Batch(rows, holders)


def _account(pools: Pools, ids: Ids, sequences: Sequences, now: datetime, rows: dict[Table, list[dict]]) -> Holder:
    """One holder, place and contract opened on its start date and billed month by month up to now, paid
    as the demo's payers pay (seed_data.history), every credit settling the oldest open invoices."""
    rng = pools.rng
    customer_t, place_t, contract_t, invoice_t, line_t, payment_t, allocation_t = TABLES[:7]
    company = rng.random() < COMPANY_SHARE
    first_month = add_months(now.date(), -rng.choice((13, 14)))
    if rng.random() < LONG_HISTORY_SHARE:
        first_month = min(first_month, LONG_HISTORY_FIRST_MONTH)
    start_index = rng.randint(0, 40_000)
    monthly = rng.randint(500, 5000) if company else rng.randint(80, 400)
    billing_day, regularisation_month = rng.randint(2, 10), rng.randrange(6)
    pays_until = now - timedelta(days=rng.uniform(40, 100)) if rng.random() < DEBTOR_SHARE else now
    share = OVER_ESTIMATED if start_index % 4 == 0 else UNDER_ESTIMATED
    start_date = date(2012, 1, 1) + timedelta(days=rng.randrange((first_month - date(2012, 1, 1)).days))
    if company:
        last = rng.choice(pools.last)
        first, name = "", f"{last} {rng.choice(COMPANY_WORDS)} {rng.choice(('SRL', 'SA'))}"
        national_id, email = pools.unique_id(pools.cui), f"office.{_ascii_slug(last)}"
    else:
        female = rng.random() < 0.5
        first, last = rng.choice(pools.female if female else pools.male), rng.choice(pools.last)
        name, national_id = f"{last} {first}", pools.unique_id(lambda: pools.cnp(female))
        email = f"{_ascii_slug(first)}.{_ascii_slug(last)}"
    customer_id, place_id, contract_id = ids.take(customer_t), ids.take(place_t), ids.take(contract_t)
    email = f"{email}.b{customer_id}@{'example.com' if company else 'example.org'}"
    address, pod, phone = pools.address(), pools.pod(), rng.choice(pools.phones)
    opened = utc(datetime.combine(start_date, clock(9), UTC))
    rows[customer_t].append(dict(
        id=customer_id, kind=(CustomerKind.COMPANY if company else CustomerKind.PERSON).value, name=name,
        search_name=fold(name), national_id=national_id, email=email, phone=phone, correspondence_address=address,
        created_at=opened))
    number = f"CF-{start_date.year}-{sequences.take(f'contract-{start_date.year}'):07d}"
    client_code = f"C{sequences.take('client-code'):09d}"
    payment_code = f"{sequences.take('payment-code'):09d}"
    rows[contract_t].append(dict(
        id=contract_id, number=number, client_code=client_code, payment_code=payment_code, customer_id=customer_id,
        place_id=place_id, status="active", start_date=start_date, start_index=start_index, end_date=None,
        end_index=None, e_invoice_email=None, sms_phone=None, created_at=opened))

    price = settings.tariff_kwh_net
    invoices, payments = [], []
    actual = last_read = last_billed = start_index
    charged: list[Charged] = []
    month = first_month
    while True:
        next_month = add_months(month, 1)
        issued_at = datetime.combine(next_month.replace(day=billing_day), clock(6), UTC)
        if issued_at >= now:
            break
        expected = monthly * _seasonal(month.month)
        actual += round(expected * rng.uniform(0.85, 1.15))
        regularise = month.month % 6 == regularisation_month
        new_index = actual if regularise else last_billed + round(expected * share)
        period_start, period_end, issue_date = max(month, start_date), next_month - timedelta(days=1), issued_at.date()
        if regularise:
            lines = reading_lines(read_kwh=new_index - last_read, charged=charged, period_start=period_start,
                                  period_end=period_end, unit_price=price)
        else:
            lines = estimate_lines(kwh=max(new_index - last_billed, 0), period_start=period_start,
                                   period_end=period_end, issue_date=issue_date, unit_price=price)
        sums = totals(lines)
        invoice_id, n = ids.take(invoice_t), sequences.take("invoice")
        invoice = dict(
            id=invoice_id, invoice_number=f"{10_000_000_000 + n:011d}",
            series=f"{issue_date.year % 100:02d}EI{10_000_000 + n:08d}", contract_id=contract_id, place_id=place_id,
            customer_id=customer_id, kind=(InvoiceKind.REGULARISATION if regularise else InvoiceKind.ESTIMATE).value,
            issue_date=issue_date, due_date=issue_date + timedelta(days=settings.invoice_due_days),
            period_start=period_start, period_end=period_end, old_index=last_billed, new_index=new_index,
            kwh=sums.kwh, value_net=sums.value_net, vat_rate=vat_rate_on(issue_date), vat=sums.vat, total=sums.total,
            balance_at_issue=None, correspondence_address=address, issued_by="billing", created_at=utc(issued_at))
        invoices.append(invoice)
        rows[line_t] += [dict(id=ids.take(line_t), invoice_id=invoice_id, position=p, kind=line.kind.value,
                              period_start=line.period_start, period_end=line.period_end, kwh=line.kwh,
                              unit_price_net=line.unit_price_net, value_net=line.value_net, vat_rate=line.vat_rate,
                              vat=line.vat, total=line.total) for p, line in enumerate(lines, start=1)]
        if regularise:
            last_read = last_billed = new_index
            charged = []
        else:
            last_billed = new_index
            charged.append(Charged(period_start, period_end, sums.kwh, invoice["vat_rate"]))
        for k, (paid_at, amount, channel) in enumerate(_payments_of(rng, sums.total, issued_at, pays_until), 1):
            if paid_at < now:
                payments.append(dict(
                    id=None, contract_id=contract_id, amount=amount, paid_at=utc(paid_at), channel=channel,
                    reference=f"SEED-{number}-{invoice['invoice_number']}-{k}", reverses_id=None, note=None,
                    recorded_by="system", created_at=utc(paid_at)))
        month = next_month
    payments.sort(key=lambda p: p["paid_at"])
    for payment in payments:
        payment["id"] = ids.take(payment_t)
    _balances_at_issue(invoices, payments)
    rows[allocation_t] += _settle(ids, allocation_t, invoices, payments)
    rows[invoice_t] += invoices
    rows[payment_t] += payments
    rows[place_t].append(dict(id=place_id, pod=pod, address=address, meter_serial=f"{rng.choice(METER_MAKERS)}-"
                              f"{rng.randrange(10**8):08d}", last_index=last_read, created_at=opened))
    newest = next(((i["id"], i["total"]) for i in reversed(invoices) if i["total"] > 0), None)
    return Holder(str(rows[customer_t][-1]["kind"]), name, first, last, national_id, email, phone, address,
                  contract_id, place_id, pod, payment_code, client_code, newest)


def _balances_at_issue(invoices: list[dict], payments: list[dict]) -> None:
    """Each invoice's balance as printed on it: everything invoiced up to it less what was paid before it."""
    invoiced, k, paid = Decimal("0.00"), 0, Decimal("0.00")
    for invoice in invoices:
        issued = invoice["created_at"]
        while k < len(payments) and payments[k]["paid_at"] < issued:
            paid += payments[k]["amount"]
            k += 1
        invoiced += invoice["total"]
        invoice["balance_at_issue"] = invoiced - paid


def _settle(ids: Ids, table: Table, invoices: list[dict], payments: list[dict]) -> list[dict]:
    """The allocation rows core.allocation.allocate would make for this history in one call: the credits
    (credit invoices, then payments on the same moment) oldest first onto the open invoices oldest first;
    each invoice's open amount written from them."""
    sources = sorted([*((utc(datetime.combine(i["issue_date"], clock.min, UTC)), 0, i["id"], "credit_invoice_id",
                         -i["total"]) for i in invoices if i["total"] < 0),
                      *((p["paid_at"], 1, p["id"], "payment_id", p["amount"]) for p in payments)])
    free = [[at, column, source_id, amount] for at, _, source_id, column, amount in sources]
    made, first = [], 0
    for invoice in invoices:
        need, settled = max(invoice["total"], Decimal("0.00")), Decimal("0.00")
        while need > 0 and first < len(free):
            source = free[first]
            share = min(need, source[3])
            made.append({"id": ids.take(table), "payment_id": None, "credit_note_id": None, "credit_invoice_id": None,
                         source[1]: source[2], "invoice_id": invoice["id"], "amount": share, "reverses_id": None,
                         "created_at": max(source[0], invoice["created_at"])})
            source[3] -= share
            need -= share
            settled += share
            if source[3] == 0:
                first += 1
        invoice["open_amount"] = open_amount(invoice["total"], settled)
    return made


def workflow_paths() -> list[tuple[Workflow, str, list[Transition]]]:
    """Every state of every workflow with the shortest run of transitions from registration to it."""
    found = []
    for wf in registry.latest_workflows():
        paths = {str(wf.initial): [wf.transition("register")]}
        frontier = [str(wf.initial)]
        while frontier:
            state = frontier.pop(0)
            for tr in wf.transitions:
                if str(state) in map(str, tr.source) and str(tr.dest) not in paths:
                    paths[str(tr.dest)] = [*paths[state], tr]
                    frontier.append(str(tr.dest))
        found += [(wf, str(state), paths[str(state)]) for state in wf.states if str(state) in paths]
    return found


def _actor(tr: Transition, rng: random.Random) -> tuple[str, str]:
    staff = [role for role in (Role.CLERK, Role.SUPERVISOR, Role.ADMIN) if role in tr.roles]
    if staff:
        role = staff[0] if len(staff) == 1 or rng.random() < 0.8 else staff[1]
        return STAFF_BY_ROLE[role], str(role)
    role = next(iter(sorted(tr.roles)))
    return ("system", str(role)) if role == Role.SYSTEM else ("customer", str(role))


def _cases(pools: Pools, ids: Ids, sequences: Sequences, holders: list[Holder], now: datetime,
           connection: Connection) -> dict[Table, list[dict]]:
    """Cases spread over every (workflow, state), each with the audit events of its run and, where its
    workflow asks for documents, the documents, all of them the same sample PDF's bytes. The state, the
    deadline and the audit trail are the engine's; effects (a new contract, a credit note, a refund
    payment) are not replayed: the scenario seed shows those."""
    place_t, content_t, case_t, document_t, event_t = (TABLES[1], TABLES[7], TABLES[8], TABLES[9], TABLES[10])
    rng, out = pools.rng, {place_t: [], content_t: [], case_t: [], document_t: [], event_t: []}
    if not holders:
        return out
    pdf = sample_pdf("id_card", ["Document demonstrativ"])
    content_id = ids.take(content_t)
    out[content_t].append({"id": content_id, "data": pdf})
    digest, targets, events = hashlib.sha256(pdf).hexdigest(), workflow_paths(), []
    for k, holder in enumerate(holders):
        wf, state, path = targets[k % len(targets)]
        case_id, registered = ids.take(case_t), now - timedelta(days=rng.uniform(1, 90))
        year = registered.year
        row = dict(id=case_id, registration_number=f"{wf.registration_prefix}-{year}-"
                   f"{sequences.take(f'reg-{wf.registration_prefix}-{year}'):06d}",
                   case_type=wf.name, workflow_version=wf.version, state=state, version=len(path) + 1,
                   assignee_id=None, created_by=STAFF_BY_ROLE[Role.CLERK], channel="counter",
                   registered_at=utc(registered), applicant_name=holder.name, search_name=fold(holder.name),
                   payment_code=holder.payment_code, client_code=holder.client_code, pod=holder.pod,
                   place_id=holder.place_id, old_contract_id=holder.contract_id, invoice_id=None,
                   disputed_amount=None, credit_amount=None, credit_proposed_by=None, new_contract_id=None,
                   verified_by=None, closed_at=None,
                   data={"applicant_kind": holder.kind, "applicant_name": holder.name, "first_name": holder.first_name,
                         "last_name": holder.last_name, "national_id": holder.national_id, "email": holder.email,
                         "phone": holder.phone, "language": "ro", "correspondence_address": holder.address})
        if wf.name == "new_contract":  # a place with no contract on it
            row.update(place_id=ids.take(place_t), pod=pools.pod(), payment_code=None, client_code=None,
                       old_contract_id=None)
            out[place_t].append(dict(id=row["place_id"], pod=row["pod"], address=holder.address,
                                     meter_serial=f"ZMD-{rng.randrange(10**8):08d}", last_index=0,
                                     created_at=utc(registered)))
        elif wf.name in ("payment_dispute", "refund"):
            row.update(place_id=None)
            if wf.name == "payment_dispute" and holder.last_invoice:
                row.update(invoice_id=holder.last_invoice[0], disputed_amount=holder.last_invoice[1])
        deadline = SimpleNamespace(deadline_name=None, due_date=None, sla_status=SlaStatus.STOPPED, sla_paused_on=None)
        at, previous = registered, None
        for tr in path:
            with clock_at(at):
                if tr.sla:
                    deadlines.apply_sla(deadline, wf, tr.sla)
            actor, role = _actor(tr, rng)
            events.append(dict(id=ids.take(event_t), case_id=case_id, subject=None, at=utc(at), actor=actor,
                               role=role, trigger=tr.trigger, from_state=previous, to_state=str(tr.dest),
                               reason="Date demonstrative" if "reason" in tr.requires else None, workflow=wf.name,
                               workflow_version=wf.version, details={}))
            previous, last = str(tr.dest), at
            at = min(at + timedelta(hours=rng.uniform(1, 72)), now)
        row.update(deadline_name=deadline.deadline_name, due_date=deadline.due_date,
                   sla_status=str(deadline.sla_status),
                   sla_paused_on=deadline.sla_paused_on, updated_at=utc(last),
                   closed_at=utc(last) if state in map(str, wf.final_states) else None)
        out[case_t].append(row)
        waiting = set(map(str, wf.document_states))
        required = wf.required_documents(holder.kind)
        if state == str(wf.initial) and required:  # still awaiting documents: some have not come yet
            required = required[:rng.randrange(len(required))]
        for doc_type in required:
            out[document_t].append(dict(
                id=ids.take(document_t), case_id=case_id, doc_type=doc_type, file_name=f"{doc_type}.pdf",
                content_type="application/pdf", size=len(pdf), sha256=digest, content_id=content_id,
                status=str(DocumentStatus.PENDING if state in waiting else DocumentStatus.APPROVED),
                is_current=True, replaces_id=None, uploaded_by=STAFF_BY_ROLE[Role.CLERK], uploaded_at=utc(registered),
                reviewed_by=None, reviewed_at=None, review_reason=None))
    _chain(connection, events)
    out[event_t] = events
    return out


def _chain(connection: Connection, events: list[dict]) -> None:
    """Links the loaded events after the chain's head (core.audit.chain_rows) and moves the head to them."""
    head_t = AuditHead.__table__
    found = connection.execute(select(head_t.c.seq, head_t.c.hash).where(head_t.c.id == 1)).first()
    seq, previous = found if found else (0, audit.GENESIS)
    last = audit.chain_rows(events, previous=previous, first_seq=seq + 1)
    values = {"id": 1, "seq": seq + len(events), "hash": last}
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(insert(head_t).values(**values).on_conflict_do_update(index_elements=["id"], set_=values))

